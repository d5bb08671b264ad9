"""DynamoDB Streams provider: ListStreams, DescribeStream, GetShardIterator, GetRecords."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from fogbank.core.db import Database
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation
from fogbank.services.dynamodb.store import database_path
from fogbank.services.dynamodb.streamlog import (
    StreamLog,
    parse_sequence_number,
    sequence_number,
)
from fogbank.services.dynamodbstreams.errors import (
    ExpiredIteratorException,
    ResourceNotFoundException,
    TrimmedDataAccessException,
    ValidationException,
)

ITERATOR_TTL_S = 15 * 60
MAX_RECORDS = 1000
ITERATOR_TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")


def stream_shard_id(stream: dict[str, Any]) -> str:
    """The id of a stream's one shard, stable across restarts."""
    created_ms = int(float(stream.get("CreationRequestDateTime", 0)) * 1000)
    digest = hashlib.sha256(stream["StreamArn"].encode()).hexdigest()[:8]
    return f"shardId-{created_ms:020d}-{digest}"


class DynamoDBStreamsProvider(Provider):
    """Amazon DynamoDB Streams over DynamoDB's change log.

    Deviations from AWS:
    - Every stream has exactly one shard, open while the stream is ENABLED (AWS splits shards
      about every four hours); a disabled stream's shard is closed and its records stay
      readable for 24 hours.
    - The records of a table are in one total order (AWS orders per item only).
    """

    service = "dynamodbstreams"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.clock = ctx.clock
        self.db = Database(database_path(ctx.config.service_dir("dynamodb")))
        self.log = StreamLog(self.db)

    def _stream(self, stream_arn: Any) -> dict[str, Any]:
        stream = self.log.stream(stream_arn) if isinstance(stream_arn, str) else None
        if stream is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Stream: {stream_arn} not found")
        return stream

    @operation("ListStreams")
    def list_streams(self, ctx: RequestContext, *, table_name: str | None = None,
                     limit: int | None = None, exclusive_start_stream_arn: str | None = None,
                     **_: Any) -> dict[str, Any]:
        if limit is not None and not 1 <= limit <= 100:
            raise ValidationException(
                f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                "constraint: Member must have value between 1 and 100")
        streams = self.log.streams(table_name)
        if exclusive_start_stream_arn:
            arns = [stream["StreamArn"] for stream in streams]
            if exclusive_start_stream_arn in arns:
                streams = streams[arns.index(exclusive_start_stream_arn) + 1:]
        page = streams[: limit or 100]
        out: dict[str, Any] = {"Streams": [{"StreamArn": s["StreamArn"],
                                            "TableName": s["TableName"],
                                            "StreamLabel": s["StreamLabel"]} for s in page]}
        if len(streams) > len(page):
            out["LastEvaluatedStreamArn"] = page[-1]["StreamArn"]
        return out

    @operation("DescribeStream")
    def describe_stream(self, ctx: RequestContext, *, stream_arn: Any = None,
                        limit: int | None = None, exclusive_start_shard_id: str | None = None,
                        **_: Any) -> dict[str, Any]:
        stream = self._stream(stream_arn)
        first, last = self.log.bounds(stream["StreamArn"])
        seq_range: dict[str, str] = {"StartingSequenceNumber": sequence_number(first or 1)}
        if stream["StreamStatus"] != "ENABLED":
            seq_range["EndingSequenceNumber"] = sequence_number(last or first or 1)
        shards = [{"ShardId": stream_shard_id(stream), "SequenceNumberRange": seq_range}]
        if exclusive_start_shard_id == shards[0]["ShardId"]:
            shards = []
        return {"StreamDescription": {
            "StreamArn": stream["StreamArn"],
            "StreamLabel": stream["StreamLabel"],
            "StreamStatus": stream["StreamStatus"],
            "StreamViewType": stream["StreamViewType"],
            "CreationRequestDateTime": stream["CreationRequestDateTime"],
            "TableName": stream["TableName"],
            "KeySchema": stream["KeySchema"],
            "Shards": shards,
        }}

    @operation("GetShardIterator")
    def get_shard_iterator(self, ctx: RequestContext, *, stream_arn: Any = None,
                           shard_id: Any = None, shard_iterator_type: Any = None,
                           sequence_number: str | None = None, **_: Any) -> dict[str, Any]:
        stream = self._stream(stream_arn)
        if shard_id != stream_shard_id(stream):
            raise ResourceNotFoundException(
                f"Requested resource not found: Shard does not exist: {shard_id}")
        if shard_iterator_type not in ITERATOR_TYPES:
            raise ValidationException(
                f"1 validation error detected: Value '{shard_iterator_type}' at "
                "'shardIteratorType' failed to satisfy constraint: Member must satisfy enum "
                "value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]")
        if shard_iterator_type == "TRIM_HORIZON":
            after = 0
        elif shard_iterator_type == "LATEST":
            after = self.log.last_seq()
        else:
            seq = parse_sequence_number(sequence_number or "")
            if seq is None or seq < 1:
                raise ValidationException(f"Invalid SequenceNumber: {sequence_number}")
            first, _last = self.log.bounds(stream["StreamArn"])
            if first is not None and seq < first:
                raise TrimmedDataAccessException(
                    "Attempted to access data beyond the trim horizon of the stream")
            after = seq - 1 if shard_iterator_type == "AT_SEQUENCE_NUMBER" else seq
        return {"ShardIterator": self._iterator(stream["StreamArn"], after)}

    def _iterator(self, stream_arn: str, after: int) -> str:
        token = json.dumps({"a": stream_arn, "p": after, "t": self.clock.now()})
        return base64.urlsafe_b64encode(token.encode()).decode()

    def _has_records_after(self, stream_arn: str, after: int) -> bool:
        """Whether a closed shard still has records past ``after`` (its iterator goes on)."""
        _first, last = self.log.bounds(stream_arn)
        return last is not None and after < last

    @operation("GetRecords")
    def get_records(self, ctx: RequestContext, *, shard_iterator: Any = None,
                    limit: int | None = None, **_: Any) -> dict[str, Any]:
        if limit is not None and not 1 <= limit <= MAX_RECORDS:
            raise ValidationException(
                f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                "constraint: Member must have value less than or equal to 1000")
        try:
            token = json.loads(base64.urlsafe_b64decode(str(shard_iterator).encode()))
            stream_arn, after, issued_s = str(token["a"]), int(token["p"]), float(token["t"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise ValidationException("Invalid ShardIterator") from None
        if self.clock.now() - issued_s > ITERATOR_TTL_S:
            raise ExpiredIteratorException("Iterator expired. The iterator was created at "
                                           f"time {issued_s} while right now it is "
                                           f"{self.clock.now()} which is further in the future "
                                           "than the tolerated delay of 900000 milliseconds.")
        stream = self._stream(stream_arn)
        records = self.log.read(stream_arn, after, limit or MAX_RECORDS)
        if records:
            after = parse_sequence_number(records[-1]["dynamodb"]["SequenceNumber"]) or after
        out: dict[str, Any] = {"Records": records}
        if stream["StreamStatus"] == "ENABLED" or self._has_records_after(stream_arn, after):
            out["NextShardIterator"] = self._iterator(stream_arn, after)
        return out

