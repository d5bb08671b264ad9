"""IAM and STS through botocore's own serializer and parser (query protocol, XML)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.iam.wire import wire_client

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}


@pytest.fixture
def iam(cloud: Any) -> Any:
    return wire_client("iam", cloud.dispatcher)


@pytest.fixture
def sts(cloud: Any) -> Any:
    return wire_client("sts", cloud.dispatcher)


def test_role_round_trip(iam: Any) -> None:
    created = iam.create_role(RoleName="wire-role", AssumeRolePolicyDocument=json.dumps(TRUST),
                              Tags=[{"Key": "k", "Value": "v"}])["Role"]
    assert isinstance(created["CreateDate"], datetime)
    role = iam.get_role(RoleName="wire-role")["Role"]
    # botocore decodes IAM's URL-encoded policy documents back into dicts.
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert role["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.put_role_policy(RoleName="wire-role", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                                "Resource": "*"}]}))
    assert iam.list_role_policies(RoleName="wire-role")["PolicyNames"] == ["p"]
    assert iam.get_role_policy(RoleName="wire-role", PolicyName="p")["PolicyDocument"][
        "Statement"][0]["Action"] == "*"
    roles = iam.list_roles()
    assert roles["IsTruncated"] is False
    assert [r["RoleName"] for r in roles["Roles"]] == ["wire-role"]


def test_errors_on_the_wire(iam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        iam.get_role(RoleName="missing")
    error = caught.value.response
    assert error["Error"]["Code"] == "NoSuchEntity"
    assert error["Error"]["Message"] == "The role with name missing cannot be found."
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert isinstance(caught.value, iam.exceptions.NoSuchEntityException)
    with pytest.raises(iam.exceptions.MalformedPolicyDocumentException):
        iam.create_role(RoleName="x", AssumeRolePolicyDocument="{nope")


def test_paginator_over_marker(iam: Any) -> None:
    for index in range(7):
        iam.create_role(RoleName=f"r{index}", AssumeRolePolicyDocument=json.dumps(TRUST))
    pages = iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 3})
    assert [r["RoleName"] for page in pages for r in page["Roles"]] == [
        f"r{i}" for i in range(7)]


def test_sts_round_trip(cloud: Any, iam: Any, sts: Any) -> None:
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
    arn = iam.create_role(RoleName="deploy",
                          AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    assumed = sts.assume_role(RoleArn=arn, RoleSessionName="s1")
    assert isinstance(assumed["Credentials"]["Expiration"], datetime)
    credentials = assumed["Credentials"]
    as_role = wire_client("sts", cloud.dispatcher, access_key_id=credentials["AccessKeyId"])
    assert as_role.get_caller_identity()["Arn"] == (
        "arn:aws:sts::000000000000:assumed-role/deploy/s1")
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=arn, RoleSessionName="bad name")
    assert caught.value.response["Error"]["Code"] == "ValidationError"
