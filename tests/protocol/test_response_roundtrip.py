"""We serialize an example result for every operation; botocore's parser must read it back."""

from __future__ import annotations

import io
from typing import Any
from xml.etree import ElementTree

import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser
from botocore.response import StreamingBody

from fogbank.protocol import HttpResponse, ProtocolLayer
from fogbank.protocol.xml_codec import member_key_name
from tests.protocol.examples import (
    VARIANTS,
    ExampleBuilder,
    normalise,
    without_transport_extras,
)
from tests.protocol.services import model, operations


def botocore_parse(protocol: str, response: HttpResponse, shape: Any, *,
                   streaming: bool = False) -> dict[str, Any]:
    """Parse as botocore's endpoint does (a streaming payload arrives as a stream)."""
    headers = HeadersDict()
    for name, value in response.headers:
        headers[name] = value
    body: Any = response.body
    if streaming:
        body = StreamingBody(io.BytesIO(body), len(body))
    return create_parser(protocol).parse(
        {"status_code": response.status, "headers": headers, "body": body}, shape)


def xml_name_clash(shape: Any, seen: set[str] | None = None) -> bool:
    """True when two members of one structure share an XML name (botocore cannot tell them
    apart either, e.g. S3's deprecated ``Event``/``Events``)."""
    seen = set() if seen is None else seen
    if shape is None or shape.name in seen:
        return False
    seen.add(shape.name)
    if shape.type_name == "structure":
        names = [member_key_name(member, name) for name, member in shape.members.items()
                 if not member.serialization.get("location")]
        if len(names) != len(set(names)):
            return True
        return any(xml_name_clash(member, seen) for member in shape.members.values())
    if shape.type_name == "list":
        return xml_name_clash(shape.member, seen)
    return False


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("service", "operation"), operations(),
                         ids=[f"{s}.{o}" for s, o in operations()])
def test_response_round_trip(layer: ProtocolLayer, service: str, operation: str,
                             variant: str) -> None:
    service_model = model(service)
    op_model = service_model.operation_model(operation)
    if op_model.has_event_stream_output:
        pytest.skip("event-stream output")
    shape = op_model.output_shape
    if service_model.metadata["protocol"] in ("rest-xml", "query") and xml_name_clash(shape):
        pytest.skip("two members share one XML name")
    result = (ExampleBuilder(variant).value(shape) or {}) if shape else {}

    response = layer.serialize_result(service, operation, result, "req-1234")

    parsed = botocore_parse(service_model.metadata["protocol"], response, shape,
                            streaming=op_model.has_streaming_output)
    if (service, operation) == ("s3", "GetBucketLocation"):
        # botocore reads this bare-text body in a handler (parse_get_bucket_location)
        location = ElementTree.fromstring(response.body).text
        if location is not None:
            parsed["LocationConstraint"] = location
    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == "req-1234"
    assert metadata["HTTPStatusCode"] == response.status < 300
    parsed = {key: normalise(value) for key, value in parsed.items()}
    assert normalise(without_transport_extras(parsed, result)) == normalise(result)
