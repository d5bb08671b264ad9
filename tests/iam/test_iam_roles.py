"""IAM roles, inline and attached policies, through the dispatcher."""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.handlers import json_decode_policies

from tests.logs.botocore_shapes import service_model

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})
POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
})


def decoded(result: dict[str, Any], operation: str) -> dict[str, Any]:
    """Decode policy documents the way botocore does for IAM callers."""
    json_decode_policies(result, service_model("iam").operation_model(operation))
    return result


def test_create_and_get_role(cloud: Any) -> None:
    role = cloud.iam("CreateRole", RoleName="fn-role", AssumeRolePolicyDocument=TRUST,
                     Path="/service/", Description="d", Tags=[{"Key": "a", "Value": "1"}])["Role"]
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", role["RoleId"])
    assert role["Arn"] == "arn:aws:iam::000000000000:role/service/fn-role"
    assert role["MaxSessionDuration"] == 3600
    assert "%7B%22Version%22" in role["AssumeRolePolicyDocument"]
    got = decoded(cloud.iam("GetRole", RoleName="fn-role"), "GetRole")["Role"]
    assert got["AssumeRolePolicyDocument"] == json.loads(TRUST)
    assert got["Tags"] == [{"Key": "a", "Value": "1"}]
    assert got["RoleId"] == role["RoleId"]


def test_role_errors(cloud: Any) -> None:
    error = cloud.error("iam", "GetRole", RoleName="nope")
    assert (error.error_code, error.message) == (
        "NoSuchEntity", "The role with name nope cannot be found.")
    assert type(error).status == 404
    cloud.iam("CreateRole", RoleName="r", AssumeRolePolicyDocument=TRUST)
    error = cloud.error("iam", "CreateRole", RoleName="R", AssumeRolePolicyDocument=TRUST)
    assert (error.error_code, error.message) == (
        "EntityAlreadyExists", "Role with name R already exists.")
    assert type(error).status == 409
    error = cloud.error("iam", "CreateRole", RoleName="x", AssumeRolePolicyDocument="{not json")
    assert error.error_code == "MalformedPolicyDocument"
    error = cloud.error("iam", "CreateRole", RoleName="bad name", AssumeRolePolicyDocument=TRUST)
    assert error.error_code == "ValidationError"
    error = cloud.error("iam", "CreateRole", RoleName="x", AssumeRolePolicyDocument=TRUST,
                        MaxSessionDuration=60)
    assert error.error_code == "ValidationError"


def test_list_roles_paging_and_prefix(cloud: Any) -> None:
    for index in range(5):
        cloud.iam("CreateRole", RoleName=f"role-{index}", AssumeRolePolicyDocument=TRUST,
                  Path="/app/" if index % 2 else "/")
    page = cloud.iam("ListRoles", MaxItems=2)
    assert page["IsTruncated"] is True
    names = [r["RoleName"] for r in page["Roles"]]
    while page["IsTruncated"]:
        page = cloud.iam("ListRoles", MaxItems=2, Marker=page["Marker"])
        names += [r["RoleName"] for r in page["Roles"]]
    assert names == [f"role-{i}" for i in range(5)]
    assert [r["RoleName"] for r in cloud.iam("ListRoles", PathPrefix="/app/")["Roles"]] == [
        "role-1", "role-3"]


def test_update_role_and_trust_policy(cloud: Any) -> None:
    cloud.iam("CreateRole", RoleName="r", AssumeRolePolicyDocument=TRUST)
    cloud.iam("UpdateRole", RoleName="r", Description="new", MaxSessionDuration=7200)
    new_trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
    cloud.iam("UpdateAssumeRolePolicy", RoleName="r", PolicyDocument=new_trust)
    role = decoded(cloud.iam("GetRole", RoleName="r"), "GetRole")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("new", 7200)
    assert role["AssumeRolePolicyDocument"] == json.loads(new_trust)


def test_role_tags(cloud: Any) -> None:
    cloud.iam("CreateRole", RoleName="r", AssumeRolePolicyDocument=TRUST)
    cloud.iam("TagRole", RoleName="r", Tags=[{"Key": "a", "Value": "1"},
                                             {"Key": "b", "Value": "2"}])
    cloud.iam("UntagRole", RoleName="r", TagKeys=["a"])
    assert cloud.iam("ListRoleTags", RoleName="r")["Tags"] == [{"Key": "b", "Value": "2"}]


def test_inline_policies_and_delete_conflict(cloud: Any) -> None:
    cloud.iam("CreateRole", RoleName="r", AssumeRolePolicyDocument=TRUST)
    cloud.iam("PutRolePolicy", RoleName="r", PolicyName="read", PolicyDocument=POLICY)
    got = decoded(cloud.iam("GetRolePolicy", RoleName="r", PolicyName="read"), "GetRolePolicy")
    assert got["PolicyDocument"] == json.loads(POLICY)
    assert cloud.iam("ListRolePolicies", RoleName="r")["PolicyNames"] == ["read"]
    error = cloud.error("iam", "DeleteRole", RoleName="r")
    assert error.error_code == "DeleteConflict" and type(error).status == 409
    error = cloud.error("iam", "GetRolePolicy", RoleName="r", PolicyName="other")
    assert error.message == "The role policy with name other cannot be found."
    cloud.iam("DeleteRolePolicy", RoleName="r", PolicyName="read")
    cloud.iam("DeleteRole", RoleName="r")
    assert cloud.iam("ListRoles")["Roles"] == []


def test_attach_aws_managed_and_customer_policies(cloud: Any) -> None:
    cloud.iam("CreateRole", RoleName="r", AssumeRolePolicyDocument=TRUST)
    basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    cloud.iam("AttachRolePolicy", RoleName="r", PolicyArn=basic)
    mine = cloud.iam("CreatePolicy", PolicyName="mine", PolicyDocument=POLICY)["Policy"]["Arn"]
    cloud.iam("AttachRolePolicy", RoleName="r", PolicyArn=mine)
    attached = cloud.iam("ListAttachedRolePolicies", RoleName="r")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": basic},
                        {"PolicyName": "mine", "PolicyArn": mine}]
    assert cloud.iam("GetPolicy", PolicyArn=mine)["Policy"]["AttachmentCount"] == 1
    error = cloud.error("iam", "DeleteRole", RoleName="r")
    assert error.message == "Cannot delete entity, must detach all policies first."
    error = cloud.error("iam", "DeletePolicy", PolicyArn=mine)
    assert error.error_code == "DeleteConflict"
    error = cloud.error("iam", "AttachRolePolicy", RoleName="r",
                        PolicyArn="arn:aws:iam::000000000000:policy/missing")
    assert error.error_code == "NoSuchEntity"
    cloud.iam("DetachRolePolicy", RoleName="r", PolicyArn=basic)
    cloud.iam("DetachRolePolicy", RoleName="r", PolicyArn=mine)
    assert cloud.error("iam", "DetachRolePolicy", RoleName="r",
                       PolicyArn=mine).error_code == "NoSuchEntity"
    cloud.iam("DeleteRole", RoleName="r")


def test_roles_survive_restart(tmp_path: Any, clock: Any) -> None:
    from tests.iam.harness import IdentityCloud

    IdentityCloud(tmp_path, clock).iam("CreateRole", RoleName="r",
                                       AssumeRolePolicyDocument=TRUST)
    assert IdentityCloud(tmp_path, clock).iam("GetRole", RoleName="r")["Role"]["RoleName"] == "r"
