"""Temporary credentials and the identities they stand for.

Issued access keys are recorded (``sessions`` documents) with the identity they carry, so a
later GetCallerIdentity signed with them can answer who the caller is.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import string
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from fogbank.core.db import Documents
from fogbank.core.ids import Ids

UPPER_ALNUM = string.ascii_uppercase + string.digits
SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
_CREDENTIAL = re.compile(r"Credential=([A-Za-z0-9]+)/")


@dataclass(frozen=True)
class Identity:
    """What GetCallerIdentity answers for a set of credentials."""

    user_id: str
    arn: str
    account_id: str

    def as_output(self) -> dict[str, str]:
        return {"UserId": self.user_id, "Account": self.account_id, "Arn": self.arn}


def root_identity(account_id: str) -> Identity:
    return Identity(user_id=account_id, arn=f"arn:aws:iam::{account_id}:root",
                    account_id=account_id)


def caller_access_key(headers: Mapping[str, str]) -> str | None:
    """The access key id a request was signed with (SigV4 ``Authorization`` header or the
    ``X-Amz-Credential`` query form copied into headers), if any."""
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == "authorization":
            match = _CREDENTIAL.search(value)
            if match:
                return match.group(1)
        if lowered == "x-amz-credential":
            return value.split("/", 1)[0]
    return None


def synthetic_role_id(role_arn: str) -> str:
    """A stable ``AROA…`` id for a role IAM does not know (STS does not enforce)."""
    digest = hashlib.sha256(role_arn.encode()).digest()
    return "AROA" + "".join(UPPER_ALNUM[b % len(UPPER_ALNUM)] for b in digest[:17])


class SessionStore:
    """Issued temporary credentials → the identity each stands for."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents

    def issue(self, ids: Ids, identity: Identity, expiration: datetime) -> dict[str, Any]:
        access_key_id = "ASIA" + ids.short(16, UPPER_ALNUM)
        secret = ids.short(40, SECRET_ALPHABET)
        token_body = json.dumps({"k": access_key_id, "n": ids.hex(32)}).encode()
        session_token = "FwoGZXIvYXdzE" + base64.b64encode(token_body).decode()
        self.documents.put("session", access_key_id, {
            **asdict(identity), "expiration": expiration.timestamp(),
        })
        return {
            "AccessKeyId": access_key_id,
            "SecretAccessKey": secret,
            "SessionToken": session_token,
            "Expiration": expiration,
        }

    def identity_of(self, access_key_id: str) -> Identity | None:
        record = self.documents.get("session", access_key_id)
        if record is None:
            return None
        return Identity(record["user_id"], record["arn"], record["account_id"])


def expiration_after(now_s: float, duration_s: int) -> datetime:
    return datetime.fromtimestamp(int(now_s) + duration_s, tz=UTC)


def decode_jwt_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT, without verifying its signature; ``None`` if not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None
