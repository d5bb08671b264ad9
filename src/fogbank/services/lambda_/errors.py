"""AWS Lambda errors, named like their wire codes (status codes from botocore's model)."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    status = 404


class ResourceConflictException(ServiceError):
    status = 409


class InvalidParameterValueException(ServiceError):
    status = 400


class ValidationException(ServiceError):
    status = 400


class InvalidRequestContentException(ServiceError):
    status = 400


class RequestTooLargeException(ServiceError):
    status = 413


class TooManyRequestsException(ServiceError):
    status = 429

    def __init__(self, reason: str) -> None:
        super().__init__("Rate Exceeded.", fields={"Reason": reason, "Type": "User"},
                         headers={"Retry-After": "1"})
        self.reason = reason


class PreconditionFailedException(ServiceError):
    status = 412


class PolicyLengthExceededException(ServiceError):
    status = 400


class InvalidRuntimeException(ServiceError):
    status = 502
    sender_fault = False


class ServiceException(ServiceError):
    status = 500
    sender_fault = False
