"""1,000 malformed DynamoDB requests of varied kinds all get a 4xx; the server keeps serving."""

from __future__ import annotations

import json
import random
from typing import Any

import requests

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20261127/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0")
EXPRESSION_ALPHABET = "ab #:()=<>,.[]0123456789 ANDORNOTBETWEENIN SET REMOVE ADD DELETE"


def malformed(table: str, rng: random.Random) -> tuple[str, Any]:
    """One malformed request: (operation, body), body being raw bytes or a JSON value."""
    key = {"pk": {"S": "k"}, "sk": {"N": "1"}}
    # a leading ")" keeps the random text a syntax error whatever follows
    garbage = ")" + "".join(rng.choice(EXPRESSION_ALPHABET) for _ in range(rng.randint(0, 30)))
    kinds = [
        ("GetItem", b"{not json"),
        ("GetItem", b"[1, 2, 3]"),
        ("NoSuchOperation", {}),
        ("GetItem", {}),
        ("GetItem", {"TableName": 5, "Key": key}),
        ("GetItem", {"TableName": table, "Key": {"pk": {"S": "k"}}}),
        ("GetItem", {"TableName": table, "Key": {"pk": {"N": "1"}, "sk": {"N": "1"}}}),
        ("GetItem", {"TableName": "no-such-table", "Key": key}),
        ("PutItem", {"TableName": table, "Item": {**key, "x": {}}}),
        ("PutItem", {"TableName": table, "Item": {**key, "x": {"S": "a", "N": "1"}}}),
        ("PutItem", {"TableName": table, "Item": {**key, "x": {"N": "abc"}}}),
        ("PutItem", {"TableName": table, "Item": {**key, "x": {"N": "1e999"}}}),
        ("PutItem", {"TableName": table, "Item": {**key, "x": {"SS": []}}}),
        ("PutItem", {"TableName": table, "Item": {**key, "x": {"NS": ["1", "1.0"]}}}),
        ("PutItem", {"TableName": table, "Item": {**key, "x": {"NULL": False}}}),
        ("PutItem", {"TableName": table, "Item": key, "ConditionExpression": garbage}),
        ("UpdateItem", {"TableName": table, "Key": key, "UpdateExpression": garbage}),
        ("UpdateItem", {"TableName": table, "Key": key, "UpdateExpression": "SET a = :v",
                        "ExpressionAttributeValues": {":v": {"S": "x"}, ":unused": {"S": "y"}}}),
        ("UpdateItem", {"TableName": table, "Key": key, "UpdateExpression": "SET a = a + :v",
                        "ExpressionAttributeValues": {":v": {"S": "x"}}}),
        ("Query", {"TableName": table}),
        ("Query", {"TableName": table, "KeyConditionExpression": garbage}),
        ("Query", {"TableName": table, "KeyConditionExpression": "pk = :p", "Limit": 0,
                   "ExpressionAttributeValues": {":p": {"S": "k"}}}),
        ("Query", {"TableName": table, "KeyConditionExpression": "sk = :p",
                   "ExpressionAttributeValues": {":p": {"N": "1"}}}),
        ("Scan", {"TableName": table, "Segment": 1}),
        ("Scan", {"TableName": table, "FilterExpression": garbage}),
        ("Scan", {"TableName": table, "ExclusiveStartKey": {"zz": {"S": "x"}}}),
        ("Scan", {"TableName": table, "ProjectionExpression": garbage}),
        ("BatchWriteItem", {"RequestItems": {}}),
        ("BatchWriteItem", {"RequestItems": {table: [{}]}}),
        ("BatchGetItem", {"RequestItems": {table: {"Keys": [key, key]}}}),
        ("TransactWriteItems", {"TransactItems": []}),
        ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": table, "Item": key}},
                                                  {"Delete": {"TableName": table, "Key": key}}]}),
        ("CreateTable", {"TableName": "x"}),
        ("CreateTable", {"TableName": "bad name!", "KeySchema": [], "AttributeDefinitions": []}),
        ("UpdateTimeToLive", {"TableName": table, "TimeToLiveSpecification": {}}),
        ("PutItem", {"TableName": table, "Item": {**key, "deep": _nested(40)}}),
        ("DescribeTable", {"TableName": ["list"]}),
        ("ExecuteStatement", {"Statement": "SELECT * FROM " + garbage}),
        ("ExecuteStatement", {"Statement": f'UPDATE "{table}" SET a = 1 WHERE pk = ?'}),
        ("ExecuteStatement", {"Statement": f'INSERT INTO "{table}" VALUE ' + garbage}),
        ("BatchExecuteStatement", {"Statements": []}),
        ("ExecuteTransaction", {"TransactStatements": [
            {"Statement": f'SELECT * FROM "{table}" WHERE pk = \'k\' AND sk = 1'},
            {"Statement": f'DELETE FROM "{table}" WHERE pk = \'k\' AND sk = 1'}]}),
    ]
    return rng.choice(kinds)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(depth):
        value = {"M": {"a": value}}
    return value


def test_thousand_malformed_requests_all_get_4xx(app, make_table, ddb):
    table = make_table("S", "N")
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "sk": {"N": "1"}})
    rng = random.Random(20261127)
    session = requests.Session()
    statuses: dict[int, int] = {}
    for _ in range(1000):
        operation, body = malformed(table, rng)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = session.post(app.edge_url + "/", data=data, headers={
            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            "Content-Type": "application/x-amz-json-1.0", "Authorization": AUTH,
            "X-Amz-Date": "20261127T000000Z"}, timeout=10)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert 400 <= response.status_code < 500, (operation, body, response.text)
        assert "__type" in response.json()
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "k"}, "sk": {"N": "1"}})["Item"]
