"""Secrets Manager through botocore's own serializer and parser (JSON protocol)."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.core.clock import ManualClock
from fogbank.services.secretsmanager.passwords import random_password

TOKEN_A = "a" * 32
TOKEN_B = "b" * 40
DAY_S = 86400


def error_of(call: Callable[..., Any], **params: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]  # type: ignore[no-any-return]


def test_create_and_read_by_name_and_arns(sm: Any) -> None:
    created = sm.create_secret(Name="prod/db", SecretString="s3cret", Description="db")
    assert re.fullmatch(r"arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-"
                        r"[A-Za-z0-9]{6}", created["ARN"])
    for secret_id in ("prod/db", created["ARN"], created["ARN"][:-7]):
        got = sm.get_secret_value(SecretId=secret_id)
        assert (got["SecretString"], got["Name"], got["VersionStages"]) == (
            "s3cret", "prod/db", ["AWSCURRENT"])
        assert got["VersionId"] == created["VersionId"]
    err = error_of(sm.get_secret_value, SecretId="prod/nope")
    assert err == {"Code": "ResourceNotFoundException",
                   "Message": "Secrets Manager can't find the specified secret."}
    err = error_of(sm.create_secret, Name="prod/db", SecretString="x")
    assert err == {"Code": "ResourceExistsException",
                   "Message": "The operation failed because the secret prod/db already exists."}


def test_binary_secret_and_secret_without_value(sm: Any) -> None:
    sm.create_secret(Name="bin", SecretBinary=b"\x00\x01\xff")
    assert sm.get_secret_value(SecretId="bin")["SecretBinary"] == b"\x00\x01\xff"
    created = sm.create_secret(Name="empty")
    assert "VersionId" not in created
    err = error_of(sm.get_secret_value, SecretId="empty")
    assert err["Message"] == ("Secrets Manager can't find the specified secret value for"
                              " staging label: AWSCURRENT")
    err = error_of(sm.create_secret, Name="both", SecretString="a", SecretBinary=b"b")
    assert err["Code"] == "InvalidParameterException"
    err = error_of(sm.create_secret, Name="bad name!", SecretString="a")
    assert err["Message"] == ("Invalid name. Must be a valid name containing alphanumeric"
                              " characters, or any of the following: -/_+=.@!")


def test_client_request_token_idempotency(sm: Any) -> None:
    first = sm.create_secret(Name="s", SecretString="Hello", ClientRequestToken=TOKEN_A)
    again = sm.create_secret(Name="s", SecretString="Hello", ClientRequestToken=TOKEN_A)
    first.pop("ResponseMetadata")
    again.pop("ResponseMetadata")
    assert first == again and first["VersionId"] == TOKEN_A
    err = error_of(sm.create_secret, Name="s", SecretString="Hi", ClientRequestToken=TOKEN_A)
    assert err["Message"] == (f"You can't use ClientRequestToken {TOKEN_A} because that value"
                              f" is already in use for a version of secret {first['ARN']}.")
    put = sm.put_secret_value(SecretId="s", SecretString="Hello", ClientRequestToken=TOKEN_A)
    assert (put["VersionId"], put["VersionStages"]) == (TOKEN_A, ["AWSCURRENT"])
    err = error_of(sm.put_secret_value, SecretId="s", SecretString="Hi",
                   ClientRequestToken=TOKEN_A)
    assert err["Code"] == "ResourceExistsException"
    assert sm.update_secret(SecretId="s", SecretString="Hello",
                            ClientRequestToken=TOKEN_A)["VersionId"] == TOKEN_A


def test_put_secret_value_moves_stages(sm: Any) -> None:
    v1 = sm.create_secret(Name="s", SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId="s", SecretString="two")["VersionId"]
    v3 = sm.put_secret_value(SecretId="s", SecretString="three")["VersionId"]
    stages = sm.describe_secret(SecretId="s")["VersionIdsToStages"]
    assert stages == {v2: ["AWSPREVIOUS"], v3: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId="s", VersionStage="AWSPREVIOUS")["SecretString"] == "two"
    assert sm.get_secret_value(SecretId="s", VersionId=v1)["SecretString"] == "one"
    versions = sm.list_secret_version_ids(SecretId="s")["Versions"]
    assert [v["VersionId"] for v in versions] == [v2, v3]
    everything = sm.list_secret_version_ids(SecretId="s", IncludeDeprecated=True)["Versions"]
    assert [v["VersionId"] for v in everything] == [v1, v2, v3]
    err = error_of(sm.get_secret_value, SecretId="s", VersionId=v1, VersionStage="AWSCURRENT")
    assert err["Message"] == ("You provided a VersionStage that is not associated to the"
                              " provided VersionId.")
    err = error_of(sm.get_secret_value, SecretId="s", VersionId=TOKEN_B)
    assert err["Message"] == ("Secrets Manager can't find the specified secret value for"
                              f" VersionId: {TOKEN_B}")


def test_update_secret_version_stage(sm: Any) -> None:
    current = sm.create_secret(Name="s", SecretString="previous_secret")["VersionId"]
    sm.put_secret_value(SecretId="s", ClientRequestToken=TOKEN_A, SecretString="new",
                        VersionStages=["AWSPENDING"])
    assert sm.get_secret_value(SecretId="s", VersionStage="AWSPENDING")["VersionStages"] == [
        "AWSPENDING"]
    err = error_of(sm.update_secret_version_stage, SecretId="s", VersionStage="AWSCURRENT",
                   MoveToVersionId=TOKEN_A)
    assert err["Message"] == (
        "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is"
        f" currently attached to version {current}, so you must explicitly reference that"
        " version in RemoveFromVersionId.")
    sm.update_secret_version_stage(SecretId="s", VersionStage="AWSCURRENT",
                                   MoveToVersionId=TOKEN_A, RemoveFromVersionId=current)
    now = sm.get_secret_value(SecretId="s")
    assert (now["SecretString"], sorted(now["VersionStages"])) == (
        "new", ["AWSCURRENT", "AWSPENDING"])
    previous = sm.get_secret_value(SecretId="s", VersionStage="AWSPREVIOUS")
    assert (previous["SecretString"], previous["VersionStages"]) == (
        "previous_secret", ["AWSPREVIOUS"])
    sm.update_secret_version_stage(SecretId="s", VersionStage="AWSPENDING",
                                   RemoveFromVersionId=TOKEN_A)
    assert sm.describe_secret(SecretId="s")["VersionIdsToStages"][TOKEN_A] == ["AWSCURRENT"]


def test_update_secret(sm: Any, clock: ManualClock) -> None:
    sm.create_secret(Name="s", SecretString="one", Description="old")
    clock.advance(90)
    out = sm.update_secret(SecretId="s", Description="new")
    assert "VersionId" not in out
    out = sm.update_secret(SecretId="s", SecretString="two", KmsKeyId="alias/k")
    described = sm.describe_secret(SecretId="s")
    assert (described["Description"], described["KmsKeyId"]) == ("new", "alias/k")
    assert described["VersionIdsToStages"][out["VersionId"]] == ["AWSCURRENT"]
    assert described["LastChangedDate"].timestamp() == clock.now()
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "two"


def test_delete_restore_and_purge(sm: Any, clock: ManualClock) -> None:
    arn = sm.create_secret(Name="s", SecretString="v")["ARN"]
    err = error_of(sm.delete_secret, SecretId="s", RecoveryWindowInDays=6)
    assert err["Message"] == ("The RecoveryWindowInDays value must be between 7 and 30 days"
                              " (inclusive).")
    err = error_of(sm.delete_secret, SecretId="s", RecoveryWindowInDays=7,
                   ForceDeleteWithoutRecovery=True)
    assert err["Code"] == "InvalidParameterException"
    deleted = sm.delete_secret(SecretId="s", RecoveryWindowInDays=7)
    assert deleted["DeletionDate"].timestamp() == clock.now() + 7 * DAY_S
    err = error_of(sm.get_secret_value, SecretId="s")
    assert err == {"Code": "InvalidRequestException", "Message": "You can't perform this"
                   " operation on the secret because it was marked for deletion."}
    assert "DeletedDate" in sm.describe_secret(SecretId="s")
    assert sm.list_secrets()["SecretList"] == []
    assert len(sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]) == 1
    err = error_of(sm.create_secret, Name="s", SecretString="v")
    assert err["Code"] == "InvalidRequestException"
    assert sm.restore_secret(SecretId=arn)["Name"] == "s"
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v"
    sm.delete_secret(SecretId="s")
    clock.advance(30 * DAY_S)
    assert error_of(sm.describe_secret, SecretId="s")["Code"] == "ResourceNotFoundException"
    sm.create_secret(Name="s", SecretString="again")
    sm.delete_secret(SecretId="s", ForceDeleteWithoutRecovery=True)
    assert sm.create_secret(Name="s", SecretString="third")["Name"] == "s"


def test_list_secrets_filters_sorting_and_pages(sm: Any, clock: ManualClock) -> None:
    specs = [("SecretOne", None, []), ("SecretTwo", "DescTwo", []), ("Thirdsecret", None, []),
             ("prod/AppBeta/x", None, []), ("uat/COMPANYthings/y", None, []),
             ("tagged", None, [{"Key": "env", "Value": "prod"}])]
    for name, description, tags in specs:
        clock.advance(1)
        params: dict[str, Any] = {"Name": name, "SecretString": "s", "Tags": tags}
        if description:
            params["Description"] = description
        sm.create_secret(**params)

    def names(*filters: dict[str, Any], **params: Any) -> list[str]:
        listed = sm.list_secrets(Filters=list(filters), **params)["SecretList"]
        return [s["Name"] for s in listed]

    assert names({"Key": "all", "Values": ["secret"]}) == ["SecretOne", "SecretTwo"]
    assert names({"Key": "all", "Values": ["ret"]}) == []
    assert names({"Key": "all", "Values": ["d t"]}) == ["SecretTwo"]
    assert names({"Key": "all", "Values": ["AppBeta"]}) == ["prod/AppBeta/x"]
    assert names({"Key": "all", "Values": ["Beta"]}) == ["prod/AppBeta/x"]
    assert names({"Key": "all", "Values": ["things"]}) == []
    assert names({"Key": "all", "Values": ["Ythings"]}) == ["uat/COMPANYthings/y"]
    assert names({"Key": "name", "Values": ["prod/App"]}) == ["prod/AppBeta/x"]
    assert names({"Key": "tag-key", "Values": ["env"]},
                 {"Key": "tag-value", "Values": ["prod"]}) == ["tagged"]
    assert "tagged" not in names({"Key": "name", "Values": ["!tagged"]})
    assert names(SortOrder="desc")[0] == "tagged"
    err = error_of(sm.list_secrets, Filters=[{"Key": "invalid", "Values": ["x"]}])
    assert err["Message"].startswith("1 validation error detected: Value 'invalid' at"
                                     " 'filters.1.member.key'")
    pages = sm.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": 4})
    assert [len(page["SecretList"]) for page in pages] == [4, 2]
    entry = sm.list_secrets()["SecretList"][1]
    assert entry["Description"] == "DescTwo" and entry["SecretVersionsToStages"]


def test_tags_and_batch_get(sm: Any) -> None:
    sm.create_secret(Name="a", SecretString="1")
    sm.create_secret(Name="b", SecretString="2", Tags=[{"Key": "x", "Value": "y"}])
    sm.tag_resource(SecretId="a", Tags=[{"Key": "k", "Value": "v"}, {"Key": "x", "Value": "z"}])
    sm.untag_resource(SecretId="a", TagKeys=["k"])
    assert sm.describe_secret(SecretId="a")["Tags"] == [{"Key": "x", "Value": "z"}]
    out = sm.batch_get_secret_value(SecretIdList=["a", "missing", "b"])
    assert [v["SecretString"] for v in out["SecretValues"]] == ["1", "2"]
    assert out["Errors"] == [{"SecretId": "missing", "ErrorCode": "ResourceNotFoundException",
                              "Message": "Secrets Manager can't find the specified secret."}]
    out = sm.batch_get_secret_value(Filters=[{"Key": "tag-value", "Values": ["z"]}])
    assert [v["Name"] for v in out["SecretValues"]] == ["a"]
    err = error_of(sm.batch_get_secret_value, SecretIdList=["a"],
                   Filters=[{"Key": "name", "Values": ["a"]}])
    assert err["Code"] == "InvalidParameterException"
    err = error_of(sm.tag_resource, SecretId="a", Tags=[{"Key": "aws:x", "Value": "v"}])
    assert err["Code"] == "InvalidParameterException"


def test_get_random_password(sm: Any) -> None:
    password = sm.get_random_password()["RandomPassword"]
    assert len(password) == 32
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        assert set(password) & set(chars)
    only_digits = sm.get_random_password(PasswordLength=12, ExcludeLowercase=True,
                                         ExcludeUppercase=True, ExcludePunctuation=True)
    assert only_digits["RandomPassword"].isdigit()
    spaced = sm.get_random_password(PasswordLength=50, IncludeSpace=True,
                                    ExcludeCharacters="abcdef")["RandomPassword"]
    assert not set("abcdef") & set(spaced)
    seeded = random_password(random.Random(4), length=2000, include_space=True)
    assert " " in seeded
    assert sm.get_random_password(PasswordLength=4, IncludeSpace=True)["RandomPassword"]
    err = error_of(sm.get_random_password, PasswordLength=3)
    assert err["Message"] == "Password length is too short based on the required types."


def test_secrets_survive_a_restart(make_cloud: Callable[[], Any], clock: ManualClock) -> None:
    first = make_cloud()
    arn = first.sm.create_secret(Name="keep", SecretString="v1")["ARN"]
    first.sm.put_secret_value(SecretId="keep", SecretString="v2")
    first.sm.get_secret_value(SecretId="keep")
    second = make_cloud()
    assert second.sm.get_secret_value(SecretId=arn)["SecretString"] == "v2"
    described = second.sm.describe_secret(SecretId="keep")
    assert described["LastAccessedDate"].timestamp() == clock.now() // DAY_S * DAY_S


def test_aws_edge_cases(sm: Any) -> None:
    gone = sm.delete_secret(SecretId="never-existed", ForceDeleteWithoutRecovery=True)
    assert gone["Name"] == "never-existed"
    err = error_of(sm.delete_secret, SecretId="never-existed", RecoveryWindowInDays=31,
                   ForceDeleteWithoutRecovery=True)
    assert "between 7 and 30 days" in err["Message"]
    sm.create_secret(Name="empty")
    described = sm.describe_secret(SecretId="empty")
    assert {"ARN", "Name", "LastChangedDate", "CreatedDate"} == set(described) - {
        "ResponseMetadata"}
    first = sm.put_secret_value(SecretId="empty", SecretString="v", VersionStages=["AWSPENDING"])
    assert first["VersionStages"] == ["AWSPENDING", "AWSCURRENT"]
    sm.tag_resource(SecretId="empty", Tags=[{"Key": "k", "Value": "v"}])
    sm.untag_resource(SecretId="empty", TagKeys=["k"])
    assert sm.describe_secret(SecretId="empty")["Tags"] == []
    err = error_of(sm.list_secrets, Filters=[{"Values": ["x"]}])
    assert (err["Code"], err["Message"]) == ("InvalidParameterException", "Invalid filter key")
    err = error_of(sm.list_secrets, Filters=[{"Key": "description"}])
    assert err["Message"] == "Invalid filter values for key: description"
