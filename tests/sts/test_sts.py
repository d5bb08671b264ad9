"""STS: caller identity and temporary credentials."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})


def signed_with(access_key_id: str) -> dict[str, str]:
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential={access_key_id}/20261127/us-east-1/"
                             "sts/aws4_request, SignedHeaders=host, Signature=abc"}


def jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


def test_caller_identity_is_root_by_default(cloud: Any) -> None:
    assert cloud.sts("GetCallerIdentity") == {
        "UserId": "000000000000", "Account": "000000000000",
        "Arn": "arn:aws:iam::000000000000:root"}
    assert cloud.sts("GetCallerIdentity", headers=signed_with("AKIAUNKNOWN000000000")) == (
        cloud.sts("GetCallerIdentity"))


def test_assume_role_known_to_iam(cloud: Any) -> None:
    role = cloud.iam("CreateRole", RoleName="deployer", AssumeRolePolicyDocument=TRUST,
                     MaxSessionDuration=7200)["Role"]
    out = cloud.sts("AssumeRole", RoleArn=role["Arn"], RoleSessionName="ci-run",
                    DurationSeconds=7200)
    credentials = out["Credentials"]
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", credentials["AccessKeyId"])
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["Expiration"] == datetime.fromtimestamp(1_800_007_200, tz=UTC)
    assert out["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role['RoleId']}:ci-run",
        "Arn": "arn:aws:sts::000000000000:assumed-role/deployer/ci-run"}
    identity = cloud.sts("GetCallerIdentity", headers=signed_with(credentials["AccessKeyId"]))
    assert identity["Arn"] == "arn:aws:sts::000000000000:assumed-role/deployer/ci-run"
    assert identity["UserId"] == f"{role['RoleId']}:ci-run"
    error = cloud.error("sts", "AssumeRole", RoleArn=role["Arn"], RoleSessionName="x2",
                        DurationSeconds=10_000)
    assert error.error_code == "ValidationError"
    assert "MaxSessionDuration" in error.message


def test_assume_role_unknown_role_is_not_enforced(cloud: Any) -> None:
    arn = "arn:aws:iam::123456789012:role/elsewhere"
    first = cloud.sts("AssumeRole", RoleArn=arn, RoleSessionName="s1")["AssumedRoleUser"]
    second = cloud.sts("AssumeRole", RoleArn=arn, RoleSessionName="s1")["AssumedRoleUser"]
    assert first == second
    assert first["Arn"] == "arn:aws:sts::123456789012:assumed-role/elsewhere/s1"


def test_assume_role_validation(cloud: Any) -> None:
    arn = "arn:aws:iam::000000000000:role/r"
    for params in ({"RoleSessionName": "a"}, {"RoleSessionName": "bad name"},
                   {"RoleSessionName": "ok", "DurationSeconds": 60}):
        assert cloud.error("sts", "AssumeRole", RoleArn=arn,
                           **params).error_code == "ValidationError"
    assert cloud.error("sts", "AssumeRole", RoleArn="not-an-arn",
                       RoleSessionName="ok").error_code == "ValidationError"
    error = cloud.error("sts", "AssumeRole", RoleArn=arn, RoleSessionName="ok", Policy="{x")
    assert error.error_code == "MalformedPolicyDocument"


def test_session_token_keeps_caller_identity(cloud: Any) -> None:
    out = cloud.sts("GetSessionToken", DurationSeconds=900)["Credentials"]
    assert out["Expiration"] == datetime.fromtimestamp(1_800_000_900, tz=UTC)
    identity = cloud.sts("GetCallerIdentity", headers=signed_with(out["AccessKeyId"]))
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert cloud.error("sts", "GetSessionToken",
                       DurationSeconds=200_000).error_code == "ValidationError"


def test_iam_user_access_key_identity(cloud: Any) -> None:
    user = cloud.iam("CreateUser", UserName="bob")["User"]
    key = cloud.iam("CreateAccessKey", UserName="bob")["AccessKey"]["AccessKeyId"]
    identity = cloud.sts("GetCallerIdentity", headers=signed_with(key))
    assert identity == {"UserId": user["UserId"], "Account": "000000000000",
                        "Arn": "arn:aws:iam::000000000000:user/bob"}


def test_assume_role_with_web_identity(cloud: Any) -> None:
    token = jwt({"sub": "user-1", "aud": "client-a", "iss": "https://issuer.example",
                 "exp": 1_900_000_000})
    out = cloud.sts("AssumeRoleWithWebIdentity", RoleArn="arn:aws:iam::000000000000:role/web",
                    RoleSessionName="web1", WebIdentityToken=token)
    assert out["SubjectFromWebIdentityToken"] == "user-1"
    assert out["Audience"] == "client-a"
    assert out["Provider"] == "https://issuer.example"
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/web/web1")
    error = cloud.error("sts", "AssumeRoleWithWebIdentity",
                        RoleArn="arn:aws:iam::000000000000:role/web", RoleSessionName="web1",
                        WebIdentityToken="not-a-jwt")
    assert error.error_code == "InvalidIdentityToken"
    expired = jwt({"sub": "u", "exp": 1_700_000_000})
    error = cloud.error("sts", "AssumeRoleWithWebIdentity",
                        RoleArn="arn:aws:iam::000000000000:role/web", RoleSessionName="web1",
                        WebIdentityToken=expired)
    assert error.error_code == "ExpiredTokenException"


def test_get_access_key_info(cloud: Any) -> None:
    assert cloud.sts("GetAccessKeyInfo", AccessKeyId="AKIAIOSFODNN7EXAMPLE") == {
        "Account": "000000000000"}
    assert cloud.error("sts", "GetAccessKeyInfo", AccessKeyId="short").error_code == (
        "ValidationError")


def test_sessions_survive_restart(tmp_path: Any, clock: Any) -> None:
    from tests.iam.harness import IdentityCloud

    first = IdentityCloud(tmp_path, clock)
    key = first.sts("AssumeRole", RoleArn="arn:aws:iam::000000000000:role/r",
                    RoleSessionName="s1")["Credentials"]["AccessKeyId"]
    second = IdentityCloud(tmp_path, clock)
    assert second.sts("GetCallerIdentity", headers=signed_with(key))["Arn"].endswith(
        "assumed-role/r/s1")
