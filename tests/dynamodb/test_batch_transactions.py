"""BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import ClientError

from tests.dynamodb.test_tables import error_of


def key(n: int) -> dict:
    return {"pk": {"S": f"k{n}"}}


def test_batch_write_and_get(ddb, make_table):
    table = make_table("S")
    ddb.batch_write_item(RequestItems={table: [
        {"PutRequest": {"Item": {**key(i), "v": {"N": str(i)}}}} for i in range(25)]})
    result = ddb.batch_get_item(RequestItems={table: {
        "Keys": [key(i) for i in range(0, 30, 3)], "ProjectionExpression": "v"}})
    assert sorted(int(item["v"]["N"]) for item in result["Responses"][table]) == list(
        range(0, 25, 3))
    assert result["UnprocessedKeys"] == {}
    ddb.batch_write_item(RequestItems={table: [
        {"DeleteRequest": {"Key": key(i)}} for i in range(10)]})
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 15


def test_batch_limits_and_duplicates(ddb, make_table):
    table = make_table("S")
    assert error_of(ddb.batch_write_item, RequestItems={table: [
        {"PutRequest": {"Item": key(1)}}, {"DeleteRequest": {"Key": key(1)}}]}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    code, message = error_of(ddb.batch_write_item, RequestItems={table: [
        {"PutRequest": {"Item": key(i)}} for i in range(26)]})
    assert code == "ValidationException" and "less than or equal to 25" in message
    assert error_of(ddb.batch_get_item, RequestItems={table: {
        "Keys": [key(i) for i in range(101)]}}) == (
        "ValidationException", "Too many items requested for the BatchGetItem call")
    assert error_of(ddb.batch_get_item, RequestItems={table: {
        "Keys": [key(1), key(1)]}})[1] == "Provided list of item keys contains duplicates"
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 0  # nothing half-written


def test_batch_get_returns_unprocessed_keys_past_16_mb(ddb, make_table):
    table = make_table("S")
    blob = "x" * (390 * 1024)
    for start in range(0, 50, 25):
        ddb.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {**key(i), "v": {"S": blob}}}}
            for i in range(start, start + 25)]})
    result = ddb.batch_get_item(RequestItems={table: {"Keys": [key(i) for i in range(50)]}})
    got = len(result["Responses"][table])
    assert 40 <= got < 50
    assert len(result["UnprocessedKeys"][table]["Keys"]) == 50 - got


def test_transaction_commits_all(ddb, make_table):
    table = make_table("S")
    ddb.put_item(TableName=table, Item={**key(1), "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item=key(9))
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {**key(2), "n": {"N": "2"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": table, "Key": key(1), "UpdateExpression": "SET n = n + :d",
                    "ExpressionAttributeValues": {":d": {"N": "10"}}}},
        {"ConditionCheck": {"TableName": table, "Key": key(9),
                            "ConditionExpression": "attribute_exists(pk)"}},
        {"Delete": {"TableName": table, "Key": key(3)}},
    ])
    got = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": key(1)}},
        {"Get": {"TableName": table, "Key": key(2), "ProjectionExpression": "n"}},
        {"Get": {"TableName": table, "Key": key(3)}}])["Responses"]
    assert got == [{"Item": {**key(1), "n": {"N": "11"}}}, {"Item": {"n": {"N": "2"}}}, {}]


def test_transaction_cancelled_writes_nothing(ddb, make_table):
    table = make_table("S")
    ddb.put_item(TableName=table, Item={**key(1), "n": {"N": "1"}})
    with pytest.raises(ClientError) as info:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": key(5)}},
            {"ConditionCheck": {"TableName": table, "Key": key(1),
                                "ConditionExpression": "n = :two",
                                "ExpressionAttributeValues": {":two": {"N": "2"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": table, "Key": key(2), "UpdateExpression": "SET n = :v",
                        "ExpressionAttributeValues": {":v": {"N": "1"}}}},
        ])
    response = info.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed, None]")
    reasons = response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Item"] == {**key(1), "n": {"N": "1"}}
    assert "Item" not in ddb.get_item(TableName=table, Key=key(5))
    assert "Item" not in ddb.get_item(TableName=table, Key=key(2))


def test_transaction_validation(ddb, make_table):
    table = make_table("S")
    assert error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": table, "Item": key(1)}},
        {"Delete": {"TableName": table, "Key": key(1)}}]) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item")
    code, message = error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": table, "Item": key(i)}} for i in range(101)])
    assert code == "ValidationException" and "100" in message


def test_client_request_token_idempotency(ddb, make_table):
    table = make_table("S")
    items = [{"Update": {"TableName": table, "Key": key(1), "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    for _ in range(3):
        ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
    assert ddb.get_item(TableName=table, Key=key(1))["Item"]["n"] == {"N": "1"}
    code, _ = error_of(ddb.transact_write_items, ClientRequestToken="token-1",
                       TransactItems=[{"Put": {"TableName": table, "Item": key(2)}}])
    assert code == "IdempotentParameterMismatchException"


def test_concurrent_transfers_keep_the_total(app, make_table):
    """Concurrent transactions moving money never expose a torn state."""
    table = make_table("S")
    clients = [app.client("dynamodb") for _ in range(4)]
    clients[0].put_item(TableName=table, Item={**key(0), "n": {"N": "1000"}})
    clients[0].put_item(TableName=table, Item={**key(1), "n": {"N": "1000"}})
    totals: list[int] = []

    def transfer(client, direction):
        for _ in range(15):
            source, target = (key(0), key(1)) if direction else (key(1), key(0))
            try:
                client.transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": source,
                                "UpdateExpression": "SET n = n - :one",
                                "ConditionExpression": "n >= :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                    {"Update": {"TableName": table, "Key": target,
                                "UpdateExpression": "SET n = n + :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
            except ClientError:
                pass

    def audit(client):
        for _ in range(15):
            got = client.transact_get_items(TransactItems=[
                {"Get": {"TableName": table, "Key": key(0)}},
                {"Get": {"TableName": table, "Key": key(1)}}])["Responses"]
            totals.append(sum(int(r["Item"]["n"]["N"]) for r in got))

    threads = [threading.Thread(target=transfer, args=(clients[0], True)),
               threading.Thread(target=transfer, args=(clients[1], False)),
               threading.Thread(target=audit, args=(clients[2],)),
               threading.Thread(target=audit, args=(clients[3],))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert totals and set(totals) == {2000}
