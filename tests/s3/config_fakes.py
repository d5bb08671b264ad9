"""A small stand-in for ``S3Provider`` and a recording internal client, so the bucket
configuration mixin is tested on its own (the wire tests use the real provider)."""

from __future__ import annotations

import json
from typing import Any

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.db import Database
from fogbank.core.errors import ServiceError
from fogbank.core.ids import Ids
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.base import Provider, RequestContext, ServiceContext
from fogbank.services.s3.config import BucketConfigOperations
from fogbank.services.s3.errors import NoSuchBucket


class NotFound(ServiceError):
    code = "ResourceNotFoundException"
    status = 404


class QueueDoesNotExist(ServiceError):
    code = "AWS.SimpleQueueService.NonExistentQueue"


class RecordingClient:
    """Answers the operations S3 calls; ``existing`` lists destination ARNs that exist."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.existing: set[str] = set()
        self.unauthorized: set[str] = set()  # functions without a policy for S3
        self.fail_next: Exception | None = None

    async def call(self, service: str, operation: str, params: dict[str, Any] | None = None,
                   *, region: str | None = None) -> dict[str, Any]:
        params = dict(params or {})
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        if service == "sqs" and operation == "GetQueueUrl":
            arn = (f"arn:aws:sqs:{region}:{params['QueueOwnerAWSAccountId']}:"
                   f"{params['QueueName']}")
            if arn not in self.existing:
                raise QueueDoesNotExist("The specified queue does not exist.")
            self.calls.append((service, operation, params))
            return {"QueueUrl": f"http://sqs.local/{params['QueueOwnerAWSAccountId']}/"
                                f"{params['QueueName']}"}
        target = params.get("TopicArn") or params.get("FunctionName")
        if target and target not in self.existing:
            raise NotFound(f"{target} not found")
        self.calls.append((service, operation, params))
        if operation == "GetPolicy":
            if target in self.unauthorized:
                raise NotFound("The resource you requested does not exist.")
            return {"Policy": json.dumps({"Statement": [{
                "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "lambda:InvokeFunction", "Resource": target}]})}
        if operation == "PutEvents":
            return {"FailedEntryCount": 0, "Entries": [{"EventId": "e-1"}]}
        return {}

    def sent(self, operation: str) -> list[dict[str, Any]]:
        return [params for _, op, params in self.calls if op == operation]


class FakeS3(BucketConfigOperations, Provider):
    service = "s3"

    def __init__(self, ctx: ServiceContext, db: Database) -> None:
        self.ctx = ctx
        self.db = db
        self.buckets: set[str] = set()
        self.objects: dict[tuple[str, str], bytes] = {}

    def require_bucket(self, name: str) -> None:
        if name not in self.buckets:
            raise NoSuchBucket(fields={"BucketName": name})

    def object_response(self, bucket: str, key: str, request: HttpRequest
                        ) -> HttpResponse | None:
        body = self.objects.get((bucket, key))
        if body is None:
            return None
        return HttpResponse(200, [("Content-Type", "text/html"), ("ETag", '"x"')],
                            b"" if request.method == "HEAD" else body)


def make_provider(tmp_path: Any, db: Database | None = None,
                  client: RecordingClient | None = None) -> tuple[FakeS3, RecordingClient,
                                                                  ManualClock]:
    clock = ManualClock(start=1_700_000_000.25)
    config = CloudConfig(state_dir=tmp_path, region="eu-west-1")
    client = client or RecordingClient()
    ctx = ServiceContext(config, clock, Ids(seed=3), client, config.service_dir("s3"))
    provider = FakeS3(ctx, db or Database(tmp_path / "s3.db"))
    provider.buckets.add("photos")
    return provider, client, clock


def rctx(operation: str = "x", request_id: str = "REQ123") -> RequestContext:
    return RequestContext(service="s3", operation=operation, region="eu-west-1",
                          account_id="000000000000", request_id=request_id)
