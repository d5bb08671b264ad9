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
"""

from __future__ import annotations

from typing import Any


class BucketConfigOperations:
    """Hooks and subresource operations of S3 bucket configuration (mixin)."""

    async def notify_object_event(self, ctx: Any, bucket: str, event_name: str, *, key: str,
                                  size: int | None = None, etag: str | None = None,
                                  version_id: str | None = None) -> None:
        """Called after an object change is committed, before the response is sent.

        ``event_name`` is AWS's without the ``s3:`` prefix: ``ObjectCreated:Put``,
        ``ObjectCreated:Post``, ``ObjectCreated:Copy``,
        ``ObjectCreated:CompleteMultipartUpload``, ``ObjectRemoved:Delete``,
        ``ObjectRemoved:DeleteMarkerCreated``, ``ObjectTagging:Put``, ``ObjectTagging:Delete``.
        ``key`` is the object key as stored (not URL-encoded)."""

    def forget_bucket_config(self, bucket: str) -> None:
        """Called when a bucket is deleted: drop every configuration it had."""

    def cors_response_headers(self, bucket: str, request: Any) -> dict[str, str]:
        """Headers to add to the response of a request carrying ``Origin`` (may be empty)."""
        return {}

    async def cors_preflight(self, bucket: str, request: Any) -> Any:
        """The response to an ``OPTIONS`` preflight request on the bucket (HttpResponse)."""
        raise NotImplementedError

    async def serve_website(self, bucket: str, request: Any) -> Any:
        """The response of the website endpoint (``<bucket>.s3-website…`` hosts)."""
        raise NotImplementedError
