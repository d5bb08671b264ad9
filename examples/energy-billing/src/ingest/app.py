"""S3 → ingest: validate an uploaded readings file and fan its rows out to the chunk queue.

Triggered by ``s3:ObjectCreated:*`` on ``incoming/*.csv``. The object is streamed line by
line; accepted rows go out in chunks (``validate.chunk_bodies``) through SendMessageBatch,
rejected rows go to an errors report in the reports bucket (``errors/<key>.csv``), and a
summary of every file lands at ``reports/<key>.json``. Only a wrong header rejects the whole
file. A chunk is at most 24 KiB, so a meter-year of six revisions (105,120 rows) is ~1,300
messages that the workers take in parallel.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import S3Model
from aws_lambda_powertools.utilities.typing import LambdaContext
from validate import FileCheck, chunk_bodies, valid_lines

logger = Logger()
s3 = boto3.client("s3")
sqs = boto3.client("sqs")
QUEUE_URL = os.environ["CHUNK_QUEUE_URL"]
REPORTS_BUCKET = os.environ["REPORTS_BUCKET"]
SEND_BATCH = 10


def _lines(bucket: str, key: str) -> Iterator[str]:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""
    for block in body.iter_chunks(chunk_size=1 << 20):
        pending += decoder.decode(block)
        *complete, pending = pending.split("\n")
        yield from (line + "\n" for line in complete)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def _send(bodies: Iterator[str]) -> int:
    """SendMessageBatch of ten; failed entries are retried once, then the call fails."""
    sent, batch = 0, []
    for body in bodies:
        batch.append(body)
        if len(batch) == SEND_BATCH:
            sent += _send_batch(batch)
            batch = []
    if batch:
        sent += _send_batch(batch)
    return sent


def _send_batch(bodies: list[str]) -> int:
    entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)]
    for _ in range(3):
        failed = sqs.send_message_batch(QueueUrl=QUEUE_URL, Entries=entries).get("Failed", [])
        if not failed:
            return len(bodies)
        retry = {f["Id"] for f in failed}
        entries = [e for e in entries if e["Id"] in retry]
    raise RuntimeError(f"{len(entries)} chunk messages could not be sent: {failed}")


def ingest(bucket: str, key: str) -> dict[str, Any]:
    check = FileCheck()
    source = f"s3://{bucket}/{key}"
    chunks = _send(chunk_bodies(valid_lines(_lines(bucket, key), check), source))
    name = key.removeprefix("incoming/")
    summary: dict[str, Any] = {
        "source": source, "status": "rejected" if check.header_error else "accepted",
        "rowsAccepted": check.rows_accepted, "rowsRejected": check.rows_rejected,
        "chunks": chunks, "errorsReport": None,
    }
    if check.header_error or check.rows_rejected:
        errors_key = f"errors/{name}.errors.csv"
        s3.put_object(Bucket=REPORTS_BUCKET, Key=errors_key, Body=check.errors_csv(),
                      ContentType="text/csv")
        summary["errorsReport"] = f"s3://{REPORTS_BUCKET}/{errors_key}"
    s3.put_object(Bucket=REPORTS_BUCKET, Key=f"reports/{name}.json",
                  Body=json.dumps(summary, indent=2).encode(), ContentType="application/json")
    logger.info("file ingested", extra=summary)
    return summary


@logger.inject_lambda_context
@event_parser(model=S3Model)
def handler(event: S3Model, context: LambdaContext) -> list[dict[str, Any]]:
    summaries = []
    for record in event.Records:
        if record.s3.object is None:  # only ObjectCreated events are subscribed
            continue
        summaries.append(ingest(record.s3.bucket.name, unquote_plus(record.s3.object.key)))
    return summaries
