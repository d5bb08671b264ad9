"""Secret versions and staging labels: adding a version, moving labels, AWS's rules.

Moving ``AWSCURRENT`` to another version leaves ``AWSPREVIOUS`` on the version that had it;
a staging label is on at most one version; versions without labels are deprecated, and at
most ``MAX_DEPRECATED`` of them are kept (oldest dropped first).
"""

from __future__ import annotations

import base64
from typing import Any

CURRENT = "AWSCURRENT"
PREVIOUS = "AWSPREVIOUS"
PENDING = "AWSPENDING"
MAX_DEPRECATED = 100


def new_version(secret_string: str | None, secret_binary: bytes | None,
                now_s: float) -> dict[str, Any]:
    version: dict[str, Any] = {"stages": [], "created_s": now_s, "accessed_s": None}
    if secret_string is not None:
        version["string"] = secret_string
    if secret_binary is not None:
        version["binary_b64"] = base64.b64encode(secret_binary).decode()
    return version


def same_value(version: dict[str, Any], secret_string: str | None,
               secret_binary: bytes | None) -> bool:
    binary = base64.b64encode(secret_binary).decode() if secret_binary is not None else None
    return version.get("string") == secret_string and version.get("binary_b64") == binary


def holder(doc: dict[str, Any], stage: str) -> str | None:
    """The version id carrying ``stage``."""
    return next((vid for vid, v in doc["versions"].items() if stage in v["stages"]), None)


def attach(doc: dict[str, Any], version_id: str, stage: str) -> None:
    """Put ``stage`` on ``version_id`` (taking it off wherever it was); moving AWSCURRENT
    marks the version that had it AWSPREVIOUS."""
    versions: dict[str, dict[str, Any]] = doc["versions"]
    previous_holder = holder(doc, stage)
    if previous_holder == version_id:
        return
    if previous_holder is not None:
        versions[previous_holder]["stages"].remove(stage)
    versions[version_id]["stages"].append(stage)
    if stage == CURRENT and previous_holder is not None:
        attach(doc, previous_holder, PREVIOUS)


def add_version(doc: dict[str, Any], version_id: str, version: dict[str, Any],
                stages: list[str]) -> None:
    doc["versions"][version_id] = version
    for stage in dict.fromkeys(stages):
        attach(doc, version_id, stage)
    drop_deprecated(doc)


def drop_deprecated(doc: dict[str, Any]) -> None:
    versions: dict[str, dict[str, Any]] = doc["versions"]
    deprecated = [vid for vid, v in versions.items() if not v["stages"]]
    for vid in deprecated[:max(0, len(deprecated) - MAX_DEPRECATED)]:
        del versions[vid]


def value_out(version: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "string" in version:
        out["SecretString"] = version["string"]
    if "binary_b64" in version:
        out["SecretBinary"] = base64.b64decode(version["binary_b64"])
    return out


def has_value(version: dict[str, Any]) -> bool:
    return "string" in version or "binary_b64" in version
