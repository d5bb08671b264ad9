"""SNS errors, named like their wire codes (query protocol ``<Code>``)."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class InvalidParameterException(ServiceError):
    code = "InvalidParameter"


class InvalidParameterValueException(ServiceError):
    code = "ParameterValueInvalid"


class NotFoundException(ServiceError):
    code = "NotFound"
    status = 404


class InternalErrorException(ServiceError):
    code = "InternalError"
    status = 500
    sender_fault = False


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFound"
    status = 404


class TagLimitExceededException(ServiceError):
    code = "TagLimitExceeded"


class AuthorizationErrorException(ServiceError):
    code = "AuthorizationError"
    status = 403


class TooManyEntriesInBatchRequestException(ServiceError):
    code = "TooManyEntriesInBatchRequest"


class BatchEntryIdsNotDistinctException(ServiceError):
    code = "BatchEntryIdsNotDistinct"


class EmptyBatchRequestException(ServiceError):
    code = "EmptyBatchRequest"


class InvalidBatchEntryIdException(ServiceError):
    code = "InvalidBatchEntryId"


class BatchRequestTooLongException(ServiceError):
    code = "BatchRequestTooLong"


def invalid(message: str) -> InvalidParameterException:
    return InvalidParameterException(f"Invalid parameter: {message}")


def topic_not_found() -> NotFoundException:
    return NotFoundException("Topic does not exist")


def subscription_not_found() -> NotFoundException:
    return NotFoundException("Subscription does not exist")


class ValidationError(ServiceError):
    code = "ValidationError"


def required(**members: object) -> None:
    """AWS's answer to a request that leaves out a required member."""
    for name, value in members.items():
        if value is None:
            head, *rest = name.split("_")
            raise missing(head + "".join(part.title() for part in rest))


def missing(member: str) -> ValidationError:
    """``member`` in AWS's lowerCamel spelling (``topicArn``)."""
    return ValidationError(f"1 validation error detected: Value null at '{member}' failed to"
                           " satisfy constraint: Member must not be null")
