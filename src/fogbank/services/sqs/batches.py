"""The checks every *Batch operation makes before looking at any entry."""

from __future__ import annotations

import re
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.sqs.errors import (
    BatchEntryIdsNotDistinct,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    SqsError,
    TooManyEntriesInBatchRequest,
)

MAX_BATCH_ENTRIES = 10
ENTRY_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def check_batch(entries: list[dict[str, Any]] | None, entry_kind: str) -> list[dict[str, Any]]:
    """``entry_kind`` names the entry shape in AWS's message, e.g. ``SendMessageBatch``."""
    entries = list(entries or [])
    if not entries:
        raise EmptyBatchRequest(entry_kind)
    if len(entries) > MAX_BATCH_ENTRIES:
        raise TooManyEntriesInBatchRequest(len(entries))
    seen: set[str] = set()
    for entry in entries:
        entry_id = str(entry.get("Id") or "")
        if not ENTRY_ID.match(entry_id):
            raise InvalidBatchEntryId()
    for entry in entries:
        entry_id = str(entry["Id"])
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(entry_id)
        seen.add(entry_id)
    return entries


def failure(entry_id: str, error: ServiceError) -> dict[str, Any]:
    """A ``BatchResultErrorEntry`` for an entry that failed on its own."""
    code = (error.query_error_code if isinstance(error, SqsError) and error.query_error_code
            else error.error_code)
    return {"Id": entry_id, "SenderFault": bool(type(error).sender_fault), "Code": code,
            "Message": error.message}
