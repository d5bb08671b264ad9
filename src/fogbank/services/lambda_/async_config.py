"""Asynchronous invocation settings (``*FunctionEventInvokeConfig``), mixed into
``LambdaProvider``, and the ``EventPolicy`` the delivery of one queued event follows."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.lambda_.destinations import DESTINATION_SERVICES, arn_service
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
)
from fogbank.services.lambda_.validation import check_range, parse_function_name

if TYPE_CHECKING:
    from fogbank.services.base import ServiceContext
    from fogbank.services.lambda_.models import FunctionRecord
    from fogbank.services.lambda_.store import LambdaStore

DEFAULT_RETRIES = 2
DEFAULT_MAX_AGE_S = 6 * 3600


@dataclass(frozen=True)
class EventPolicy:
    """How one asynchronous event is delivered: AWS's defaults unless configured."""

    maximum_retry_attempts: int = DEFAULT_RETRIES
    maximum_event_age_s: int = DEFAULT_MAX_AGE_S
    on_success: str | None = None
    on_failure: str | None = None
    dead_letter_arn: str | None = None


class AsyncConfigOperations:
    """Mixed into ``LambdaProvider``."""

    ctx: ServiceContext
    store: LambdaStore

    if TYPE_CHECKING:
        def _record(self, function_name: str, qualifier: str | None = None, *,
                    readonly: bool = False) -> FunctionRecord: ...

        def function_arn(self, name: str) -> str: ...

    # ------------------------------------------------------------------ policy

    def event_policy(self, function_name: str, qualifier: str) -> EventPolicy:
        """What applies to an event for ``function_name`` invoked as ``qualifier``."""
        config = self.store.docs.get("invoke_config", f"{function_name}:{qualifier}") or {}
        record = self.store.peek_function(function_name)
        destinations = config.get("DestinationConfig") or {}
        return EventPolicy(
            maximum_retry_attempts=int(config.get("MaximumRetryAttempts", DEFAULT_RETRIES)),
            maximum_event_age_s=int(config.get("MaximumEventAgeInSeconds",
                                               DEFAULT_MAX_AGE_S)),
            on_success=(destinations.get("OnSuccess") or {}).get("Destination"),
            on_failure=(destinations.get("OnFailure") or {}).get("Destination"),
            dead_letter_arn=record.dead_letter_arn if record is not None else None,
        )

    # ------------------------------------------------------------------ operations

    def _config_target(self, function_name: str, qualifier: str | None) -> tuple[str, str]:
        name, embedded = parse_function_name(function_name)
        if qualifier and embedded and qualifier != embedded:
            raise InvalidParameterValueException(
                "The derived qualifier from the function name does not match the specified"
                " qualifier.")
        wanted = qualifier or embedded or "$LATEST"
        self._record(name, None if wanted == "$LATEST" else wanted, readonly=True)
        return name, wanted

    def _config_output(self, name: str, qualifier: str,
                       config: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "LastModified": config["LastModified"],
            "FunctionArn": f"{self.function_arn(name)}:{qualifier}",
            "DestinationConfig": {"OnSuccess": {}, "OnFailure": {},
                                  **(config.get("DestinationConfig") or {})},
        }
        for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
            if config.get(key) is not None:
                out[key] = config[key]
        return out

    def _check_config(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        config: dict[str, Any] = {}
        retries = _number(params.get("maximum_retry_attempts"), "MaximumRetryAttempts")
        if retries is not None:
            check_range(retries, "maximumRetryAttempts", 0, 2)
            config["MaximumRetryAttempts"] = int(retries)
        age = _number(params.get("maximum_event_age_in_seconds"), "MaximumEventAgeInSeconds")
        if age is not None:
            check_range(age, "maximumEventAgeInSeconds", 60, 21600)
            config["MaximumEventAgeInSeconds"] = int(age)
        destinations = params.get("destination_config")
        if destinations is not None:
            config["DestinationConfig"] = self._check_destinations(name, destinations)
        return config

    def _check_destinations(self, name: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise InvalidParameterValueException("DestinationConfig must be an object")
        checked: dict[str, Any] = {}
        for key in ("OnSuccess", "OnFailure"):
            target = value.get(key) or {}
            arn = target.get("Destination") if isinstance(target, dict) else target
            if not arn:
                continue
            if not isinstance(arn, str):
                raise InvalidParameterValueException(
                    f"The provided destination config DestinationConfig({key}={arn}) is"
                    " invalid.")
            if arn_service(arn) not in DESTINATION_SERVICES:
                raise InvalidParameterValueException(
                    f"The provided destination config DestinationConfig({key}={arn}) is"
                    " invalid.")
            if arn_service(arn) == "lambda" and parse_function_name(arn)[0] == name:
                raise InvalidParameterValueException(
                    "You can't specify the function as a destination for itself.")
            checked[key] = {"Destination": arn}
        return checked

    def _store_config(self, name: str, qualifier: str, config: dict[str, Any]) -> None:
        config["LastModified"] = self.ctx.clock.now()
        self.store.docs.put("invoke_config", f"{name}:{qualifier}", config)

    @operation("PutFunctionEventInvokeConfig")
    def put_function_event_invoke_config(self, ctx: RequestContext, *, function_name: str,
                                         qualifier: str | None = None,
                                         **params: Any) -> dict[str, Any]:
        name, wanted = self._config_target(function_name, qualifier)
        config = self._check_config(name, params)
        self._store_config(name, wanted, config)
        return self._config_output(name, wanted, config)

    @operation("UpdateFunctionEventInvokeConfig")
    def update_function_event_invoke_config(self, ctx: RequestContext, *, function_name: str,
                                            qualifier: str | None = None,
                                            **params: Any) -> dict[str, Any]:
        name, wanted = self._config_target(function_name, qualifier)
        current = self.store.docs.get("invoke_config", f"{name}:{wanted}") or {}
        changes = self._check_config(name, params)
        if "DestinationConfig" in changes:
            merged = dict(current.get("DestinationConfig") or {})
            given = params.get("destination_config") or {}
            for key in ("OnSuccess", "OnFailure"):
                if key in given:
                    merged.pop(key, None)
            merged.update(changes["DestinationConfig"])
            changes["DestinationConfig"] = merged
        config = {**current, **changes}
        self._store_config(name, wanted, config)
        return self._config_output(name, wanted, config)

    @operation("GetFunctionEventInvokeConfig")
    def get_function_event_invoke_config(self, ctx: RequestContext, *, function_name: str,
                                         qualifier: str | None = None,
                                         **_: Any) -> dict[str, Any]:
        name, wanted = self._config_target(function_name, qualifier)
        config = self.store.docs.get("invoke_config", f"{name}:{wanted}")
        if config is None:
            raise ResourceNotFoundException(
                f"The function {self.function_arn(name)}:{wanted} doesn't have an"
                " EventInvokeConfig")
        return self._config_output(name, wanted, config)

    @operation("DeleteFunctionEventInvokeConfig")
    def delete_function_event_invoke_config(self, ctx: RequestContext, *, function_name: str,
                                            qualifier: str | None = None,
                                            **_: Any) -> dict[str, Any]:
        name, wanted = self._config_target(function_name, qualifier)
        if not self.store.docs.delete("invoke_config", f"{name}:{wanted}"):
            raise ResourceNotFoundException(
                f"The function {self.function_arn(name)}:{wanted} doesn't have an"
                " EventInvokeConfig")
        return {}

    @operation("ListFunctionEventInvokeConfigs")
    def list_function_event_invoke_configs(self, ctx: RequestContext, *, function_name: str,
                                           marker: str | None = None,
                                           max_items: int | None = None,
                                           **_: Any) -> dict[str, Any]:
        check_range(max_items, "maxItems", 1, 50)
        name, _qualifier = self._config_target(function_name, None)
        items = self.store.docs.items("invoke_config", prefix=f"{name}:")
        configs = [self._config_output(name, key[len(name) + 1:], doc) for key, doc in items]
        start = _decode_marker(marker)
        page = configs[start:start + (max_items or 50)]
        result: dict[str, Any] = {"FunctionEventInvokeConfigs": page}
        if start + len(page) < len(configs):
            result["NextMarker"] = base64.urlsafe_b64encode(
                f"eic:{start + len(page)}".encode()).decode()
        return result

    def delete_invoke_configs(self, function_name: str, qualifier: str | None = None) -> None:
        """Drop a deleted function's (or version's) configurations."""
        prefix = f"{function_name}:" + (qualifier or "")
        for key, _ in self.store.docs.items("invoke_config", prefix=prefix):
            if qualifier is None or key == prefix:
                self.store.docs.delete("invoke_config", key)


def _number(value: Any, name: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidParameterValueException(f"Invalid value {value!r} for {name}") from None


def _decode_marker(marker: str | None) -> int:
    if not marker:
        return 0
    try:
        prefix, _, index = base64.urlsafe_b64decode(marker.encode()).decode().partition(":")
        if prefix == "eic" and int(index) >= 0:
            return int(index)
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidParameterValueException("Invalid marker")
