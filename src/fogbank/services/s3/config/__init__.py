"""Bucket configuration: the subresources a bucket carries besides its objects (CORS,
tagging, policy, website, notification configuration …), CORS on requests, the website
endpoint and event notifications.

``BucketConfigOperations`` is a mixin of ``S3Provider``. The provider gives it:

- ``self.ctx``: the ``ServiceContext`` (clock, ids, internal client, state_dir);
- ``self.db``: the S3 ``Database`` (this package keeps its own tables, named ``config_*``);
- ``self.require_bucket(name: str) -> None``: raises ``NoSuchBucket`` when absent;
- ``self.object_response(bucket, key, request) -> HttpResponse | None``: what GetObject
  would send for ``key`` (None when the key does not exist), used by the website endpoint.

The provider calls the hooks below at the documented moments.

Modules: ``subresources`` (the ``?cors``/``?tagging``/``?policy``/``?website``/… operations,
checked by ``validation``, stored by ``store``), ``notifications`` (the ``?notification``
operations and event fan-out: ``notification_rules`` matches, ``events`` builds the
documents, ``delivery`` sends them through the durable outbox), ``cors`` (rule matching),
``website`` (the website endpoint's pieces), ``acl`` (``?acl``), ``errors``.

Notification flow: an object write asks ``object_event`` which deliveries it owes (the
bucket's configurations matched by event name wildcards, prefix/suffix; None — no work — when
there are none), writes them as outbox rows with ``PendingEvent.write`` inside the
transaction that commits the object change (one row per destination, plus one EventBridge
entry when enabled), then sends them with ``deliver_object_event`` before answering;
``start`` sends rows a stopped process left.

Deviations from AWS:
- Bucket policies are validated (JSON; Effect, Action, Principal) and stored, not enforced;
  ACLs, encryption, ownership controls, public access block and lifecycle rules are stored,
  not enforced (lifecycle never expires or transitions anything).
- A Lambda destination must exist and its resource policy must let ``s3.amazonaws.com``
  invoke it; the policy's conditions (SourceArn, SourceAccount) are not evaluated. SQS/SNS
  destination policies are not checked (the test event must only be accepted).
- A notification refused by its destination is logged and dropped, never retried.
- Notifications are sent before the write is answered (at least once: a crash after the
  commit and before the send delivers them on the next start).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.protocol import serialize_error
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.s3.config import cors, website
from fogbank.services.s3.config.acl import AclOperations
from fogbank.services.s3.config.errors import AccessForbidden, BadRequest, InvalidRequest
from fogbank.services.s3.config.notifications import NotificationOperations, PendingEvent

log = logging.getLogger("fogbank.s3.config")


class BucketConfigOperations(NotificationOperations, AclOperations):
    """Hooks and subresource operations of S3 bucket configuration (mixin)."""

    async def notify_object_event(self, ctx: Any, bucket: str, event_name: str, *, key: str,
                                  size: int | None = None, etag: str | None = None,
                                  version_id: str | None = None) -> None:
        """Record and send the event of a change already committed (its own transaction).
        Object writes use ``object_event`` + ``PendingEvent.write`` in their commit and
        ``deliver_object_event`` instead, so a crash cannot separate the two.

        ``event_name`` is AWS's without the ``s3:`` prefix: ``ObjectCreated:Put``,
        ``ObjectCreated:Post``, ``ObjectCreated:Copy``,
        ``ObjectCreated:CompleteMultipartUpload``, ``ObjectRemoved:Delete``,
        ``ObjectRemoved:DeleteMarkerCreated``, ``ObjectTagging:Put``, ``ObjectTagging:Delete``.
        ``key`` is the object key as stored (not URL-encoded)."""
        pending = self.object_event(ctx, bucket, event_name, key=key, size=size, etag=etag,
                                    version_id=version_id)
        if pending is not None:
            with self.db.transaction() as conn:
                pending.write(conn)
        await self.deliver_object_event(pending)

    async def deliver_object_event(self, pending: PendingEvent | None) -> None:
        """Send the outbox rows ``pending`` wrote, after its transaction committed; never
        raises (S3 does not fail an object write for its notifications)."""
        if pending is None:
            return
        try:
            await self.send_object_event(pending)
        except Exception:
            log.exception("S3 event notification for s3://%s failed", pending.bucket)

    def forget_bucket_config(self, bucket: str) -> None:
        """Called when a bucket is deleted: drop every configuration it had."""
        self.config_store.forget(bucket)

    def cors_response_headers(self, bucket: str, request: Any) -> dict[str, str]:
        """Headers to add to the response of a request carrying ``Origin`` (may be empty)."""
        origin = request.headers.get("origin")
        if not origin:
            return {}
        rules = self.config_store.get(bucket, "cors")
        if not rules:
            return {}
        rule = cors.find_rule(rules, origin, request.method.upper())
        if rule is None:
            return {}
        headers = dict(cors.allow_headers(rule, origin))
        headers["Vary"] = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
        return headers

    async def cors_preflight(self, bucket: str, request: Any) -> Any:
        """The response to an ``OPTIONS`` preflight request on the bucket (HttpResponse)."""
        request_id = self.ctx.ids.upper(16)
        origin = request.headers.get("origin")
        method = request.headers.get("access-control-request-method")
        try:
            self.require_bucket(bucket)
            if not origin:
                raise InvalidRequest("Insufficient information. Origin request header needed.")
            if not method:
                raise InvalidRequest("Invalid Access-Control-Request-Method: null")
            rules = self.config_store.get(bucket, "cors")
            fields = {"Method": method, "ResourceType": _resource_type(bucket, request)}
            if not rules:
                raise AccessForbidden(cors.NOT_ENABLED, fields=fields)
            asked = cors.requested_headers(request.headers.get("access-control-request-headers"))
            rule = cors.find_rule(rules, origin, method, asked)
            if rule is None:
                raise AccessForbidden(cors.NOT_ALLOWED, fields=fields)
        except ServiceError as error:
            if isinstance(error, InvalidRequest):
                error = BadRequest(error.message)
            return serialize_error("s3", None, error, request_id)
        headers = cors.preflight_headers(rule, origin, asked)
        headers += [("x-amz-request-id", request_id), ("Content-Length", "0")]
        return HttpResponse(200, headers, b"")

    async def serve_website(self, bucket: str, request: Any) -> Any:
        """The response of the website endpoint (``<bucket>.s3-website…`` hosts)."""
        request_id = self.ctx.ids.upper(16)
        head = request.method.upper() == "HEAD"
        key = website.website_key(bucket, request)
        if request.method.upper() not in ("GET", "HEAD"):
            return website.error_page(405, "Method Not Allowed", "MethodNotAllowed",
                                      "The specified method is not allowed against this "
                                      "resource.", request_id,
                                      [("Method", request.method.upper()),
                                       ("ResourceType", "OBJECT")])
        try:
            self.require_bucket(bucket)
        except ServiceError as error:
            return website.error_page(404, "Not Found", error.error_code, error.message,
                                      request_id, [("BucketName", bucket)], head=head)
        config = self.config_store.get(bucket, "website")
        if config is None:
            return website.error_page(
                404, "Not Found", "NoSuchWebsiteConfiguration",
                "The specified bucket does not have a website configuration", request_id,
                [("BucketName", bucket)], head=head)
        if "RedirectAllRequestsTo" in config:
            target = config["RedirectAllRequestsTo"]
            protocol = target.get("Protocol") or request.scheme
            return website.redirect(f"{protocol}://{target['HostName']}/{key}")
        return await self._website_document(bucket, key, config, request, request_id, head)

    async def _website_document(self, bucket: str, key: str, config: dict[str, Any],
                                request: HttpRequest, request_id: str, head: bool
                                ) -> HttpResponse:
        rules = config.get("RoutingRules") or []
        rule = website.find_routing_rule(rules, key, None)
        if rule is not None:
            return website.rule_redirect(rule, key, request)
        suffix = config["IndexDocument"]["Suffix"]
        lookup = key + suffix if key == "" or key.endswith("/") else key
        found = await website.fetch(self, bucket, lookup, request)
        if found is not None:
            target = found.header("x-amz-website-redirect-location")
            return website.redirect(target) if target and found.status == 200 else found
        if key and not key.endswith("/") and \
                await website.fetch(self, bucket, f"{key}/{suffix}", request) is not None:
            return website.redirect(f"/{key}/", 302)
        rule = website.find_routing_rule(rules, key, 404)
        if rule is not None:
            return website.rule_redirect(rule, key, request)
        failure = None
        error_key = (config.get("ErrorDocument") or {}).get("Key")
        if error_key:
            document = await website.fetch(self, bucket, error_key, request)
            if document is not None and document.status == 200:
                document.status = 404
                return document
            failure = ("NoSuchKey", "The specified key does not exist.")
        return website.error_page(404, "Not Found", "NoSuchKey",
                                  "The specified key does not exist.", request_id,
                                  [("Key", lookup)], error_document_failure=failure,
                                  head=head)

    async def start(self) -> None:
        """Sends notifications a previous run left in the outbox, in the background."""
        left_over = self.config_store.last_seq()
        self.__dict__["_config_drain"] = asyncio.ensure_future(self._drain_outbox(left_over))
        await super().start()  # type: ignore[misc]

    async def stop(self) -> None:
        task = self.__dict__.pop("_config_drain", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        await super().stop()  # type: ignore[misc]

    async def _drain_outbox(self, upto: int) -> None:
        try:
            handled = await self.config_outbox.drain(upto) if upto else 0
            if handled:
                log.info("sent %d S3 event notifications left from the previous run", handled)
        except Exception:
            log.exception("draining the S3 notification outbox failed")


def _resource_type(bucket: str, request: Any) -> str:
    return "OBJECT" if website.website_key(bucket, request) else "BUCKET"
