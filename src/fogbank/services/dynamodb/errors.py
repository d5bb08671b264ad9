"""DynamoDB errors, named like their wire codes.

Shared by the DynamoDB helpers: append new classes at the end, do not reorder.
"""

from __future__ import annotations

from typing import Any

from fogbank.core.errors import ServiceError


class ValidationException(ServiceError):
    """A request parameter or expression is invalid (AWS's messages are kept verbatim)."""

    status = 400


class ConditionalCheckFailedException(ServiceError):
    """A ConditionExpression / Expected evaluated to false.

    ``item`` (the existing item) is returned in the ``Item`` member when the caller asked for
    ``ReturnValuesOnConditionCheckFailure=ALL_OLD``.
    """

    status = 400

    def __init__(self, message: str = "The conditional request failed", *,
                 item: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        if item is not None:
            self.fields["Item"] = item


class ResourceNotFoundException(ServiceError):
    """The table, index or stream does not exist (or is not ACTIVE)."""

    status = 400


class ResourceInUseException(ServiceError):
    """The table already exists or is being changed."""

    status = 400


class TransactionCanceledException(ServiceError):
    """A transaction was cancelled; ``CancellationReasons`` lists one reason per action."""

    status = 400

    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        codes = ", ".join(str(reason.get("Code", "None")) for reason in reasons)
        super().__init__(
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{codes}]",
            fields={"CancellationReasons": reasons},
        )


class IdempotentParameterMismatchException(ServiceError):
    """A ClientRequestToken was reused with different parameters within 10 minutes."""

    status = 400


class ItemCollectionSizeLimitExceededException(ServiceError):
    """An item collection of a table with local secondary indexes exceeds 10 GB."""

    status = 400


class LimitExceededException(ServiceError):
    """Too many concurrent control-plane operations or indexes."""

    status = 400


class TransactionConflictException(ServiceError):
    """Another transaction holds one of the items."""

    status = 400


class DuplicateItemException(ServiceError):
    """A PartiQL INSERT found an item with the same primary key."""

    status = 400
