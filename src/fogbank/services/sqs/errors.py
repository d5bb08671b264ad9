"""SQS errors, named like the JSON wire code; ``query_error_code`` is the legacy query-protocol
code AWS sends in ``x-amzn-query-error`` (and as ``<Code>`` to query clients); ``json_type``
is the JSON body's ``__type`` (the Smithy shape id of modeled errors)."""

from __future__ import annotations

from typing import ClassVar

from fogbank.core.errors import ServiceError


class SqsError(ServiceError):
    query_error_code: ClassVar[str | None] = None
    # Errors modeled in SQS's Smithy model are sent with their shape id as the JSON
    # ``__type`` (``com.amazonaws.sqs#QueueDoesNotExist``), as AWS does; botocore keeps the
    # part after ``#`` and then prefers ``x-amzn-query-error``'s code.
    modeled: ClassVar[bool] = True

    @property
    def json_type(self) -> str:
        return f"com.amazonaws.sqs#{self.error_code}" if self.modeled else self.error_code


class QueueDoesNotExist(SqsError):
    query_error_code = "AWS.SimpleQueueService.NonExistentQueue"

    def __init__(self, message: str = "The specified queue does not exist.") -> None:
        super().__init__(message)


class QueueNameExists(SqsError):
    query_error_code = "QueueAlreadyExists"


class QueueDeletedRecently(SqsError):
    query_error_code = "AWS.SimpleQueueService.QueueDeletedRecently"


class PurgeQueueInProgress(SqsError):
    query_error_code = "AWS.SimpleQueueService.PurgeQueueInProgress"
    status = 403


class InvalidAttributeName(SqsError):
    query_error_code = "InvalidAttributeName"


class InvalidAttributeValue(SqsError):
    query_error_code = "InvalidAttributeValue"


class InvalidParameterValue(SqsError):
    """Not modeled by botocore (no JSON shape): AWS sends it as InvalidParameterValue."""

    query_error_code = "InvalidParameterValue"
    modeled = False


class MissingParameter(SqsError):
    query_error_code = "MissingParameter"
    modeled = False

    def __init__(self, parameter: str) -> None:
        super().__init__(f"The request must contain the parameter {parameter}.")


class InvalidMessageContents(SqsError):
    query_error_code = "InvalidMessageContents"


class ReceiptHandleIsInvalid(SqsError):
    query_error_code = "ReceiptHandleIsInvalid"
    status = 404

    def __init__(self, receipt_handle: str) -> None:
        super().__init__(f'The input receipt handle "{receipt_handle}" is not a valid '
                         "receipt handle.")


class MessageNotInflight(SqsError):
    query_error_code = "AWS.SimpleQueueService.MessageNotInflight"

    def __init__(self) -> None:
        super().__init__("The message referred to isn't in flight.")


class EmptyBatchRequest(SqsError):
    query_error_code = "AWS.SimpleQueueService.EmptyBatchRequest"

    def __init__(self, entry_kind: str) -> None:
        super().__init__(f"There should be at least one {entry_kind}RequestEntry in the "
                         "request.")


class TooManyEntriesInBatchRequest(SqsError):
    query_error_code = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"

    def __init__(self, count: int) -> None:
        super().__init__(f"Maximum number of entries per request are 10. You have sent "
                         f"{count}.")


class BatchEntryIdsNotDistinct(SqsError):
    query_error_code = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"Id {entry_id} repeated.")


class InvalidBatchEntryId(SqsError):
    query_error_code = "AWS.SimpleQueueService.InvalidBatchEntryId"

    def __init__(self) -> None:
        super().__init__("A batch entry id can only contain alphanumeric characters, "
                         "hyphens and underscores. It can be at most 80 letters long.")


class BatchRequestTooLong(SqsError):
    query_error_code = "AWS.SimpleQueueService.BatchRequestTooLong"

    def __init__(self, limit_bytes: int, sent_bytes: int) -> None:
        super().__init__(f"Batch requests cannot be longer than {limit_bytes} bytes. "
                         f"You have sent {sent_bytes} bytes.")


class UnsupportedOperation(SqsError):
    query_error_code = "AWS.SimpleQueueService.UnsupportedOperation"


class ResourceNotFoundException(SqsError):
    query_error_code = "ResourceNotFoundException"
    status = 404


class OverLimit(SqsError):
    query_error_code = "OverLimit"
    status = 403


class InvalidAddress(SqsError):
    query_error_code = "InvalidAddress"
    status = 404
