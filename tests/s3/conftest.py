"""Fixtures of the S3 object tests (``app``, ``s3``, ``bucket``), defined in ``s3_wire``."""

from tests.s3.s3_wire import app, bucket, s3  # noqa: F401
