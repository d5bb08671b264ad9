"""Secrets Manager errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    """The secret (or the requested version of it) does not exist."""


class ResourceExistsException(ServiceError):
    """A secret with this name, or a version with this token, already exists."""


class InvalidParameterException(ServiceError):
    """A parameter value is not valid."""


class InvalidRequestException(ServiceError):
    """The request is not valid for the secret's current state."""


class ValidationException(ServiceError):
    """A request member failed its model constraint."""


class InvalidNextTokenException(ServiceError):
    """The pagination token is not valid."""


class LimitExceededException(ServiceError):
    """A quota was exceeded."""


MARKED_FOR_DELETION = ("You can't perform this operation on the secret because it was marked"
                       " for deletion.")


def secret_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException("Secrets Manager can't find the specified secret.")


def marked_for_deletion() -> InvalidRequestException:
    return InvalidRequestException(MARKED_FOR_DELETION)
