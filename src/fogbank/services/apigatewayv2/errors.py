"""API Gateway v2 (HTTP APIs) errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class BadRequestException(ServiceError):
    status = 400


class NotFoundException(ServiceError):
    status = 404

    def __init__(self, message: str = "", *, resource_type: str = "") -> None:
        super().__init__(message, fields={"ResourceType": resource_type} if resource_type else None)


class ConflictException(ServiceError):
    status = 409


class TooManyRequestsException(ServiceError):
    status = 429
