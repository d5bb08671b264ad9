"""Managed policies with versions, users and access keys."""

from __future__ import annotations

import json
import re
from typing import Any

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]})


def test_policy_lifecycle_and_versions(cloud: Any) -> None:
    policy = cloud.iam("CreatePolicy", PolicyName="p", PolicyDocument=POLICY, Path="/team/",
                       Description="d")["Policy"]
    arn = policy["Arn"]
    assert arn == "arn:aws:iam::000000000000:policy/team/p"
    assert re.fullmatch(r"ANPA[A-Z0-9]{17}", policy["PolicyId"])
    assert policy["DefaultVersionId"] == "v1"
    version = cloud.iam("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=POLICY,
                        SetAsDefault=True)["PolicyVersion"]
    assert (version["VersionId"], version["IsDefaultVersion"]) == ("v2", True)
    got = cloud.iam("GetPolicyVersion", PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert got["IsDefaultVersion"] is False and got["Document"].startswith("%7B")
    versions = cloud.iam("ListPolicyVersions", PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v2", "v1"]
    for _ in range(3):
        cloud.iam("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=POLICY)
    error = cloud.error("iam", "CreatePolicyVersion", PolicyArn=arn, PolicyDocument=POLICY)
    assert error.error_code == "LimitExceeded"
    assert cloud.error("iam", "DeletePolicy", PolicyArn=arn).error_code == "DeleteConflict"
    assert cloud.error("iam", "DeletePolicyVersion", PolicyArn=arn,
                       VersionId="v2").error_code == "DeleteConflict"
    for version_id in ("v1", "v3", "v4", "v5"):
        cloud.iam("DeletePolicyVersion", PolicyArn=arn, VersionId=version_id)
    assert [p["PolicyName"] for p in cloud.iam("ListPolicies", Scope="Local")["Policies"]] == ["p"]
    assert cloud.iam("ListPolicies", Scope="AWS")["Policies"] == []
    assert cloud.iam("ListPolicies", OnlyAttached=True)["Policies"] == []
    cloud.iam("DeletePolicy", PolicyArn=arn)
    error = cloud.error("iam", "GetPolicy", PolicyArn=arn)
    assert (error.error_code, error.message) == ("NoSuchEntity", f"Policy {arn} was not found.")


def test_policy_errors(cloud: Any) -> None:
    cloud.iam("CreatePolicy", PolicyName="p", PolicyDocument=POLICY)
    error = cloud.error("iam", "CreatePolicy", PolicyName="p", PolicyDocument=POLICY)
    assert error.error_code == "EntityAlreadyExists"
    error = cloud.error("iam", "CreatePolicy", PolicyName="q", PolicyDocument='{"Version": 1}')
    assert error.error_code == "MalformedPolicyDocument"
    error = cloud.error("iam", "CreatePolicy", PolicyName="q",
                        PolicyDocument=json.dumps({"Statement": [{"Action": "x" * 7000}]}))
    assert error.error_code == "LimitExceeded"


def test_users_and_access_keys(cloud: Any) -> None:
    user = cloud.iam("CreateUser", UserName="alice")["User"]
    assert user["Arn"] == "arn:aws:iam::000000000000:user/alice"
    assert re.fullmatch(r"AIDA[A-Z0-9]{17}", user["UserId"])
    assert cloud.error("iam", "CreateUser", UserName="alice").error_code == "EntityAlreadyExists"
    key = cloud.iam("CreateAccessKey", UserName="alice")["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key["AccessKeyId"])
    assert len(key["SecretAccessKey"]) == 40
    cloud.iam("CreateAccessKey", UserName="alice")
    assert cloud.error("iam", "CreateAccessKey", UserName="alice").error_code == "LimitExceeded"
    listed = cloud.iam("ListAccessKeys", UserName="alice")["AccessKeyMetadata"]
    assert len(listed) == 2
    assert cloud.iam("GetAccessKeyLastUsed", AccessKeyId=key["AccessKeyId"])["UserName"] == "alice"
    assert cloud.error("iam", "DeleteUser", UserName="alice").error_code == "DeleteConflict"
    for item in listed:
        cloud.iam("DeleteAccessKey", UserName="alice", AccessKeyId=item["AccessKeyId"])
    cloud.iam("DeleteUser", UserName="alice")
    error = cloud.error("iam", "GetUser", UserName="alice")
    assert error.message == "The user with name alice cannot be found."
    assert cloud.iam("ListUsers")["Users"] == []


def test_groups_membership_and_policies(cloud: Any) -> None:
    group = cloud.iam("CreateGroup", GroupName="devs")["Group"]
    assert re.fullmatch(r"AGPA[A-Z0-9]{17}", group["GroupId"])
    assert cloud.error("iam", "CreateGroup", GroupName="devs").error_code == (
        "EntityAlreadyExists")
    cloud.iam("CreateUser", UserName="carol")
    cloud.iam("AddUserToGroup", GroupName="devs", UserName="carol")
    assert [u["UserName"] for u in cloud.iam("GetGroup", GroupName="devs")["Users"]] == ["carol"]
    assert [g["GroupName"] for g in
            cloud.iam("ListGroupsForUser", UserName="carol")["Groups"]] == ["devs"]
    cloud.iam("PutGroupPolicy", GroupName="devs", PolicyName="inline", PolicyDocument=POLICY)
    assert cloud.iam("GetGroupPolicy", GroupName="devs",
                     PolicyName="inline")["GroupName"] == "devs"
    error = cloud.error("iam", "DeleteGroup", GroupName="devs")
    assert error.message == "Cannot delete entity, must remove users from group first."
    assert cloud.error("iam", "DeleteUser", UserName="carol").error_code == "DeleteConflict"
    cloud.iam("RemoveUserFromGroup", GroupName="devs", UserName="carol")
    assert cloud.error("iam", "DeleteGroup", GroupName="devs").error_code == "DeleteConflict"
    cloud.iam("DeleteGroupPolicy", GroupName="devs", PolicyName="inline")
    cloud.iam("DeleteGroup", GroupName="devs")
    error = cloud.error("iam", "GetGroup", GroupName="devs")
    assert error.message == "The group with name devs cannot be found."


def test_user_policies_and_policy_entities(cloud: Any) -> None:
    cloud.iam("CreateUser", UserName="dave")
    cloud.iam("CreateGroup", GroupName="ops")
    cloud.iam("CreateRole", RoleName="svc", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    arn = cloud.iam("CreatePolicy", PolicyName="shared", PolicyDocument=POLICY)["Policy"]["Arn"]
    cloud.iam("AttachUserPolicy", UserName="dave", PolicyArn=arn)
    cloud.iam("AttachGroupPolicy", GroupName="ops", PolicyArn=arn)
    cloud.iam("AttachRolePolicy", RoleName="svc", PolicyArn=arn)
    assert cloud.iam("GetPolicy", PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    entities = cloud.iam("ListEntitiesForPolicy", PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["dave"]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["ops"]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["svc"]
    assert cloud.iam("ListAttachedUserPolicies", UserName="dave")["AttachedPolicies"] == [
        {"PolicyName": "shared", "PolicyArn": arn}]
    cloud.iam("PutUserPolicy", UserName="dave", PolicyName="own", PolicyDocument=POLICY)
    assert cloud.iam("ListUserPolicies", UserName="dave")["PolicyNames"] == ["own"]
    error = cloud.error("iam", "GetUserPolicy", UserName="dave", PolicyName="other")
    assert error.message == "The user policy with name other cannot be found."
    error = cloud.error("iam", "DeleteUser", UserName="dave")
    assert error.message == "Cannot delete entity, must detach all policies first."
