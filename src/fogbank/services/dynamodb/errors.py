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
