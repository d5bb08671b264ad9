"""Every SQS operation over the query protocol, judged by botocore's query serializer and
parser on a query-protocol rendering of the SQS model (the 2012-11-05 names from
``sqs_query`` applied as ``locationName``/``flattened`` traits, as the old model had them)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel

from fogbank.protocol import ProtocolLayer
from fogbank.protocol.sqs_query import SQS_QUERY_NAMES
from tests.protocol.examples import (
    VARIANTS,
    ExampleBuilder,
    botocore_request,
    normalise,
    without_transport_extras,
)
from tests.protocol.test_response_roundtrip import botocore_parse


def sqs_query_model() -> ServiceModel:
    data = copy.deepcopy(Loader().load_service_model("sqs", "service-2"))
    data["metadata"].update(protocol="query", protocols=["query"])
    shapes = data["shapes"]
    for name, operation in data["operations"].items():
        if "output" in operation:
            operation["output"]["resultWrapper"] = f"{name}Result"
    for shape in shapes.values():
        for member_name, member in shape.get("members", {}).items():
            rename = SQS_QUERY_NAMES.get(member_name)
            if rename is None:
                continue
            target = shapes[member["shape"]]
            member["flattened"] = True
            if target["type"] == "list":
                member["locationName"] = rename.element_name_for(target["member"]["shape"])
            else:
                member["locationName"] = rename.name
                target["key"]["locationName"] = rename.key_name
                target["value"]["locationName"] = rename.value_name
    return ServiceModel(data, service_name="sqs")


MODEL = sqs_query_model()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_sqs_query_request_round_trip(layer: ProtocolLayer, operation: str,
                                      variant: str) -> None:
    op_model = MODEL.operation_model(operation)
    params = ExampleBuilder(variant).value(op_model.input_shape) or {}
    request = botocore_request(MODEL, op_model, params, sign=False)

    assert layer.detect_service(request) == "sqs"
    assert layer.request_protocol("sqs", request) == "query"
    parsed_operation, parsed = layer.parse_request("sqs", request)
    assert parsed_operation == operation
    assert normalise(parsed) == normalise(params)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_sqs_query_response_round_trip(layer: ProtocolLayer, operation: str,
                                       variant: str) -> None:
    op_model = MODEL.operation_model(operation)
    shape = op_model.output_shape
    result: dict[str, Any] = (ExampleBuilder(variant).value(shape) or {}) if shape else {}

    response = layer.serialize_result("sqs", operation, result, "rq", protocol="query")

    parsed = botocore_parse("query", response, shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rq"
    assert normalise(without_transport_extras(parsed, result)) == normalise(result)
