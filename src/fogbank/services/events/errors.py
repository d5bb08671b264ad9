"""EventBridge errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    """An entity that you specified does not exist."""


class ResourceAlreadyExistsException(ServiceError):
    """The resource you are trying to create already exists."""


class ValidationException(ServiceError):
    """The input fails to satisfy the constraints specified by an AWS service."""


class InvalidEventPatternException(ServiceError):
    """The event pattern is not valid."""


class LimitExceededException(ServiceError):
    """The request failed because it attempted to create resource beyond the allowed quota."""


class ManagedRuleException(ServiceError):
    """This rule was created by an AWS service on behalf of your account."""


class IllegalStatusException(ServiceError):
    """An error occurred because a replay can be canceled only when the state is Running."""


def rule_not_found(name: str, bus: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Rule {name} does not exist on EventBus {bus}.")


def bus_not_found(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Event bus {name} does not exist.")


def invalid_pattern(reason: str) -> InvalidEventPatternException:
    return InvalidEventPatternException(f"Event pattern is not valid. Reason: {reason}")
