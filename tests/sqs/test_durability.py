"""kill -9 of ``fogbank up`` under SendMessage load: every acknowledged message is
receivable after the restart."""

from __future__ import annotations

import textwrap

from tests.conftest import copy_app
from tests.e2e.test_durability import kill_9_mid_load
from tests.sqs.conftest import APPS, sqs_client

SENDER = textwrap.dedent("""
    import sys, boto3
    from botocore.config import Config
    client = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(retries={"max_attempts": 0}, read_timeout=5,
                                        connect_timeout=2))
    url = sys.argv[1] + "/000000000000/durable-messages"
    n = 0
    while True:
        n += 1
        try:
            client.send_message(QueueUrl=url, MessageBody=str(n))
        except Exception:
            sys.exit(0)
        print(n, flush=True)
""")


def test_acknowledged_messages_survive_kill_9(tmp_path):
    app_dir = copy_app(APPS / "durable", tmp_path / "durable")
    acknowledged, endpoint, server = kill_9_mid_load(app_dir, tmp_path, SENDER)
    try:
        sqs = sqs_client(endpoint, "us-east-1")
        url = f"{endpoint}/000000000000/durable-messages"
        received: set[int] = set()
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           VisibilityTimeout=300).get("Messages")
            if not messages:
                break
            received.update(int(m["Body"]) for m in messages)
        assert set(acknowledged) <= received
        sqs.send_message(QueueUrl=url, MessageBody="still serving")
    finally:
        server.kill()
        server.wait(30)
