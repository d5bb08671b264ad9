"""S3's part of the edge: which uploads stream to disk, requests answered before API
routing (website endpoint, CORS preflight, expired presigned URLs, payload hash checks), and
what every S3 answer gets afterwards (CORS headers, 206/304 statuses)."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from urllib.parse import parse_qsl, unquote

from fogbank.core.errors import CommonServiceError
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.s3_hosts import virtual_host_bucket
from fogbank.services.s3.errors import AccessDenied, XAmzContentSHA256Mismatch
from fogbank.services.s3.post_object import PostObjectOperations, is_form_upload

# Query parameters an object upload may carry besides presigning ones.
_UPLOAD_QUERY = frozenset({"partNumber", "uploadId", "x-id"})
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
MAX_PRESIGN_EXPIRES_S = 604800


def request_bucket(request: HttpRequest) -> str | None:
    """The bucket a request addresses (virtual-hosted or path style)."""
    bucket = virtual_host_bucket(request.headers.get("host", ""))
    if bucket:
        return bucket
    first = request.path.lstrip("/").split("/", 1)[0]
    return unquote(first) or None


def _has_key(request: HttpRequest) -> bool:
    path = request.path.lstrip("/")
    if virtual_host_bucket(request.headers.get("host", "")):
        return bool(path)
    return "/" in path and bool(path.split("/", 1)[1])


def is_website_host(host: str) -> bool:
    labels = host.split(":", 1)[0].lower().split(".")
    return any(label == "s3-website" or label.startswith("s3-website-") for label in labels)


class WireHooks(PostObjectOperations):
    """Edge hooks of the S3 provider (mixin of ``S3Provider``)."""

    def streams_request_body(self, request: HttpRequest) -> bool:
        """PutObject and UploadPart bodies go to disk as they arrive."""
        if request.method != "PUT" or not _has_key(request):
            return False
        for name, _ in request.query_pairs():
            if name not in _UPLOAD_QUERY and not name.startswith("X-Amz-"):
                return False
        return True

    async def intercept_request(self, request: HttpRequest,
                                request_id: str) -> HttpResponse | None:
        host = request.headers.get("host", "")
        if is_website_host(host):
            bucket = virtual_host_bucket(host) or request_bucket(request)
            if bucket:
                response: HttpResponse = await self.serve_website(bucket, request)
                return response
        if request.method == "OPTIONS":
            bucket = request_bucket(request)
            if bucket:
                self.require_bucket(bucket)
                preflight: HttpResponse = await self.cors_preflight(bucket, request)
                return preflight
        if is_form_upload(request) and not _has_key(request):
            bucket = request_bucket(request)
            if bucket:
                return await self.post_object(bucket, request, request_id)
        if "X-Amz-Expires" in request.query_string or "Expires=" in request.query_string:
            self._check_presigned(request)
            _hoist_presigned_headers(request)
        declared = request.headers.get("x-amz-content-sha256", "")
        if request.body_stream is None and _SHA256_HEX.match(declared):
            computed = hashlib.sha256(request.body).hexdigest()
            if computed != declared:
                raise XAmzContentSHA256Mismatch(fields={
                    "ClientComputedContentSHA256": declared,
                    "S3ComputedContentSHA256": computed})
        return None

    def _check_presigned(self, request: HttpRequest) -> None:
        """Presigned URLs are accepted unverified, but their expiry is enforced."""
        query = dict(parse_qsl(request.query_string, keep_blank_values=True))
        now = self.ctx.clock.now()
        if "X-Amz-Expires" in query and "X-Amz-Date" in query:
            try:
                signed_at = calendar.timegm(time.strptime(query["X-Amz-Date"],
                                                          "%Y%m%dT%H%M%SZ"))
                expires_s = int(query["X-Amz-Expires"])
            except ValueError:
                raise CommonServiceError("AuthorizationQueryParametersError",
                                         "X-Amz-Expires should be a number and X-Amz-Date "
                                         "should be in ISO 8601 basic format") from None
            if expires_s > MAX_PRESIGN_EXPIRES_S:
                raise CommonServiceError("AuthorizationQueryParametersError",
                                         "X-Amz-Expires must be less than a week (in seconds) "
                                         "that is; the maximum expires is 7 days")
            if expires_s < 0:
                raise CommonServiceError("AuthorizationQueryParametersError",
                                         "X-Amz-Expires must be non-negative")
            deadline = signed_at + expires_s
        elif "Expires" in query and "AWSAccessKeyId" in query:
            try:
                deadline = int(query["Expires"])
            except ValueError:
                return
        else:
            return
        if now > deadline:
            raise AccessDenied("Request has expired", fields={
                "Expires": _iso(deadline), "ServerTime": _iso(now)})

    def finish_response(self, request: HttpRequest, response: HttpResponse) -> None:
        if response.status == 304:
            response.body = b""
            response.headers = [(k, v) for k, v in response.headers
                                if k.lower() != "content-type"]
        elif (response.status == 200 and request.method in ("GET", "HEAD")
              and response.header("Content-Range") is not None):
            response.status = 206
        elif (request.method == "HEAD" and not _has_key(request)
              and response.header("Content-Type") is None):
            response.headers.append(("Content-Type", "application/xml"))  # as HeadBucket
        if "origin" in request.headers:
            bucket = request_bucket(request)
            if bucket and self.store.bucket(bucket) is not None:
                for name, value in self.cors_response_headers(bucket, request).items():
                    response.set_header(name, value)


_PRESIGN_AUTH = frozenset({"x-amz-algorithm", "x-amz-credential", "x-amz-date",
                           "x-amz-expires", "x-amz-signedheaders", "x-amz-signature",
                           "x-amz-security-token"})


def _hoist_presigned_headers(request: HttpRequest) -> None:
    """A presigned URL carries the request's signed ``x-amz-*`` headers (metadata, tagging,
    ACLs …) as query parameters; S3 applies them as the headers they stand for."""
    for name, value in request.query_pairs():
        lowered = name.lower()
        if lowered.startswith("x-amz-") and lowered not in _PRESIGN_AUTH:
            request.headers.setdefault(lowered, value)


def _iso(epoch_s: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_s))
