"""AWS::DynamoDB::Table / GlobalTable through the local CloudFormation engine: create,
in-place update (GSI, TTL, stream, tags), replacement on key change, delete."""

from __future__ import annotations

from pathlib import Path

import yaml

from fogbank.testing import run_app

TABLE = {
    "Type": "AWS::DynamoDB::Table",
    "Properties": {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    },
}
GLOBAL = {
    "Type": "AWS::DynamoDB::GlobalTable",
    "Properties": {
        "TableName": "global-one",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        "Replicas": [{"Region": "us-east-1", "Tags": [{"Key": "k", "Value": "v"}]}],
    },
}


def write(path: Path, resources: dict) -> None:
    outputs = {"TableName": {"Value": {"Ref": "Table"}}}
    if "Global" in resources:
        outputs["GlobalArn"] = {"Value": {"Fn::GetAtt": ["Global", "Arn"]}}
        outputs["GlobalStream"] = {"Value": {"Fn::GetAtt": ["Global", "StreamArn"]}}
    path.write_text(yaml.safe_dump({"AWSTemplateFormatVersion": "2010-09-09",
                                    "Resources": resources, "Outputs": outputs}))


def test_table_lifecycle(tmp_path):
    app_dir = tmp_path / "cfn"
    app_dir.mkdir()
    template = app_dir / "template.yaml"
    write(template, {"Table": TABLE, "Global": GLOBAL})
    with run_app(template, state_dir=tmp_path / "state") as app:
        ddb = app.client("dynamodb")
        name = app.stack.outputs["TableName"]
        ddb.put_item(TableName=name, Item={"id": {"S": "a"}, "color": {"S": "red"}})
        glob = ddb.describe_table(TableName="global-one")["Table"]
        assert app.stack.outputs["GlobalArn"] == glob["TableArn"]
        assert app.stack.outputs["GlobalStream"] == glob["LatestStreamArn"]
        assert ddb.list_tags_of_resource(ResourceArn=glob["TableArn"])["Tags"] == [
            {"Key": "k", "Value": "v"}]

        updated = {**TABLE, "Properties": {
            **TABLE["Properties"],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                                     {"AttributeName": "color", "AttributeType": "S"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "byColor",
                "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}],
            "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
            "StreamSpecification": {"StreamViewType": "KEYS_ONLY"},
            "Tags": [{"Key": "env", "Value": "test"}]}}
        write(template, {"Table": updated, "Global": GLOBAL})
        app.redeploy()
        assert app.stack.outputs["TableName"] == name  # updated in place, data kept
        found = ddb.query(TableName=name, IndexName="byColor", KeyConditionExpression="color = :c",
                          ExpressionAttributeValues={":c": {"S": "red"}})
        assert found["Count"] == 1
        assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"][
            "TimeToLiveStatus"] == "ENABLED"
        table = ddb.describe_table(TableName=name)["Table"]
        assert table["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
        assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [
            {"Key": "env", "Value": "test"}]

        replaced = {**updated, "Properties": {
            **updated["Properties"],
            "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [], "StreamSpecification": None}}
        replaced["Properties"] = {k: v for k, v in replaced["Properties"].items() if v}
        replaced["Properties"]["AttributeDefinitions"] = [
            {"AttributeName": "color", "AttributeType": "S"}]
        write(template, {"Table": replaced})
        app.redeploy()
        new_name = app.stack.outputs.get("TableName")
        assert new_name and new_name != name
        names = ddb.list_tables()["TableNames"]
        assert name not in names and "global-one" not in names and new_name in names
