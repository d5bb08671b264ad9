"""CloudWatch Logs errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    """The specified resource does not exist."""

    status = 400


class ResourceAlreadyExistsException(ServiceError):
    """The specified resource already exists."""

    status = 400


class InvalidParameterException(ServiceError):
    """A parameter is specified incorrectly."""

    status = 400


class LimitExceededException(ServiceError):
    """You have reached the maximum number of resources that can be created."""

    status = 400


class InvalidOperationException(ServiceError):
    """The operation is not valid on the specified resource."""

    status = 400


def log_group_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException("The specified log group does not exist.")


def log_stream_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException("The specified log stream does not exist.")
