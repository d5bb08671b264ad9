"""API Gateway (REST APIs) errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class BadRequestException(ServiceError):
    status = 400


class NotFoundException(ServiceError):
    status = 404


class ConflictException(ServiceError):
    status = 409


class LimitExceededException(ServiceError):
    status = 429


class TooManyRequestsException(ServiceError):
    status = 429


class UnauthorizedException(ServiceError):
    status = 401
