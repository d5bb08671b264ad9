"""Item operations through boto3 (client and resource API) against the edge."""

from __future__ import annotations

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tests.dynamodb.test_tables import error_of


@pytest.fixture(scope="module")
def table(make_table) -> str:
    return make_table("S", "N")


def test_put_get_roundtrip_every_type(ddb, table):
    item = {"pk": {"S": "types"}, "sk": {"N": "1"}, "s": {"S": "héllo"}, "n": {"N": "-0.50"},
            "b": {"B": b"\x00\xff"}, "t": {"BOOL": True}, "z": {"NULL": True},
            "m": {"M": {"B": {"S": "not binary"}, "l": {"L": [{"N": "1"}, {"B": b"x"}]}}},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"a", b"b"]},
            "e": {"S": ""}}
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "types"}, "sk": {"N": "1.00"}})["Item"]
    assert got["n"] == {"N": "-0.5"}
    assert got["b"] == {"B": b"\x00\xff"} and got["m"]["M"]["l"]["L"][1] == {"B": b"x"}
    assert got["m"]["M"]["B"] == {"S": "not binary"}
    assert sorted(got["ns"]["NS"]) == ["1", "2.5"] and got["e"] == {"S": ""}
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "none"},
                                                             "sk": {"N": "1"}})


def test_key_errors(ddb, table):
    assert error_of(ddb.put_item, TableName=table, Item={"pk": {"N": "1"}, "sk": {"N": "1"}}) == (
        "ValidationException", "One or more parameter values were invalid: Type mismatch for key"
        " pk expected: S actual: N")
    assert error_of(ddb.put_item, TableName=table, Item={"pk": {"S": "a"}}) == (
        "ValidationException", "One or more parameter values were invalid: Missing the key sk in"
        " the item")
    assert error_of(ddb.get_item, TableName=table, Key={"pk": {"S": "a"}}) == (
        "ValidationException", "The provided key element does not match the schema")
    assert error_of(ddb.get_item, TableName=table,
                    Key={"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "y"}})[1] == \
        "The provided key element does not match the schema"
    code, message = error_of(ddb.put_item, TableName=table,
                             Item={"pk": {"S": ""}, "sk": {"N": "1"}})
    assert "cannot contain an empty string value. Key: pk" in message


def test_item_size_limit(ddb, table):
    big = "x" * (400 * 1024)
    assert error_of(ddb.put_item, TableName=table, Item={
        "pk": {"S": "big"}, "sk": {"N": "1"}, "v": {"S": big}}) == (
        "ValidationException", "Item size has exceeded the maximum allowed size")
    ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "sk": {"N": "1"},
                                        "v": {"S": "x" * (400 * 1024 - 100)}})


def test_conditions_and_return_values(ddb, table):
    key = {"pk": {"S": "cond"}, "sk": {"N": "1"}}
    item = {**key, "v": {"N": "1"}}
    ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ClientError) as info:
        ddb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)",
                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert info.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert info.value.response["Error"]["Message"] == "The conditional request failed"
    assert info.value.response["Item"] == item
    old = ddb.put_item(TableName=table, Item={**key, "v": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"] == item
    assert error_of(ddb.put_item, TableName=table, Item=item, ReturnValues="ALL_NEW")[1] == \
        "ReturnValues can only be ALL_OLD or NONE"
    updated = ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = v + :one, w = :w",
                              ExpressionAttributeValues={":one": {"N": "1"}, ":w": {"S": "x"}},
                              ReturnValues="UPDATED_NEW")
    assert updated["Attributes"] == {"v": {"N": "3"}, "w": {"S": "x"}}
    assert ddb.update_item(TableName=table, Key=key, UpdateExpression="REMOVE w",
                           ReturnValues="UPDATED_OLD")["Attributes"] == {"w": {"S": "x"}}
    assert ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = :v",
                           ExpressionAttributeValues={":v": {"N": "9"}},
                           ReturnValues="ALL_NEW")["Attributes"] == {**key, "v": {"N": "9"}}
    assert ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = :v",
                           ExpressionAttributeValues={":v": {"N": "10"}},
                           ReturnValues="ALL_OLD")["Attributes"] == {**key, "v": {"N": "9"}}
    with pytest.raises(ClientError) as info:
        ddb.delete_item(TableName=table, Key=key, ConditionExpression="v = :v",
                        ExpressionAttributeValues={":v": {"N": "1"}})
    assert info.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert "Item" not in info.value.response
    deleted = ddb.delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD")
    assert deleted["Attributes"]["v"] == {"N": "10"}
    assert "Item" not in ddb.get_item(TableName=table, Key=key)


