"""HTTP request → ``(operation, params)`` for one service, by the request's protocol.

The protocol is chosen by what the request looks like (``X-Amz-Target`` → json, an
``Action`` parameter → query, otherwise the model's REST protocol), so SQS answers both
JSON and query clients. Every failure is a ``ServiceError`` in the protocol's style.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from botocore.model import OperationModel, ServiceModel, Shape

from fogbank.core.errors import CommonServiceError, ServiceError
from fogbank.protocol.aws_chunked import decode_aws_chunked, is_aws_chunked
from fogbank.protocol.http import HttpRequest
from fogbank.protocol.json_codec import ShapeTypeError, from_json
from fogbank.protocol.json_fast import Convert, InputCompiler
from fogbank.protocol.naming import QueryName
from fogbank.protocol.protocols import model_protocol, request_protocol
from fogbank.protocol.query_codec import QueryParamReader
from fogbank.protocol.rest_routes import RestRouter
from fogbank.protocol.s3_hosts import virtual_host_bucket
from fogbank.protocol.values import decode_base64, parse_timestamp
from fogbank.protocol.xml_codec import from_xml, parse_xml_document, scalar_from_text

log = logging.getLogger("fogbank.protocol")


@dataclass
class RestInputPlan:
    """Where each input member of a REST operation lives, computed once per operation."""

    uri: list[tuple[str, str, Shape]] = field(default_factory=list)
    query: list[tuple[str, str, Shape]] = field(default_factory=list)
    query_map: tuple[str, Shape] | None = None
    headers: list[tuple[str, str, Shape]] = field(default_factory=list)
    header_maps: list[tuple[str, str, Shape]] = field(default_factory=list)
    payload: tuple[str, Shape] | None = None
    body_members: frozenset[str] = frozenset()
    literal_query_keys: frozenset[str] = frozenset()


def build_rest_input_plan(operation: OperationModel) -> RestInputPlan:
    literal_query = operation.http.get("requestUri", "").partition("?")[2]
    plan = RestInputPlan(literal_query_keys=frozenset(
        key for key, _ in parse_qsl(literal_query, keep_blank_values=True)))
    shape = operation.input_shape
    if shape is None:
        return plan
    body_members: set[str] = set()
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = str(member.serialization.get("name", name))
        if location == "uri":
            plan.uri.append((wire_name, name, member))
        elif location == "querystring":
            if member.type_name == "map":
                plan.query_map = (name, member)
            else:
                plan.query.append((wire_name, name, member))
        elif location == "header":
            plan.headers.append((wire_name.lower(), name, member))
        elif location == "headers":
            plan.header_maps.append((wire_name.lower(), name, member))
        elif location is None:
            body_members.add(name)
    payload = shape.serialization.get("payload")
    if payload:
        plan.payload = (payload, shape.members[payload])
        body_members.discard(payload)
    plan.body_members = frozenset(body_members)
    return plan


class RequestParser:
    """Parses requests for one service; plans and routes are built on first use."""

    def __init__(self, service: str, model: ServiceModel,
                 query_names: dict[str, QueryName] | None = None) -> None:
        self.service = service
        self.model = model
        self.protocol = model_protocol(model)
        self._operations = frozenset(model.operation_names)
        self._target_prefix = model.metadata.get("targetPrefix")
        self._query_names = query_names
        self._router: RestRouter | None = None
        self._plans: dict[str, RestInputPlan] = {}
        self._json_inputs: dict[str, tuple[Shape | None, Convert | None]] = {}
        self._compiler = InputCompiler()

    @property
    def router(self) -> RestRouter:
        if self._router is None:
            self._router = RestRouter(self.model)
        return self._router

    def parse(self, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        protocol = request_protocol(self.model, request)
        try:
            if protocol == "json":
                return self._parse_json(request)
            if protocol == "query":
                return self._parse_query(request)
            if protocol in ("rest-json", "rest-xml"):
                return self._parse_rest(request, protocol)
            raise CommonServiceError("UnsupportedProtocol",
                                     f"fogbank does not speak the {protocol} protocol of "
                                     f"service {self.service}")
        except ServiceError:
            raise
        except Exception as exc:  # noqa: BLE001 - any decoding failure is the client's
            log.debug("cannot parse %s request to %s", protocol, self.service, exc_info=True)
            raise malformed_error(protocol, str(exc)) from None

    # -- json ----------------------------------------------------------------------------

    def _parse_json(self, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        target = request.headers.get("x-amz-target", "")
        prefix, _, operation = target.rpartition(".")
        if (self._target_prefix and prefix != self._target_prefix) or (
            operation not in self._operations
        ):
            raise CommonServiceError("UnknownOperationException",
                                     f"Unknown operation {target or '(none)'} for service "
                                     f"{self.service}")
        json_input = self._json_inputs.get(operation)
        if json_input is None:
            shape = self.model.operation_model(operation).input_shape
            json_input = (shape, self._compiler.compile(shape) if shape is not None else None)
            self._json_inputs[operation] = json_input
        shape, convert = json_input
        body = request.body
        try:
            document = load_json(body) if body.strip() else {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise malformed_error("json", f"Malformed JSON body: {exc}") from None
        if shape is None or convert is None:
            return operation, {}
        try:
            return operation, convert(document)
        except ShapeTypeError:
            pass
        try:  # the slow walk, for the path of the bad value in the message
            return operation, from_json(document, shape)
        except ShapeTypeError as exc:
            raise malformed_error("json", str(exc)) from None

    # -- query ---------------------------------------------------------------------------

    def _parse_query(self, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        params = dict(request.query_pairs())
        if request.body:
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError:
                raise malformed_error("query", "The request body is not UTF-8") from None
            params.update(parse_qsl(text, keep_blank_values=True))
        action = params.get("Action")
        if not action:
            raise CommonServiceError("MissingAction", "Missing Action")
        if action not in self._operations:
            raise CommonServiceError("InvalidAction",
                                     f"The action {action} is not valid for this web service.")
        shape = self.model.operation_model(action).input_shape
        if shape is None:
            return action, {}
        try:
            parsed = QueryParamReader(params, self._query_names).structure(shape)
        except (TypeError, ValueError, OverflowError) as exc:
            raise CommonServiceError("ValidationError", f"Invalid parameter value: {exc}"
                                     ) from None
        if (self.service == "sqs" and "QueueUrl" in shape.members and "QueueUrl" not in parsed
                and request.path.strip("/").count("/") == 1):
            # Query clients may post to the queue URL itself instead of sending QueueUrl.
            host = request.headers.get("host", "localhost")
            parsed["QueueUrl"] = f"{request.scheme}://{host}{request.path.rstrip('/')}"
        return action, parsed

    # -- rest ----------------------------------------------------------------------------

    def _parse_rest(self, request: HttpRequest, protocol: str) -> tuple[str, dict[str, Any]]:
        path = request.path or "/"
        if self.service == "s3":
            bucket = virtual_host_bucket(request.headers.get("host", ""))
            if bucket:
                path = f"/{bucket}{path}"
        query: dict[str, list[str]] = {}
        for key, value in request.query_pairs():
            query.setdefault(key, []).append(value)
        matched = self.router.match(request.method, path, query, request.headers)
        if matched is None:
            raise unknown_rest_operation(self.service, protocol, request.method, path)
        operation, labels = matched
        plan = self._plans.get(operation)
        if plan is None:
            plan = self._plans[operation] = build_rest_input_plan(
                self.model.operation_model(operation))
        params: dict[str, Any] = {}
        try:
            self._read_locations(plan, labels, query, request, params)
        except (TypeError, ValueError, OverflowError) as exc:
            raise CommonServiceError("ValidationException" if protocol == "rest-json"
                                     else "InvalidArgument", f"Invalid parameter: {exc}"
                                     ) from None
        self._read_body(plan, operation, request, protocol, params)
        return operation, params

    def _read_locations(self, plan: RestInputPlan, labels: dict[str, str],
                        query: dict[str, list[str]], request: HttpRequest,
                        params: dict[str, Any]) -> None:
        for label, name, shape in plan.uri:
            if label in labels:
                params[name] = scalar_from_text(labels[label], shape)
        claimed: set[str] = set(plan.literal_query_keys)
        for key, name, shape in plan.query:
            claimed.add(key)
            values = query.get(key)
            if values is None:
                continue
            if shape.type_name == "list":
                params[name] = [scalar_from_text(value, shape.member) for value in values]
            else:
                params[name] = scalar_from_text(values[-1], shape)
        if plan.query_map is not None:
            name, shape = plan.query_map
            entries: dict[str, Any] = {}
            for key, values in query.items():
                if key in claimed:
                    continue
                entries[key] = ([scalar_from_text(v, shape.value.member) for v in values]
                                if shape.value.type_name == "list" else values[-1])
            if entries:
                params[name] = entries
        headers = request.headers
        for header, name, shape in plan.headers:
            text = headers.get(header)
            if text is not None:
                params[name] = header_value(text, shape)
        for prefix, name, _shape in plan.header_maps:
            found = {key[len(prefix):]: value for key, value in headers.items()
                     if key.startswith(prefix)}
            if found:
                params[name] = found

    def _read_body(self, plan: RestInputPlan, operation: str, request: HttpRequest,
                   protocol: str, params: dict[str, Any]) -> None:
        body = request.body
        if plan.payload is not None:
            name, shape = plan.payload
            if shape.type_name in ("blob", "string"):
                if request.body_stream is not None and shape.type_name == "blob":
                    params[name] = request.body_stream  # the service reads it (S3 uploads)
                    return
                if is_aws_chunked(request.headers):
                    body = decode_aws_chunked(body)
                if body:
                    params[name] = body if shape.type_name == "blob" else body.decode("utf-8")
                return
            if body.strip():
                params[name] = self._decode_document(body, shape, protocol)
            return
        if plan.body_members and body.strip():
            shape = self.model.operation_model(operation).input_shape
            assert shape is not None
            decoded = self._decode_document(body, shape, protocol)
            for key in plan.body_members:
                if key in decoded:
                    params[key] = decoded[key]

    @staticmethod
    def _decode_document(body: bytes, shape: Shape, protocol: str) -> Any:
        if protocol == "rest-json":
            try:
                document = load_json(body)
            except (ValueError, UnicodeDecodeError) as exc:
                raise malformed_error("json", f"Malformed JSON body: {exc}") from None
            try:
                return from_json(document, shape)
            except ShapeTypeError as exc:
                raise malformed_error("json", str(exc)) from None
        try:
            root = parse_xml_document(body)
        except ElementTree.ParseError:
            raise malformed_error("rest-xml", "") from None
        try:
            return from_xml(root, shape)
        except (TypeError, ValueError, OverflowError):
            raise malformed_error("rest-xml", "") from None


def header_value(text: str, shape: Shape) -> Any:
    type_name = shape.type_name
    if type_name == "string" and shape.serialization.get("jsonvalue"):
        return json.loads(decode_base64(text))
    if type_name == "list":
        return [scalar_from_text(item.strip(), shape.member) for item in text.split(",")]
    if type_name == "timestamp":
        return parse_timestamp(text.strip())
    return scalar_from_text(text, shape)


def malformed_error(protocol: str, detail: str) -> ServiceError:
    if protocol in ("json", "rest-json"):
        return CommonServiceError("SerializationException", detail or "Malformed request body")
    if protocol == "rest-xml":
        return CommonServiceError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our "
            "published schema")
    return CommonServiceError("MalformedQueryString", detail or "Malformed query string")


def unknown_rest_operation(service: str, protocol: str, method: str, path: str
                           ) -> ServiceError:
    if protocol == "rest-xml":
        return CommonServiceError("MethodNotAllowed",
                                  "The specified method is not allowed against this resource.",
                                  status=405, fields={"Method": method, "ResourceType": "OBJECT"})
    return CommonServiceError("UnknownOperationException",
                              f"Unknown operation {method} {path} for service {service}",
                              status=404)


# A \uD800-\uDFFF escape: json.loads accepts one without its pair, which no UTF-8 text holds.
_SURROGATE_ESCAPE = re.compile(rb"\\[uU][dD][89a-fA-F]")


def load_json(body: bytes) -> Any:
    """``json.loads``, refusing a lone surrogate escape as AWS's parsers do (a ValueError)."""
    document = json.loads(body)
    if _SURROGATE_ESCAPE.search(body):
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a string holds an unpaired UTF-16 surrogate") from None
    return document
