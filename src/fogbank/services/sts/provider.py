"""STS provider: caller identity and temporary credentials."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fogbank.core.arns import parse_arn
from fogbank.core.db import Database, Documents
from fogbank.core.errors import ServiceError
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation
from fogbank.services.sts.credentials import (
    Identity,
    SessionStore,
    caller_access_key,
    decode_jwt_claims,
    expiration_after,
    root_identity,
    synthetic_role_id,
)
from fogbank.services.sts.errors import (
    ExpiredTokenException,
    InvalidIdentityToken,
    MalformedPolicyDocument,
    ValidationError,
)

SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}\Z")
MAX_POLICY_CHARS = 2048


class StsProvider(Provider):
    """AWS Security Token Service.

    Deviations from AWS:
    - Nothing is enforced: any caller may assume any role (trust policies are not
      evaluated), MFA and external ids are accepted unchecked, session policies are only
      checked to be JSON, and issued credentials are never verified by other services.
    - A role that IAM does not know can still be assumed; its ``AssumedRoleId`` then uses
      a stable id derived from the role ARN.
    - Web identity tokens must be JWTs but their signature is not verified; ``exp`` is.
    - Credentials from GetSessionToken and the assume-role calls are remembered, so
      GetCallerIdentity signed with them answers the right identity; any other access key
      is the account root, unless IAM knows it as a user's access key.
    """

    service = "sts"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.sessions = SessionStore(Documents(Database(Path(ctx.state_dir) / "sts.db")))

    async def _identity(self, ctx: RequestContext) -> Identity:
        access_key_id = caller_access_key(ctx.headers)
        if access_key_id is None:
            return root_identity(ctx.account_id)
        known = self.sessions.identity_of(access_key_id)
        if known is not None:
            return known
        try:
            used = await self.ctx.client.call(
                "iam", "GetAccessKeyLastUsed", {"AccessKeyId": access_key_id})
            user = (await self.ctx.client.call(
                "iam", "GetUser", {"UserName": used["UserName"]}))["User"]
        except (ServiceError, KeyError):
            return root_identity(ctx.account_id)
        return Identity(user_id=user["UserId"], arn=user["Arn"], account_id=ctx.account_id)

    @operation("GetCallerIdentity")
    async def get_caller_identity(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return (await self._identity(ctx)).as_output()

    @operation("GetAccessKeyInfo")
    def get_access_key_info(self, ctx: RequestContext, *, access_key_id: str,
                            **_: Any) -> dict[str, Any]:
        if not 16 <= len(access_key_id) <= 128 or not access_key_id.isalnum():
            raise ValidationError(
                f"1 validation error detected: Value '{access_key_id}' at 'accessKeyId'"
                " failed to satisfy constraint: Member must satisfy regular expression"
                " pattern: [\\w]*"
            )
        return {"Account": ctx.account_id}

    @operation("GetSessionToken")
    async def get_session_token(self, ctx: RequestContext, *, duration_seconds: int | None = None,
                                **_: Any) -> dict[str, Any]:
        duration_s = _duration(duration_seconds, default=43_200, maximum=129_600)
        identity = await self._identity(ctx)
        expiration = expiration_after(self.ctx.clock.now(), duration_s)
        return {"Credentials": self.sessions.issue(self.ctx.ids, identity, expiration)}

    @operation("AssumeRole")
    async def assume_role(self, ctx: RequestContext, *, role_arn: str, role_session_name: str,
                          duration_seconds: int | None = None, policy: str | None = None,
                          source_identity: str | None = None, **_: Any) -> dict[str, Any]:
        out = await self._assume(ctx, role_arn, role_session_name, duration_seconds, policy)
        if source_identity:
            out["SourceIdentity"] = source_identity
        return out

    @operation("AssumeRoleWithWebIdentity")
    async def assume_role_with_web_identity(
        self, ctx: RequestContext, *, role_arn: str, role_session_name: str,
        web_identity_token: str, provider_id: str | None = None,
        duration_seconds: int | None = None, policy: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        claims = decode_jwt_claims(web_identity_token)
        if claims is None:
            raise InvalidIdentityToken(
                "The ID Token provided is not a valid JWT. (You may see this error if you"
                " sent an Access Token)"
            )
        expires_s = claims.get("exp")
        if isinstance(expires_s, (int, float)) and expires_s < self.ctx.clock.now():
            raise ExpiredTokenException("Token expired: current date/time must be before the"
                                        " expiration date/time in the token.")
        out = await self._assume(ctx, role_arn, role_session_name, duration_seconds, policy)
        audience = claims.get("aud")
        if isinstance(audience, list):
            audience = audience[0] if audience else None
        out["SubjectFromWebIdentityToken"] = str(claims.get("sub", ""))
        out["Provider"] = provider_id or str(claims.get("iss", ""))
        if audience is not None:
            out["Audience"] = str(audience)
        return out

    async def _assume(self, ctx: RequestContext, role_arn: str, session_name: str,
                      duration_seconds: int | None, policy: str | None) -> dict[str, Any]:
        if not SESSION_NAME.match(session_name or ""):
            raise ValidationError(
                f"1 validation error detected: Value '{session_name}' at 'roleSessionName'"
                " failed to satisfy constraint: Member must satisfy regular expression"
                " pattern: [\\w+=,.@-]*"
            )
        parsed = parse_arn(role_arn)
        if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
            raise ValidationError(f"{role_arn} is invalid")
        role_name = parsed.resource.rsplit("/", 1)[-1]
        role_id, max_session_s = await self._role(role_arn, role_name, parsed.account_id,
                                                  ctx.account_id)
        duration_s = _duration(duration_seconds, default=3600, maximum=43_200)
        if duration_s > max_session_s:
            raise ValidationError(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this"
                " role."
            )
        packed_percent = 0
        if policy is not None:
            try:
                json.loads(policy)
            except ValueError as exc:
                raise MalformedPolicyDocument("The policy is not in the valid JSON format.") \
                    from exc
            packed_percent = min(100, len(policy) * 100 // MAX_POLICY_CHARS)
        identity = Identity(
            user_id=f"{role_id}:{session_name}",
            arn=f"arn:aws:sts::{parsed.account_id}:assumed-role/{role_name}/{session_name}",
            account_id=parsed.account_id,
        )
        expiration = expiration_after(self.ctx.clock.now(), duration_s)
        return {
            "Credentials": self.sessions.issue(self.ctx.ids, identity, expiration),
            "AssumedRoleUser": {"AssumedRoleId": identity.user_id, "Arn": identity.arn},
            "PackedPolicySize": packed_percent,
        }

    async def _role(self, role_arn: str, role_name: str, role_account: str,
                    own_account: str) -> tuple[str, int]:
        """The role's id and MaxSessionDuration from IAM, or stand-ins if IAM lacks it."""
        if role_account == own_account:
            try:
                role = (await self.ctx.client.call("iam", "GetRole",
                                                   {"RoleName": role_name}))["Role"]
                if role.get("Arn") == role_arn:
                    return str(role["RoleId"]), int(role.get("MaxSessionDuration", 3600))
            except (ServiceError, KeyError):
                pass
        return synthetic_role_id(role_arn), 43_200


def _duration(value: int | None, *, default: int, maximum: int) -> int:
    if value is None:
        return default
    if value < 900:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at 'durationSeconds' failed to"
            " satisfy constraint: Member must have value greater than or equal to 900"
        )
    if value > maximum:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at 'durationSeconds' failed to"
            f" satisfy constraint: Member must have value less than or equal to {maximum}"
        )
    return value