def test_updated_values_return_only_updated_nested_parts(ddb, table):
    key = {"pk": {"S": "nested"}, "sk": {"N": "1"}}
    ddb.put_item(TableName=table, Item={**key, "m": {"M": {"a": {"N": "1"}, "b": {"S": "keep"}}},
                                        "l": {"L": [{"S": "x"}, {"S": "y"}]}})
    result = ddb.update_item(TableName=table, Key=key,
                             UpdateExpression="SET m.a = m.a + :one, l[1] = :z",
                             ExpressionAttributeValues={":one": {"N": "1"}, ":z": {"S": "z"}},
                             ReturnValues="UPDATED_NEW")
    assert result["Attributes"] == {"m": {"M": {"a": {"N": "2"}}}, "l": {"L": [{"S": "z"}]}}
    old = ddb.update_item(TableName=table, Key=key, UpdateExpression="REMOVE m.b",
                          ReturnValues="UPDATED_OLD")
    assert old["Attributes"] == {"m": {"M": {"b": {"S": "keep"}}}}


def test_update_creates_item_and_rejects_key_changes(ddb, table):
    key = {"pk": {"S": "upsert"}, "sk": {"N": "5"}}
    ddb.update_item(TableName=table, Key=key, UpdateExpression="ADD hits :one",
                    ExpressionAttributeValues={":one": {"N": "1"}})
    assert ddb.get_item(TableName=table, Key=key)["Item"] == {**key, "hits": {"N": "1"}}
    code, message = error_of(ddb.update_item, TableName=table, Key=key,
                             UpdateExpression="SET pk = :p",
                             ExpressionAttributeValues={":p": {"S": "other"}})
    assert "Cannot update attribute pk. This attribute is part of the key" in message


def test_legacy_parameters(ddb, table):
    key = {"pk": {"S": "legacy"}, "sk": {"N": "1"}}
    ddb.put_item(TableName=table, Item={**key, "v": {"S": "a"}},
                 Expected={"pk": {"Exists": False}})
    ddb.update_item(TableName=table, Key=key,
                    AttributeUpdates={"v": {"Action": "PUT", "Value": {"S": "b"}}},
                    Expected={"v": {"Value": {"S": "a"}}})
    assert ddb.get_item(TableName=table, Key=key, AttributesToGet=["v"])["Item"] == {
        "v": {"S": "b"}}


def test_expression_attribute_checks(ddb, table):
    key = {"pk": {"S": "x"}, "sk": {"N": "1"}}
    code, message = error_of(ddb.get_item, TableName=table, Key=key, ProjectionExpression="a",
                             ExpressionAttributeNames={"#unused": "b"})
    assert message.startswith("Value provided in ExpressionAttributeNames unused")
    code, message = error_of(ddb.put_item, TableName=table, Item=key,
                             ConditionExpression="v = :missing")
    assert "attribute value: :missing" in message
    code, message = error_of(ddb.update_item, TableName=table, Key=key,
                             UpdateExpression="SET = bad")
    assert code == "ValidationException" and message.startswith("Invalid UpdateExpression")


def test_consumed_capacity(ddb, table):
    key = {"pk": {"S": "cap"}, "sk": {"N": "1"}}
    put = ddb.put_item(TableName=table, Item={**key, "v": {"S": "x" * 3000}},
                       ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 3.0,
                                       "WriteCapacityUnits": 3.0}
    got = ddb.get_item(TableName=table, Key=key, ReturnConsumedCapacity="INDEXES",
                       ConsistentRead=True)
    assert got["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert got["ConsumedCapacity"]["Table"]["CapacityUnits"] == 1.0


def test_resource_api_with_key_and_attr(resource, make_table):
    table = resource.Table(make_table("S", "S"))
    with table.batch_writer() as writer:
        for i in range(30):
            writer.put_item(Item={"pk": "user#1", "sk": f"order#{i:03d}", "total": i,
                                  "status": "open" if i % 3 else "closed"})
    result = table.query(KeyConditionExpression=Key("pk").eq("user#1")
                         & Key("sk").begins_with("order#01"),
                         FilterExpression=Attr("status").eq("open"))
    assert [item["sk"] for item in result["Items"]] == [
        f"order#{i:03d}" for i in range(10, 20) if i % 3]
    table.update_item(Key={"pk": "user#1", "sk": "order#000"},
                      UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":s": "paid"},
                      ConditionExpression=Attr("total").eq(0))
    assert table.get_item(Key={"pk": "user#1", "sk": "order#000"})["Item"]["status"] == "paid"
    with pytest.raises(ClientError):
        table.delete_item(Key={"pk": "user#1", "sk": "order#001"},
                          ConditionExpression=Attr("total").gt(5))
    scanned = table.scan(FilterExpression=Attr("total").between(5, 7))
    assert sorted(int(item["total"]) for item in scanned["Items"]) == [5, 6, 7]
