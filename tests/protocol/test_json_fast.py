"""Compiled JSON input converters agree with the shape walk, errors included."""

from __future__ import annotations

import botocore.session
import pytest

from fogbank.protocol.json_codec import ShapeTypeError, from_json
from fogbank.protocol.json_fast import InputCompiler

_MODEL = botocore.session.get_session().get_service_model("dynamodb")


def _input(operation: str):  # noqa: ANN202
    return _MODEL.operation_model(operation).input_shape


def test_nested_attribute_values_convert_like_the_shape_walk():
    shape = _input("PutItem")
    document = {
        "TableName": "t",
        "Item": {"pk": {"S": "k"}, "b": {"B": "aGk="}, "m": {"M": {"l": {"L": [
            {"N": "1"}, {"BOOL": True}, {"NULL": True}, {"BS": ["AA=="]}]}}}},
        "ReturnValues": "ALL_OLD",
        "Unknown": 1,
        "ConditionExpression": None,
    }
    converted = InputCompiler().compile(shape)(document)
    assert converted == from_json(document, shape)
    assert converted["Item"]["b"] == {"B": b"hi"}


@pytest.mark.parametrize("document", [
    {"TableName": 5},
    {"TableName": "t", "Key": {"pk": {"S": 1}}},
    {"TableName": "t", "Key": []},
    {"TableName": "t", "ConsistentRead": "yes"},
])
def test_wrong_types_raise(document):
    shape = _input("GetItem")
    with pytest.raises(ShapeTypeError):
        InputCompiler().compile(shape)(document)
    with pytest.raises(ShapeTypeError):
        from_json(document, shape)


def test_documents_needing_no_conversion_come_back_as_they_are_and_are_never_changed():
    import copy
    shape = _input("BatchWriteItem")
    plain = {"RequestItems": {"t": [{"PutRequest": {"Item": {
        "pk": {"S": "k"}, "n": {"N": "1"}, "l": {"L": [{"S": "x"}, {"BOOL": True}]}}}}]}}
    assert InputCompiler().compile(shape)(plain) is plain
    mixed = {"RequestItems": {"t": [
        {"PutRequest": {"Item": {"pk": {"S": "k"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "k2"}, "b": {"B": "aGk="}, "z": None}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "k3"}}}, "Unknown": 1}]},
        "ReturnConsumedCapacity": "TOTAL"}
    before = copy.deepcopy(mixed)
    converted = InputCompiler().compile(shape)(mixed)
    assert mixed == before  # the document itself is untouched
    assert converted == from_json(before, shape)
    assert converted["RequestItems"]["t"][1]["PutRequest"]["Item"]["b"] == {"B": b"hi"}
