"""CloudFormation errors, named like their wire codes (query protocol, ``<Code>`` element)."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ValidationError(ServiceError):
    """CloudFormation's catch-all for bad input, e.g. ``Stack with id X does not exist``."""

    code = "ValidationError"
    status = 400


class AlreadyExistsException(ServiceError):
    status = 400


class InsufficientCapabilitiesException(ServiceError):
    status = 400


class ChangeSetNotFoundException(ServiceError):
    code = "ChangeSetNotFound"
    status = 404


class InvalidChangeSetStatusException(ServiceError):
    code = "InvalidChangeSetStatus"
    status = 400


class StackNotFoundException(ServiceError):
    status = 404
