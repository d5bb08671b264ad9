"""Intrinsic functions, resolved against an injected ``Scope`` (no services needed).

``Intrinsics.resolve(value)`` walks a template value and evaluates ``Ref``, ``Fn::GetAtt``,
``Fn::Sub`` (both forms), ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::If`` (with
``AWS::NoValue`` removing the key or list item), ``Fn::FindInMap`` (with ``DefaultValue``),
``Fn::GetAZs``, ``Fn::Base64``, ``Fn::ImportValue``, ``Fn::Cidr``, ``Fn::ToJsonString``,
``Fn::Length`` and the condition functions.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.cloudformation.engine.conditions import Conditions, evaluate
from fogbank.services.cloudformation.engine.errors import IntrinsicError
from fogbank.templates.references import split_get_att

NO_VALUE = object()  # what Ref AWS::NoValue resolves to; removed from mappings and lists

_SUB_PATTERN = re.compile(r"\$\{([^}]*)\}")


@dataclass
class Scope:
    """Everything intrinsics can look up. Resource lookups are callbacks so the engine can
    answer from its live state and tests from a dict."""

    parameters: dict[str, Any] = field(default_factory=dict)
    pseudo: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)  # the template's section
    ref_resource: Callable[[str], Any] | None = None
    get_att: Callable[[str, str], Any] | None = None
    import_value: Callable[[str], Any] | None = None
    resource_ids: frozenset[str] = frozenset()


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise IntrinsicError(f"{what} must be a string, not {value!r}")


class Intrinsics:
    """Resolves template values within one ``Scope``."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.conditions = Conditions(scope.conditions, self.resolve)
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAZs": self._get_azs,
            "Fn::Base64": self._base64,
            "Fn::ImportValue": self._import_value,
            "Fn::Cidr": self._cidr,
            "Fn::ToJsonString": self._to_json_string,
            "Fn::Length": self._length,
            "Fn::Equals": self._condition_function("Fn::Equals"),
            "Fn::And": self._condition_function("Fn::And"),
            "Fn::Or": self._condition_function("Fn::Or"),
            "Fn::Not": self._condition_function("Fn::Not"),
            "Condition": self._condition_function("Condition"),
        }

    def condition(self, name: str) -> bool:
        return self.conditions.value(name)

    def resolve(self, value: Any) -> Any:
        """The value with every intrinsic evaluated; ``NO_VALUE`` entries removed."""
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()
            function = self._functions.get(key)
            if function is not None and (key != "Condition" or isinstance(argument, str)):
                if key == "Condition":
                    return self.condition(argument)
                return function(argument)
            if key.startswith("Fn::") and key not in ("Fn::Transform",):
                raise IntrinsicError(f"{key} is not a supported intrinsic function")
            if key == "Fn::Transform":
                raise IntrinsicError("Fn::Transform (macros, AWS::Include) is not supported")
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    # -- Ref and GetAtt --------------------------------------------------------------------
    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise IntrinsicError(f"Ref must name a parameter or resource, not {name!r}")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.scope.pseudo:
            return self.scope.pseudo[name]
        if name in self.scope.parameters:
            return self.scope.parameters[name]
        if self.scope.ref_resource is not None and name in self.scope.resource_ids:
            return self.scope.ref_resource(name)
        raise IntrinsicError(f"Unresolved resource dependencies [{name}] in the Resources block"
                             " of the template")

    def _get_att(self, argument: Any) -> Any:
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument = [argument[0], _text(self.resolve(argument[1]), "Fn::GetAtt attribute")]
        parts = split_get_att(argument)
        if parts is None:
            raise IntrinsicError(f"Fn::GetAtt requires [logicalId, attribute], not {argument!r}")
        logical_id, attribute = parts
        if self.scope.get_att is None or logical_id not in self.scope.resource_ids:
            raise IntrinsicError(f"Template error: instance of Fn::GetAtt references undefined"
                                 f" resource {logical_id}")
        return self.scope.get_att(logical_id, attribute)

    # -- Strings ---------------------------------------------------------------------------
    def _sub(self, argument: Any) -> Any:
        if isinstance(argument, str):
            text, variables = argument, {}
        elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            text, variables = argument[0], argument[1]
        else:
            raise IntrinsicError("Fn::Sub requires a string or [string, {variables}]")
        text = _text(self.resolve(text), "Fn::Sub template")
        local = {name: self.resolve(item) for name, item in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            name = name.strip()
            if name in local:
                return _text(local[name], f"Fn::Sub variable {name}")
            if "." in name and not name.startswith("AWS::"):
                logical_id, _, attribute = name.partition(".")
                return _text(self._get_att([logical_id, attribute]), f"${{{name}}}")
            value = self._ref(name)
            if isinstance(value, list):
                return ",".join(_text(item, name) for item in value)
            return _text(value, f"${{{name}}}")

        return _SUB_PATTERN.sub(replace, text)

    def _join(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Fn::Join requires [delimiter, [values]]")
        delimiter = _text(self.resolve(argument[0]), "Fn::Join delimiter")
        values = self.resolve(argument[1])
        if not isinstance(values, list):
            raise IntrinsicError("Fn::Join requires a list of values")
        return delimiter.join(_text(item, "Fn::Join value") for item in values)

    def _select(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Fn::Select requires [index, [values]]")
        index_value, values = self.resolve(argument[0]), self.resolve(argument[1])
        try:
            index = int(index_value)
        except (TypeError, ValueError) as exc:
            raise IntrinsicError(f"Fn::Select index {index_value!r} is not a number") from exc
        if not isinstance(values, list):
            raise IntrinsicError("Fn::Select requires a list of values")
        if not 0 <= index < len(values):
            raise IntrinsicError(f"Fn::Select cannot select nonexistent value at index {index}")
        return values[index]

    def _split(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise IntrinsicError("Fn::Split requires [delimiter, string]")
        delimiter = _text(self.resolve(argument[0]), "Fn::Split delimiter")
        source = _text(self.resolve(argument[1]), "Fn::Split source")
        if not delimiter:
            raise IntrinsicError("Fn::Split delimiter must not be empty")
        return source.split(delimiter)

    def _base64(self, argument: Any) -> Any:
        text = _text(self.resolve(argument), "Fn::Base64 value")
        return base64.b64encode(text.encode()).decode()

    def _to_json_string(self, argument: Any) -> Any:
        value = self.resolve(argument)
        if not isinstance(value, (dict, list)):
            raise IntrinsicError("Fn::ToJsonString requires an object or a list")
        return json.dumps(value, separators=(",", ":"))

    def _length(self, argument: Any) -> Any:
        value = self.resolve(argument)
        if not isinstance(value, list):
            raise IntrinsicError("Fn::Length requires a list")
        return len(value)

    # -- Conditions and maps ---------------------------------------------------------------
    def _if(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 3 or not isinstance(argument[0], str):
            raise IntrinsicError("Fn::If requires [condition_name, value_if_true, value_if_false]")
        chosen = argument[1] if self.condition(argument[0]) else argument[2]
        return self.resolve(chosen)

    def _condition_function(self, name: str) -> Callable[[Any], Any]:
        def run(argument: Any) -> Any:
            return evaluate({name: argument}, self.resolve, self.condition)

        return run

    def _find_in_map(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            raise IntrinsicError("Fn::FindInMap requires [MapName, TopLevelKey, SecondLevelKey]")
        names = [_text(self.resolve(item), "Fn::FindInMap key") for item in argument[:3]]
        default = argument[3].get("DefaultValue") if len(argument) == 4 and isinstance(
            argument[3], dict) else None
        try:
            return self.resolve(self.scope.mappings[names[0]][names[1]][names[2]])
        except (KeyError, TypeError) as exc:
            if default is not None:
                return self.resolve(default)
            raise IntrinsicError(
                f"Fn::FindInMap cannot find [{', '.join(names)}] in Mappings") from exc

    def _get_azs(self, argument: Any) -> Any:
        region = self.resolve(argument) or self.scope.pseudo.get("AWS::Region", "us-east-1")
        return [f"{region}{zone}" for zone in ("a", "b", "c")]

    def _import_value(self, argument: Any) -> Any:
        name = _text(self.resolve(argument), "Fn::ImportValue name")
        if self.scope.import_value is None:
            raise IntrinsicError(f"No export named {name} found.")
        return self.scope.import_value(name)

    def _cidr(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            raise IntrinsicError("Fn::Cidr requires [ipBlock, count, cidrBits]")
        block, count, bits = (self.resolve(item) for item in argument)
        try:
            network = ipaddress.ip_network(_text(block, "Fn::Cidr ipBlock"), strict=False)
            prefix = network.max_prefixlen - int(bits)
            subnets = network.subnets(new_prefix=prefix)
            found = [str(subnet) for _, subnet in zip(range(int(count)), subnets, strict=False)]
        except ValueError as exc:
            raise IntrinsicError(f"Fn::Cidr: {exc}") from exc
        if len(found) < int(count):
            raise IntrinsicError(f"Fn::Cidr: {block} holds fewer than {count} subnets of /{prefix}")
        return found
