"""Copies each S3 event it receives into the SEEN bucket, so a test can read it back."""

import json
import os

import boto3

s3 = boto3.client("s3")


def handle(event, context):
    for record in event["Records"]:
        s3.put_object(Bucket=os.environ["SEEN_BUCKET"],
                      Key="events/" + record["s3"]["object"]["sequencer"],
                      Body=json.dumps(event).encode())
    return {"ok": True}
