"""Outside judge for control-plane results: every member we return must exist in
botocore's output shape (recursively), and the types must be what the shape says."""

from __future__ import annotations

import datetime
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape

_SESSION = botocore.session.get_session()


def _check(shape: Shape, value: Any, where: str) -> None:
    if value is None:
        return
    if isinstance(shape, StructureShape):
        assert isinstance(value, dict), f"{where}: expected structure, got {value!r}"
        for name, member in value.items():
            assert name in shape.members, f"{where}.{name} is not a member of {shape.name}"
            _check(shape.members[name], member, f"{where}.{name}")
    elif isinstance(shape, ListShape):
        assert isinstance(value, list), f"{where}: expected list"
        for index, item in enumerate(value):
            _check(shape.member, item, f"{where}[{index}]")
    elif isinstance(shape, MapShape):
        assert isinstance(value, dict), f"{where}: expected map"
        for key, item in value.items():
            assert isinstance(key, str)
            _check(shape.value, item, f"{where}[{key}]")
    elif shape.type_name == "string":
        assert isinstance(value, str), f"{where}: expected string, got {value!r}"
    elif shape.type_name == "boolean":
        assert isinstance(value, bool), f"{where}: expected boolean, got {value!r}"
    elif shape.type_name in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: expected int"
    elif shape.type_name == "timestamp":
        assert isinstance(value, (int, float, str, datetime.datetime)), f"{where}: bad timestamp"


def assert_output_shape(service: str, operation: str, result: dict[str, Any]) -> None:
    model = _SESSION.get_service_model(service).operation_model(operation)
    if model.output_shape is None:
        assert result == {}
        return
    _check(model.output_shape, result, operation)
