"""Check results against botocore's output shapes: every key we return must exist there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import botocore.session

_MODELS: dict[str, Any] = {}


def service_model(service: str) -> Any:
    if service not in _MODELS:
        _MODELS[service] = botocore.session.get_session().get_service_model(service)
    return _MODELS[service]


def assert_matches_shape(value: Any, shape: Any, path: str = "") -> None:
    """Every key we return must exist in botocore's output shape, with a fitting type."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), f"{path}: expected structure, got {value!r}"
        for key, member in value.items():
            assert key in shape.members, f"{path}.{key} is not a member of {shape.name}"
            assert_matches_shape(member, shape.members[key], f"{path}.{key}")
    elif kind == "list":
        assert isinstance(value, list), f"{path}: expected list"
        for index, item in enumerate(value):
            assert_matches_shape(item, shape.member, f"{path}[{index}]")
    elif kind == "map":
        assert isinstance(value, dict), f"{path}: expected map"
        for key, item in value.items():
            assert isinstance(key, str)
            assert_matches_shape(item, shape.value, f"{path}.{key}")
    elif kind == "string":
        assert isinstance(value, str), f"{path}: expected string, got {value!r}"
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: {value!r}"
    elif kind in ("float", "double"):
        assert isinstance(value, (int, float)), f"{path}: {value!r}"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path}: expected boolean, got {value!r}"
    elif kind == "timestamp":
        assert isinstance(value, (datetime, int, float, str)), f"{path}: {value!r}"
    elif kind == "blob":
        assert isinstance(value, bytes), f"{path}: expected bytes"
