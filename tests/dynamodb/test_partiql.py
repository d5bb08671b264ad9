"""PartiQL: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction through boto3."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.dynamodb.test_tables import error_of


@pytest.fixture(scope="module")
def table(ddb, make_table) -> str:
    name = make_table("S", "N")
    for i in range(6):
        ddb.execute_statement(
            Statement=f'INSERT INTO "{name}" VALUE {{\'pk\': ?, \'sk\': ?, '
                      "'tags': <<'a', 'b'>>, 'info': {'n': 1, 'l': [1, 'two', true, null]}}",
            Parameters=[{"S": "p"}, {"N": str(i)}])
    return name


def test_insert_then_select_by_partition(ddb, table):
    result = ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE pk = ?',
                                   Parameters=[{"S": "p"}])
    assert [item["sk"]["N"] for item in result["Items"]] == [str(i) for i in range(6)]
    item = result["Items"][0]
    assert sorted(item["tags"]["SS"]) == ["a", "b"]
    assert item["info"]["M"]["l"]["L"] == [{"N": "1"}, {"S": "two"}, {"BOOL": True},
                                           {"NULL": True}]
    descending = ddb.execute_statement(
        Statement=f'SELECT sk FROM "{table}" WHERE pk = \'p\' AND sk >= 3 ORDER BY sk DESC')
    assert descending["Items"] == [{"sk": {"N": "5"}}, {"sk": {"N": "4"}}, {"sk": {"N": "3"}}]


def test_select_pagination_and_scan(ddb, table):
    first = ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE pk = ?',
                                  Parameters=[{"S": "p"}], Limit=4)
    assert len(first["Items"]) == 4 and first["NextToken"]
    rest = ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE pk = ?',
                                 Parameters=[{"S": "p"}], NextToken=first["NextToken"])
    assert len(rest["Items"]) == 2
    scanned = ddb.execute_statement(
        Statement=f'SELECT sk FROM "{table}" WHERE info.n = 1 AND sk BETWEEN 1 AND 2')
    assert sorted(item["sk"]["N"] for item in scanned["Items"]) == ["1", "2"]
    missing = ddb.execute_statement(
        Statement=f'SELECT sk FROM "{table}" WHERE other IS MISSING AND sk IN [0, 5]')
    assert sorted(item["sk"]["N"] for item in missing["Items"]) == ["0", "5"]


def test_update_and_delete(ddb, table):
    ddb.execute_statement(
        Statement=f'UPDATE "{table}" SET info.n = info.n + 5 SET note = ? REMOVE tags '
                  "WHERE pk = 'p' AND sk = 1", Parameters=[{"S": "hi"}])
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"N": "1"}})["Item"]
    assert item["info"]["M"]["n"] == {"N": "6"} and item["note"] == {"S": "hi"}
    assert "tags" not in item
    code, _ = error_of(ddb.execute_statement,
                       Statement=f'UPDATE "{table}" SET a = 1 WHERE pk = \'p\' AND sk = 99')
    assert code == "ConditionalCheckFailedException"
    code, _ = error_of(ddb.execute_statement,
                       Statement=f'DELETE FROM "{table}" WHERE pk = \'p\' AND sk = 2 AND note = 1')
    assert code == "ConditionalCheckFailedException"
    ddb.execute_statement(Statement=f'DELETE FROM "{table}" WHERE pk = \'p\' AND sk = 2')
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "p"}, "sk": {"N": "2"}})


def test_errors(ddb, table):
    code, message = error_of(ddb.execute_statement,
                             Statement=f'INSERT INTO "{table}" VALUE {{\'pk\': \'p\', \'sk\': 0}}')
    assert (code, message) == ("DuplicateItemException", "Duplicate primary key exists in table")
    code, message = error_of(ddb.execute_statement, Statement="SELEC * FROM x")
    assert code == "ValidationException" and "well formed" in message
    code, message = error_of(ddb.execute_statement,
                             Statement=f'SELECT * FROM "{table}" WHERE pk = ?')
    assert message == "Number of parameters in request and statement don't match."
    code, message = error_of(ddb.execute_statement,
                             Statement=f'UPDATE "{table}" SET a = 1 WHERE pk = \'p\'')
    assert "mandatory equality on all key attributes" in message


def test_batch_execute_statement(ddb, table):
    responses = ddb.batch_execute_statement(Statements=[
        {"Statement": f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?',
         "Parameters": [{"S": "p"}, {"N": "0"}]},
        {"Statement": f'INSERT INTO "{table}" VALUE {{\'pk\': \'p\', \'sk\': 0}}'},
        {"Statement": f'INSERT INTO "{table}" VALUE {{\'pk\': \'b\', \'sk\': 1}}'},
    ])["Responses"]
    assert responses[0]["Item"]["sk"] == {"N": "0"}
    assert responses[1]["Error"]["Code"] == "DuplicateItem"
    assert "Error" not in responses[2]


def test_execute_transaction(ddb, table):
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f'INSERT INTO "{table}" VALUE {{\'pk\': \'t\', \'sk\': 1}}'},
        {"Statement": f'UPDATE "{table}" SET n = 1 WHERE pk = \'p\' AND sk = 0'}])
    got = ddb.execute_transaction(TransactStatements=[
        {"Statement": f'SELECT * FROM "{table}" WHERE pk = \'t\' AND sk = 1'},
        {"Statement": f'SELECT * FROM "{table}" WHERE pk = \'p\' AND sk = 0'}])["Responses"]
    assert got[0]["Item"]["pk"] == {"S": "t"} and got[1]["Item"]["n"] == {"N": "1"}
    with pytest.raises(ClientError) as info:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f'INSERT INTO "{table}" VALUE {{\'pk\': \'t2\', \'sk\': 1}}'},
            {"Statement": f'INSERT INTO "{table}" VALUE {{\'pk\': \'t\', \'sk\': 1}}'}])
    assert info.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in info.value.response["CancellationReasons"]] == [
        "None", "ConditionalCheckFailed"]
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "t2"}, "sk": {"N": "1"}})
