"""Results and ``ServiceError``s → HTTP responses for one service, per protocol."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from fogbank.core.errors import ServiceError, is_sender_fault, status_of
from fogbank.protocol.http import FileBody, HttpResponse
from fogbank.protocol.json_codec import JsonResultEncoder, dumps
from fogbank.protocol.naming import QueryName
from fogbank.protocol.protocols import model_protocol
from fogbank.protocol.s3_output import BARE_TEXT_OUTPUTS, S3_OUTPUT_ROOTS, S3_SUCCESS_STATUS
from fogbank.protocol.values import encode_base64, format_scalar_text, format_timestamp
from fogbank.protocol.xml_codec import XmlResultWriter, escape_text

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass
class RestOutputPlan:
    status_member: str | None = None
    headers: list[tuple[str, str, Shape]] = field(default_factory=list)
    header_maps: list[tuple[str, str]] = field(default_factory=list)
    payload: tuple[str, Shape] | None = None
    body_members: frozenset[str] = frozenset()
    default_status: int = 200


def build_rest_output_plan(operation: OperationModel) -> RestOutputPlan:
    plan = RestOutputPlan(default_status=int(operation.http.get("responseCode", 200)))
    shape = operation.output_shape
    if shape is None:
        return plan
    body: set[str] = set()
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = str(member.serialization.get("name", name))
        if location == "statusCode":
            plan.status_member = name
        elif location == "header":
            plan.headers.append((wire_name, name, member))
        elif location == "headers":
            plan.header_maps.append((wire_name, name))
        elif location is None:
            body.add(name)
    payload = shape.serialization.get("payload")
    if payload:
        plan.payload = (payload, shape.members[payload])
        body.discard(payload)
    plan.body_members = frozenset(body)
    return plan


def header_text(value: Any, shape: Shape) -> str:
    type_name = shape.type_name
    if type_name == "timestamp":
        fmt = shape.serialization.get("timestampFormat", "rfc822")
        return str(format_timestamp(value, fmt))
    if type_name == "string" and shape.serialization.get("jsonvalue"):
        return encode_base64(json.dumps(value, separators=(",", ":")).encode("utf-8"))
    if type_name == "list":
        return ",".join(header_text(item, shape.member) for item in value)
    return format_scalar_text(value, type_name)


class ResponseWriter:
    """Serialises results and errors of one service; per-operation plans are cached."""

    def __init__(self, service: str, model: ServiceModel,
                 query_names: dict[str, QueryName] | None = None,
                 query_namespace: str | None = None) -> None:
        self.service = service
        self.model = model
        metadata = model.metadata
        self.protocol = model_protocol(model)
        self._json_content_type = f"application/x-amz-json-{metadata.get('jsonVersion', '1.0')}"
        self._query_compatible = "awsQueryCompatible" in metadata
        self._namespace = str(metadata.get("xmlNamespace") or query_namespace or
                              (S3_NAMESPACE if service == "s3" else ""))
        self._query_names = query_names or {}
        self._json = JsonResultEncoder()
        self._xml = XmlResultWriter("iso8601", self._query_names)
        self._rest_plans: dict[str, RestOutputPlan] = {}
        self._operation_models: dict[str, OperationModel] = {}

    # -- results -------------------------------------------------------------------------

    def result(self, operation: str, result: dict[str, Any], request_id: str,
               protocol: str | None = None) -> HttpResponse:
        protocol = protocol or self.protocol
        op_model = self._operation_models.get(operation)
        if op_model is None:
            op_model = self._operation_models[operation] = self.model.operation_model(operation)
        if protocol == "json":
            body = dumps(self._json.encode(result, op_model.output_shape))
            return HttpResponse(200, [("x-amzn-RequestId", request_id),
                                      ("Content-Type", self._json_content_type)], body)
        if protocol == "query":
            return self._query_result(op_model, result, request_id)
        return self._rest_result(op_model, result, request_id, protocol)

    def _query_result(self, op_model: OperationModel, result: dict[str, Any],
                      request_id: str) -> HttpResponse:
        name = op_model.name
        out = [f'<{name}Response xmlns="{self._namespace}">']
        shape = op_model.output_shape
        wrapper = op_model.output_shape.serialization.get("resultWrapper") if shape else None
        if shape is not None and (wrapper or self._query_names):
            wrapper = wrapper or f"{name}Result"
            out.append(f"<{wrapper}>")
            self._xml.members(out, result, shape)
            out.append(f"</{wrapper}>")
        out.append(f"<ResponseMetadata><RequestId>{escape_text(request_id)}</RequestId>"
                   f"</ResponseMetadata></{name}Response>")
        return HttpResponse(200, [("x-amzn-RequestId", request_id),
                                  ("Content-Type", "text/xml")], "".join(out).encode("utf-8"))

    def _rest_result(self, op_model: OperationModel, result: dict[str, Any], request_id: str,
                     protocol: str) -> HttpResponse:
        plan = self._rest_plans.get(op_model.name)
        if plan is None:
            plan = self._rest_plans[op_model.name] = build_rest_output_plan(op_model)
        response = HttpResponse(plan.default_status, self._request_id_headers(request_id))
        if self.service == "s3":
            response.status = S3_SUCCESS_STATUS.get(op_model.name, response.status)
        if plan.status_member and result.get(plan.status_member) is not None:
            response.status = int(result[plan.status_member])
        for header, name, shape in plan.headers:
            value = result.get(name)
            if value is not None:
                response.headers.append((header, header_text(value, shape)))
        for prefix, name in plan.header_maps:
            for key, value in (result.get(name) or {}).items():
                response.headers.append((f"{prefix}{key}", str(value)))
        shape = op_model.output_shape
        content_type: str | None = None
        if plan.payload is not None:
            name, payload_shape = plan.payload
            value = result.get(name)
            if value is None:
                pass
            elif isinstance(value, FileBody):
                response.body_file = value
                content_type = "binary/octet-stream"
            elif payload_shape.type_name in ("blob", "string"):
                response.body = value.encode("utf-8") if isinstance(value, str) else bytes(value)
                content_type = ("application/json" if protocol == "rest-json"
                                else "binary/octet-stream")
            elif protocol == "rest-json":
                response.body = dumps(self._json.encode(value, payload_shape))
                content_type = "application/json"
            else:
                root = str(payload_shape.serialization.get("name", payload_shape.name))
                response.body = self._xml_document(root, value, payload_shape)
                content_type = "application/xml"
        elif shape is not None and plan.body_members:
            body_values = {key: value for key, value in result.items()
                           if key in plan.body_members}
            if protocol == "rest-json":
                response.body = dumps(self._json.encode(body_values, shape))
                content_type = "application/json"
            elif self.service == "s3" and op_model.name in BARE_TEXT_OUTPUTS:
                name = BARE_TEXT_OUTPUTS[op_model.name]
                text = escape_text(str(body_values.get(name) or ""))
                response.body = (f'{XML_DECLARATION}<{name} xmlns="{self._namespace}">{text}'
                                 f"</{name}>").encode()
                content_type = "application/xml"
            elif body_values:
                root = str(shape.serialization.get("name", shape.name))
                if self.service == "s3":
                    root = S3_OUTPUT_ROOTS.get(op_model.name, root)
                response.body = self._xml_document(root, body_values, shape)
                content_type = "application/xml"
        elif protocol == "rest-json" and response.status != 204:
            response.body = b"{}"
            content_type = "application/json"
        if content_type and response.header("Content-Type") is None:
            response.headers.append(("Content-Type", content_type))
        return response

    def _xml_document(self, root: str, value: Any, shape: Shape) -> bytes:
        attrs = ""
        if self._namespace and not shape.serialization.get("xmlNamespace"):
            attrs = f' xmlns="{self._namespace}"'
        out = [XML_DECLARATION]
        self._xml.element(out, root, value, shape, attrs)
        return "".join(out).encode("utf-8")

    def _request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        if self.service == "s3":
            host_id = base64.b64encode(hashlib.sha256(request_id.encode()).digest()).decode()
            return [("x-amz-request-id", request_id), ("x-amz-id-2", host_id)]
        return [("x-amzn-RequestId", request_id)]

    # -- errors --------------------------------------------------------------------------

    def error(self, error: ServiceError, request_id: str, protocol: str | None = None
              ) -> HttpResponse:
        protocol = protocol or self.protocol
        code = error.error_code
        status = status_of(error)
        sender = is_sender_fault(error)
        if protocol in ("json", "rest-json"):
            document: dict[str, Any] = {}
            if protocol == "json":  # a service's errors may name their Smithy shape id
                document["__type"] = getattr(error, "json_type", None) or code
            elif self.service == "lambda":
                document["Type"] = "User" if sender else "Service"
            document["message"] = error.message
            document.update(error.fields)
            headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code),
                       ("Content-Type", self._json_content_type if protocol == "json"
                        else "application/json")]
            if self._query_compatible and protocol == "json":
                query_code = getattr(error, "query_error_code", None) or code
                headers.append(("x-amzn-query-error",
                                f"{query_code};{'Sender' if sender else 'Receiver'}"))
            response = HttpResponse(status, headers, dumps(document))
        elif protocol == "rest-xml" and self.service == "s3":
            out = [XML_DECLARATION, f"<Error><Code>{escape_text(code)}</Code>",
                   f"<Message>{escape_text(error.message)}</Message>"]
            out.extend(_field_elements(error.fields))
            out.append(f"<RequestId>{escape_text(request_id)}</RequestId>")
            out.append(f"<HostId>{self._request_id_headers(request_id)[1][1]}</HostId></Error>")
            response = HttpResponse(status, self._request_id_headers(request_id)
                                    + [("Content-Type", "application/xml")],
                                    "".join(out).encode("utf-8"))
        else:
            if protocol == "query" and self._query_compatible:
                code = getattr(error, "query_error_code", None) or code
            namespace = f' xmlns="{self._namespace}"' if self._namespace else ""
            out = [f"<ErrorResponse{namespace}><Error>",
                   f"<Type>{'Sender' if sender else 'Receiver'}</Type>",
                   f"<Code>{escape_text(code)}</Code>",
                   f"<Message>{escape_text(error.message)}</Message>"]
            out.extend(_field_elements(error.fields))
            out.append(f"</Error><RequestId>{escape_text(request_id)}</RequestId>"
                       "</ErrorResponse>")
            response = HttpResponse(status, self._request_id_headers(request_id)
                                    + [("Content-Type", "text/xml")],
                                    "".join(out).encode("utf-8"))
        for name, value in error.headers.items():
            response.set_header(name, value)
        return response


def _field_elements(fields: dict[str, Any]) -> list[str]:
    return [f"<{name}>{escape_text(str(value))}</{name}>" for name, value in fields.items()
            if value is not None and name.isidentifier()]
