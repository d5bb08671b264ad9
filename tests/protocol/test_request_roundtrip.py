"""botocore serializes (and signs) a request for every operation; we must parse it back."""

from __future__ import annotations

import pytest

from fogbank.protocol import ProtocolLayer
from tests.protocol.examples import (
    VARIANTS,
    ExampleBuilder,
    botocore_request,
    normalise,
    without_transport_extras,
)
from tests.protocol.services import model, operations


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("service", "operation"), operations(),
                         ids=[f"{s}.{o}" for s, o in operations()])
def test_request_round_trip(layer: ProtocolLayer, service: str, operation: str,
                            variant: str) -> None:
    service_model = model(service)
    op_model = service_model.operation_model(operation)
    if op_model.has_event_stream_input:
        pytest.skip("event-stream input")
    shape = op_model.input_shape
    params = (ExampleBuilder(variant).value(shape) or {}) if shape is not None else {}
    request = botocore_request(service_model, op_model, params)

    assert layer.detect_service(request) == service
    assert layer.region_of(request) == "eu-west-1"
    parsed_operation, parsed = layer.parse_request(service, request)

    if parsed_operation != operation and (
        op_model.deprecated or service_model.operation_model(parsed_operation).http == op_model.http
    ):
        pytest.skip(f"same request line as {parsed_operation}: not distinguishable by request")
    assert parsed_operation == operation
    assert normalise(without_transport_extras(parsed, params)) == normalise(params)
