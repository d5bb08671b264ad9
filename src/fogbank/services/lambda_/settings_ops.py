"""Reserved concurrency, tags and account settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.lambda_.errors import InvalidParameterValueException
from fogbank.services.lambda_.models import (
    MAX_CODE_SIZE_UNZIPPED,
    MAX_CODE_SIZE_ZIPPED,
    TOTAL_CODE_SIZE,
    FunctionRecord,
)
from fogbank.services.lambda_.validation import check_range

if TYPE_CHECKING:
    from fogbank.services.lambda_.store import LambdaStore

ACCOUNT_CONCURRENCY = 1000
MIN_UNRESERVED_CONCURRENCY = 100


class SettingsOperations:
    """Mixed into ``LambdaProvider``."""

    store: LambdaStore

    if TYPE_CHECKING:
        def _latest(self, function_name: str) -> FunctionRecord:
            ...

        def _refresh_unreserved(self) -> None:
            ...

    # ------------------------------------------------------------------ concurrency

    @operation("PutFunctionConcurrency")
    def put_function_concurrency(self, ctx: RequestContext, *, function_name: str,
                                 reserved_concurrent_executions: int,
                                 **_: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        check_range(reserved_concurrent_executions, "reservedConcurrentExecutions", 0,
                    ACCOUNT_CONCURRENCY)
        others = self.store.total_reserved(excluding=record.name)
        if ACCOUNT_CONCURRENCY - others - reserved_concurrent_executions \
                < MIN_UNRESERVED_CONCURRENCY:
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's"
                " UnreservedConcurrentExecution below its minimum value of"
                f" [{MIN_UNRESERVED_CONCURRENCY}].")
        record.reserved_concurrency = reserved_concurrent_executions
        self.store.put_function(record)
        self._refresh_unreserved()
        return {"ReservedConcurrentExecutions": reserved_concurrent_executions}

    @operation("GetFunctionConcurrency")
    def get_function_concurrency(self, ctx: RequestContext, *, function_name: str,
                                 **_: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        if record.reserved_concurrency is None:
            return {}
        return {"ReservedConcurrentExecutions": record.reserved_concurrency}

    @operation("DeleteFunctionConcurrency")
    def delete_function_concurrency(self, ctx: RequestContext, *, function_name: str,
                                    **_: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        record.reserved_concurrency = None
        self.store.put_function(record)
        self._refresh_unreserved()
        return {}

    # ------------------------------------------------------------------ tags, account

    def _tagged(self, resource: str) -> FunctionRecord:
        return self._latest(resource)

    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, *, resource: str, tags: dict[str, str],
                     **_: Any) -> dict[str, Any]:
        record = self._tagged(resource)
        record.tags.update(tags)
        self.store.put_function(record)
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, *, resource: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        record = self._tagged(resource)
        for key in tag_keys:
            record.tags.pop(key, None)
        self.store.put_function(record)
        return {}

    @operation("ListTags")
    def list_tags(self, ctx: RequestContext, *, resource: str, **_: Any) -> dict[str, Any]:
        return {"Tags": dict(self._tagged(resource).tags)}

    @operation("GetAccountSettings")
    def get_account_settings(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        records = self.store.list_functions()
        return {
            "AccountLimit": {
                "TotalCodeSize": TOTAL_CODE_SIZE,
                "CodeSizeUnzipped": MAX_CODE_SIZE_UNZIPPED,
                "CodeSizeZipped": MAX_CODE_SIZE_ZIPPED,
                "ConcurrentExecutions": ACCOUNT_CONCURRENCY,
                "UnreservedConcurrentExecutions":
                    ACCOUNT_CONCURRENCY - self.store.total_reserved(),
            },
            "AccountUsage": {
                "TotalCodeSize": sum(r.code.size for r in records),
                "FunctionCount": len(records),
            },
        }
