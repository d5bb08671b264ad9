"""Table operations through boto3 against the edge, and tables made by CloudFormation/SAM."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    error = info.value.response["Error"]
    return error["Code"], error["Message"]


def test_template_tables_exist_with_their_properties(app, ddb):
    outputs = app.stack.outputs
    orders = ddb.describe_table(TableName=outputs["OrdersName"])["Table"]
    assert orders["TableStatus"] == "ACTIVE"
    assert orders["TableArn"] == outputs["OrdersArn"]
    assert orders["LatestStreamArn"] == outputs["OrdersStreamArn"]
    assert orders["StreamSpecification"] == {"StreamEnabled": True,
                                             "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert orders["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert orders["GlobalSecondaryIndexes"][0]["IndexName"] == "byG"
    assert ddb.describe_time_to_live(TableName=outputs["OrdersName"])[
        "TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    tags = ddb.list_tags_of_resource(ResourceArn=orders["TableArn"])["Tags"]
    assert {"Key": "team", "Value": "billing"} in tags
    simple = ddb.describe_table(TableName=outputs["SimpleName"])["Table"]
    assert simple["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert simple["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]


def test_describe_counts_items_and_sizes(ddb, make_table):
    name = make_table("S")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "n": {"N": "12345"}})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ItemCount"] == 1
    assert table["TableSizeBytes"] > 0
    assert table["TableId"] and table["CreationDateTime"]


def test_counts_follow_every_write(ddb, make_table):
    name = make_table("S", extra_definitions=[{"AttributeName": "g", "AttributeType": "S"}],
                      GlobalSecondaryIndexes=[{
                          "IndexName": "byG", "Projection": {"ProjectionType": "ALL"},
                          "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}])

    def stats():
        table = ddb.describe_table(TableName=name)["Table"]
        index = table["GlobalSecondaryIndexes"][0]
        return table["ItemCount"], table["TableSizeBytes"], index["ItemCount"], index[
            "IndexSizeBytes"]

    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})  # 2 + 1 + 1 + 1
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}})  # 2 + 1
    assert stats() == (2, 8, 1, 5)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "xyz"}})
    assert stats() == (2, 10, 1, 7)
    ddb.update_item(TableName=name, Key={"pk": {"S": "b"}}, UpdateExpression="SET g = :g",
                    ExpressionAttributeValues={":g": {"S": "q"}})
    assert stats() == (2, 12, 2, 12)
    ddb.batch_write_item(RequestItems={name: [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]})
    assert stats() == (1, 5, 1, 5)


@pytest.mark.parametrize("kwargs, message", [
    ({"AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]},
     "One or more parameter values were invalid: Some index key attributes are not defined in "
     "AttributeDefinitions. Keys: [id], AttributeDefinitions: [x]"),
    ({"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                               {"AttributeName": "extra", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]},
     "One or more parameter values were invalid: Number of attributes in KeySchema does not "
     "exactly match number of attributes defined in AttributeDefinitions"),
    ({"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "id", "KeyType": "RANGE"}]},
     "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
])
def test_create_table_validation(ddb, kwargs, message):
    code, text = error_of(ddb.create_table, TableName="invalid-one",
                          BillingMode="PAY_PER_REQUEST", **kwargs)
    assert (code, text) == ("ValidationException", message)


def test_billing_mode_rules(ddb):
    base = {"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}
    code, text = error_of(ddb.create_table, TableName="prov", **base)
    assert "ReadCapacityUnits and WriteCapacityUnits must both be specified" in text
    code, text = error_of(ddb.create_table, TableName="ppr", BillingMode="PAY_PER_REQUEST",
                          ProvisionedThroughput={"ReadCapacityUnits": 1,
                                                 "WriteCapacityUnits": 1}, **base)
    assert "Neither ReadCapacityUnits nor WriteCapacityUnits" in text
    ddb.create_table(TableName="prov-ok", ProvisionedThroughput={
        "ReadCapacityUnits": 3, "WriteCapacityUnits": 4}, **base)
    table = ddb.describe_table(TableName="prov-ok")["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    ddb.update_table(TableName="prov-ok", BillingMode="PAY_PER_REQUEST")
    assert ddb.describe_table(TableName="prov-ok")["Table"]["BillingModeSummary"][
        "BillingMode"] == "PAY_PER_REQUEST"


def test_duplicate_and_missing_tables(ddb, make_table):
    name = make_table("S")
    code, text = error_of(ddb.create_table, TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    assert (code, text) == ("ResourceInUseException", f"Table already exists: {name}")
    code, text = error_of(ddb.describe_table, TableName="nope-missing")
    assert code == "ResourceNotFoundException"
    assert text == "Requested resource not found: Table: nope-missing not found"
    ddb.delete_table(TableName=name)
    assert error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "a"}})[0] == \
        "ResourceNotFoundException"


def test_list_tables_paginates(ddb, make_table):
    for _ in range(3):
        make_table("S")
    everything = ddb.list_tables()["TableNames"]
    assert everything == sorted(everything)
    seen, start = [], None
    while True:
        page = ddb.list_tables(Limit=2, **({"ExclusiveStartTableName": start} if start else {}))
        seen.extend(page["TableNames"])
        start = page.get("LastEvaluatedTableName")
        if not start:
            break
    assert seen == everything
    assert [n for n in ddb.get_paginator("list_tables").paginate(PaginationConfig={
        "PageSize": 2}).build_full_result()["TableNames"]] == everything


def test_update_table_adds_gsi_with_backfill_and_removes_it(ddb, make_table):
    name = make_table("S")
    for i in range(5):
        item = {"pk": {"S": f"p{i}"}}
        if i % 2 == 0:
            item["color"] = {"S": "red"}
        ddb.put_item(TableName=name, Item=item)
    ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "color", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "byColor",
            "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["GlobalSecondaryIndexes"][0]["ItemCount"] == 3
    result = ddb.query(TableName=name, IndexName="byColor",
                       KeyConditionExpression="color = :c",
                       ExpressionAttributeValues={":c": {"S": "red"}})
    assert result["Count"] == 3
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[
        {"Delete": {"IndexName": "byColor"}}])
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=name)["Table"]


def test_stream_specification_update(ddb, make_table):
    name = make_table("S")
    assert "LatestStreamArn" not in ddb.describe_table(TableName=name)["Table"]
    described = ddb.update_table(TableName=name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
    assert described["LatestStreamArn"].startswith(described["TableArn"] + "/stream/")
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    table = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"]


def test_tags_and_ttl(ddb, make_table):
    name = make_table("S")
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    spec = {"Enabled": True, "AttributeName": "exp"}
    assert ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)[
        "TimeToLiveSpecification"] == spec
    assert error_of(ddb.update_time_to_live, TableName=name,
                    TimeToLiveSpecification=spec) == ("ValidationException",
                                                      "TimeToLive is already enabled")


def test_limits_and_endpoints(ddb):
    assert ddb.describe_limits()["TableMaxReadCapacityUnits"] == 40000
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440


def test_waiters_work(ddb, make_table):
    name = make_table("S")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0})
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 0})
