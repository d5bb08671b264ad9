"""SQS → worker: store the readings of each chunk and mark their days for aggregation.

Powertools' ``BatchProcessor`` hands over one record at a time, parsed by ``ChunkRecord``
(the SQS record with its JSON body validated); a record whose body is not a chunk, or whose
rows do not validate, fails alone and is reported in ``batchItemFailures`` — after the
queue's ``maxReceiveCount`` receives it lands in the dead-letter queue. Readings are
written with BatchWriteItem (idempotent puts, see ``billing.keys``), then one PENDING marker
per (meter, day) with a fresh token, so the scheduled aggregation recomputes those days.
"""

from __future__ import annotations

import csv
import os
import uuid
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from billing import keys
from billing.readings import parse_row
from billing.store import batch_write, reading_item
from botocore.config import Config
from pydantic import BaseModel, Field, Json

logger = Logger()
# The worker builds every request itself (``billing.store``) and sends ~5,600 BatchWriteItem
# calls per meter-year: botocore's client-side parameter validation was a third of its CPU.
dynamodb = boto3.client("dynamodb", config=Config(parameter_validation=False))
READINGS_TABLE = os.environ["READINGS_TABLE"]
AGGREGATES_TABLE = os.environ["AGGREGATES_TABLE"]


class Chunk(BaseModel):
    source: str
    chunk: int = Field(ge=0)
    rows: list[str] = Field(min_length=1)


class ChunkRecord(SqsRecordModel):
    body: Json[Chunk]


processor = BatchProcessor(event_type=EventType.SQS, model=ChunkRecord)


def record_handler(record: ChunkRecord) -> None:
    chunk = record.body
    readings = [parse_row(row) for row in csv.reader(chunk.rows)]
    batch_write(dynamodb, READINGS_TABLE,
                [{"PutRequest": {"Item": reading_item(r)}} for r in readings])
    token = f"{record.messageId}:{uuid.uuid4().hex}"
    days = sorted({(r.mpan, r.day.isoformat()) for r in readings})
    batch_write(dynamodb, AGGREGATES_TABLE, [
        {"PutRequest": {"Item": {"pk": {"S": keys.PENDING_PK},
                                 "sk": {"S": keys.pending_sk(mpan, day)},
                                 "token": {"S": token}}}}
        for mpan, day in days])
    logger.debug("chunk stored", extra={"source": chunk.source, "chunk": chunk.chunk,
                                        "rows": len(readings), "days": len(days)})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler,
                                    processor=processor, context=context)
