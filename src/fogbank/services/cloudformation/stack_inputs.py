"""Turn a request's template and parameters into what the engine runs (``UpdateInput``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fogbank.core.errors import ServiceError
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.cloudformation.engine import StackRecord, UpdateInput
from fogbank.services.cloudformation.errors import ValidationError
from fogbank.services.cloudformation.templates import (
    check_capabilities,
    parameter_values,
    parse_body,
    process,
)
from fogbank.templates.parameters import is_list_type

SSM_PARAMETER_PREFIX = "AWS::SSM::Parameter::Value<"


class StackInputs:
    """Mixin of the provider: template bodies, parameters, capabilities."""

    ctx: ServiceContext
    template_base_dir: Path | None

    async def prepare(self, ctx: RequestContext, body: str, parameters: list[dict[str, Any]],
                      capabilities: list[str] | None,
                      previous: StackRecord | None) -> UpdateInput:
        original = parse_body(body)
        supplied = self._supplied_parameters(parameters, previous)
        processed = process(original, supplied, self.ctx.region, self.template_base_dir)
        if not ctx.internal:
            check_capabilities(original, processed, capabilities)
        values = parameter_values(processed, supplied)
        await self._resolve_ssm_parameters(processed, values)
        return UpdateInput(processed, body, supplied, values)

    @staticmethod
    def _supplied_parameters(parameters: list[dict[str, Any]],
                             previous: StackRecord | None) -> dict[str, str]:
        supplied: dict[str, str] = {}
        for entry in parameters:
            key = entry.get("ParameterKey")
            if not key:
                raise ValidationError("ParameterKey must be specified")
            if entry.get("UsePreviousValue"):
                if previous is None or key not in previous.parameter_values:
                    raise ValidationError(f"Invalid input for parameter key {key}. Cannot"
                                          " specify usePreviousValue as true for a parameter"
                                          " key not in the previous template")
                value = previous.parameters.get(key, previous.parameter_values[key])
                supplied[key] = ",".join(value) if isinstance(value, list) else str(value)
            else:
                supplied[key] = str(entry.get("ParameterValue", ""))
        return supplied

    async def _resolve_ssm_parameters(self, template: dict[str, Any],
                                      values: dict[str, Any]) -> None:
        for name, spec in (template.get("Parameters") or {}).items():
            parameter_type = str((spec or {}).get("Type", ""))
            if not parameter_type.startswith(SSM_PARAMETER_PREFIX) or name not in values:
                continue
            ssm_name = values[name]
            try:
                result = await self.ctx.client.call("ssm", "GetParameter", {"Name": ssm_name})
            except ServiceError as exc:
                raise ValidationError(f"Unable to fetch parameters [{ssm_name}] from parameter"
                                      " store for this account.") from exc
            text = str(result.get("Parameter", {}).get("Value", ""))
            inner = parameter_type[len(SSM_PARAMETER_PREFIX):-1]
            values[name] = text.split(",") if is_list_type(inner) else text

    async def _template_body(self, template_body: str | None,
                             template_url: str | None) -> str:
        if template_body:
            return template_body
        if not template_url:
            raise ValidationError("Either Template URL or Template Body must be specified.")
        bucket, key = _s3_location(template_url)
        try:
            result = await self.ctx.client.call("s3", "GetObject", {"Bucket": bucket, "Key": key})
        except ServiceError as exc:
            raise ValidationError(f"S3 error: {exc.message or exc.error_code}") from exc
        body = result.get("Body", b"")
        if hasattr(body, "read"):
            body = body.read()
        return body.decode() if isinstance(body, bytes) else str(body)


def _s3_location(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    path = parsed.path.lstrip("/")
    host = parsed.hostname or ""
    if parsed.scheme == "s3":
        return host, path
    if ".s3." in host or host.endswith(".s3.amazonaws.com"):
        return host.split(".s3")[0], path
    bucket, _, key = path.partition("/")
    if parsed.scheme not in ("http", "https") or not bucket or not key:
        raise ValidationError("TemplateURL must be a supported URL.")
    return bucket, key
