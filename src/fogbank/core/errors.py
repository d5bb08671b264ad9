"""AWS errors as classes named like their wire code.

Providers ``raise`` these; only the protocol layer turns them into bytes.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """An error an AWS service returns to its caller.

    ``code`` is the wire error code (defaults to the class name), ``status`` the HTTP status,
    ``sender_fault`` decides ``Sender``/``Receiver`` in query-protocol errors. Extra members
    of the error shape (e.g. S3's ``BucketName``) go in ``fields``; extra response headers
    (e.g. ``Retry-After``) in ``headers``.
    """

    code: ClassVar[str] = ""
    status: ClassVar[int] = 400
    sender_fault: ClassVar[bool] = True

    def __init__(
        self,
        message: str = "",
        *,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = dict(fields or {})
        self.headers: dict[str, str] = dict(headers or {})

    @property
    def error_code(self) -> str:
        return type(self).code or type(self).__name__

    def __repr__(self) -> str:
        return f"{self.error_code}({self.message!r})"


class CommonServiceError(ServiceError):
    """An error whose code is chosen at raise time (for codes shared by many services)."""

    def __init__(self, code: str, message: str, *, status: int = 400,
                 sender_fault: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self._code = code
        self._status = status
        self._sender_fault = sender_fault

    @property
    def error_code(self) -> str:
        return self._code

    @property
    def http_status(self) -> int:
        return self._status

    @property
    def is_sender_fault(self) -> bool:
        return self._sender_fault


def status_of(error: ServiceError) -> int:
    return error.http_status if isinstance(error, CommonServiceError) else type(error).status


def is_sender_fault(error: ServiceError) -> bool:
    if isinstance(error, CommonServiceError):
        return error.is_sender_fault
    return type(error).sender_fault


class NotImplementedOperation(ServiceError):
    """An operation fogbank does not emulate (yet); never a silent success."""

    code = "NotImplemented"
    status = 501
    sender_fault = False

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"The operation {operation} of service {service} is not implemented by fogbank"
        )
        self.service = service
        self.operation = operation


class InternalFailure(ServiceError):
    """An unexpected failure inside fogbank; the request fails, the process keeps serving."""

    code = "InternalFailure"
    status = 500
    sender_fault = False


class ValidationError(ServiceError):
    """Generic parameter validation failure (``ValidationException`` on most JSON services)."""

    code = "ValidationException"


class SerializationException(ServiceError):
    """The request body could not be read (malformed JSON, XML or form)."""

    code = "SerializationException"


class UnknownOperationException(ServiceError):
    """The request names no operation of the service."""

    code = "UnknownOperationException"
    status = 400


class UnrecognizedClientException(ServiceError):
    """The request could not be routed to any service."""

    code = "UnrecognizedClientException"
    status = 400
