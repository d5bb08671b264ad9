"""kill -9 of ``fogbank up`` while PutObject calls stream bodies in: every acknowledged object
reads back whole after a restart (bodies are written to the kernel and the row committed
before the answer; nothing is fsync'd, so this is what a process crash keeps)."""

from __future__ import annotations

import hashlib

import boto3
from botocore.config import Config

from tests.e2e.test_durability import kill_9_mid_load
from tests.s3.s3_wire import APPS

# Prints the number of each PutObject fogbank acknowledged; bodies of 1 KiB … 1 MiB, their
# bytes derived from the number. Stops at the first failure (the server was killed).
PRODUCER = """
import sys, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="t", aws_secret_access_key="t",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3.create_bucket(Bucket="crash")
for n in range(100000):
    size = 1024 << (n % 11)
    body = (n.to_bytes(4, "big") * (size // 4 + 1))[:size]
    try:
        s3.put_object(Bucket="crash", Key=f"k/{n}", Body=body)
    except Exception:
        break
    print(n, flush=True)
"""


def expected(n: int) -> bytes:
    size = 1024 << (n % 11)
    return (n.to_bytes(4, "big") * (size // 4 + 1))[:size]


def test_acknowledged_objects_survive_kill_9(app_copy, tmp_path) -> None:
    app_dir = app_copy(APPS / "objects")
    acknowledged, endpoint, server = kill_9_mid_load(app_dir, tmp_path, PRODUCER,
                                                     kill_after=30)
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="t", aws_secret_access_key="t",
                          config=Config(s3={"addressing_style": "path"}))
        for n in acknowledged:
            got = s3.get_object(Bucket="crash", Key=f"k/{n}")
            body = got["Body"].read()
            assert body == expected(n), n
            assert got["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    finally:
        server.terminate()
        server.wait(60)
