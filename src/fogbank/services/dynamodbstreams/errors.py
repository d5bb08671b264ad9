"""DynamoDB Streams errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    """The stream does not exist."""


class ValidationException(ServiceError):
    """A parameter is invalid."""


class ExpiredIteratorException(ServiceError):
    """The shard iterator is older than 15 minutes."""


class TrimmedDataAccessException(ServiceError):
    """The requested sequence number is past the stream's 24-hour retention."""
