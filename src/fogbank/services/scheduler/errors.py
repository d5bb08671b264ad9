"""EventBridge Scheduler errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    """The request references a resource which does not exist."""

    status = 404


class ConflictException(ServiceError):
    """Updating or deleting the resource can cause an inconsistent state."""

    status = 409


class ValidationException(ServiceError):
    """The input fails to satisfy the constraints specified by an AWS service."""

    status = 400


class ServiceQuotaExceededException(ServiceError):
    """The request exceeds a service quota."""

    status = 402


def schedule_not_found(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Schedule {name} does not exist.")


def group_not_found(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Schedule group {name} does not exist.")
