"""Plain records the SQS store hands out: queues and stored messages."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.sqs.queue_attributes import (
    INTEGER_ATTRIBUTES,
    RedrivePolicy,
    is_true,
    parse_redrive_policy,
)


@dataclass
class QueueRecord:
    queue_id: int
    name: str
    region: str
    account_id: str
    attributes: dict[str, str]
    tags: dict[str, str]
    created_at: float
    modified_at: float
    purged_at: float | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account_id}:{self.name}"

    @property
    def fifo(self) -> bool:
        return is_true(self.attributes.get("FifoQueue"))

    def int_attribute(self, name: str) -> int:
        value = self.attributes.get(name)
        return int(value) if value is not None else INTEGER_ATTRIBUTES[name][2]

    @property
    def redrive_policy(self) -> RedrivePolicy | None:
        return parse_redrive_policy(self.attributes.get("RedrivePolicy"))


@dataclass
class NewMessage:
    """A message about to be stored (validated, digests computed)."""

    message_id: str
    body: str
    md5_of_body: str
    message_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    md5_of_message_attributes: str | None = None
    system_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    md5_of_system_attributes: str | None = None
    sender_id: str = ""
    delay_s: int = 0
    group_id: str | None = None
    dedup_id: str | None = None


@dataclass
class StoredMessage:
    seq: int
    queue_id: int
    message_id: str
    body: str
    md5_of_body: str
    extra_json: str
    sent_at: float
    visible_at: float
    receive_count: int
    first_receive_at: float | None
    receipt_nonce: str | None
    group_id: str | None
    dedup_id: str | None

    _extra: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def extra(self) -> dict[str, Any]:
        """Attributes, digests and sender, decoded on first use (most receives need none)."""
        if self._extra is None:
            self._extra = json.loads(self.extra_json)
        return self._extra

    @property
    def sequence_number(self) -> str:
        return sequence_number(self.seq)

    @property
    def message_attributes(self) -> dict[str, dict[str, Any]]:
        return decode_attributes(self.extra.get("attributes"))

    @property
    def system_attributes(self) -> dict[str, dict[str, Any]]:
        return decode_attributes(self.extra.get("system_attributes"))


def sequence_number(seq: int) -> str:
    """FIFO SequenceNumber: 20 digits, increasing with every message stored."""
    return f"{18_000_000_000_000_000_000 + seq}"


MESSAGE_COLUMNS = ("seq, queue_id, message_id, body, md5_body, extra, sent_at, visible_at, "
                   "receive_count, first_receive_at, receipt_nonce, group_id, dedup_id")


def message_from_row(row: Any) -> StoredMessage:
    return StoredMessage(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                         row[8], row[9], row[10], row[11], row[12])


def encode_attributes(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """JSON-safe form: binary values base64-encoded."""
    encoded: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        if "BinaryValue" in value:
            encoded[name] = {"DataType": value["DataType"],
                             "Binary64": base64.b64encode(value["BinaryValue"]).decode()}
        else:
            encoded[name] = dict(value)
    return encoded


def decode_attributes(encoded: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    decoded: dict[str, dict[str, Any]] = {}
    for name, value in (encoded or {}).items():
        if "Binary64" in value:
            decoded[name] = {"DataType": value["DataType"],
                             "BinaryValue": base64.b64decode(value["Binary64"])}
        else:
            decoded[name] = dict(value)
    return decoded
