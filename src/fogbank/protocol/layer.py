"""The protocol layer: one object owning the model catalog and per-service codecs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import DataNotFoundError
from botocore.model import ServiceModel

from fogbank.core.errors import CommonServiceError, ServiceError
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.models import ServiceCatalog
from fogbank.protocol.protocols import request_protocol
from fogbank.protocol.request_parser import RequestParser
from fogbank.protocol.response_writer import ResponseWriter
from fogbank.protocol.routing import detect_service, region_of
from fogbank.protocol.sqs_query import SQS_QUERY_NAMES, SQS_QUERY_NAMESPACE


class ProtocolLayer:
    """Parses requests and serialises results for every botocore service, lazily."""

    def __init__(self, catalog: ServiceCatalog | None = None) -> None:
        self.catalog = catalog or ServiceCatalog()
        self._parsers: dict[str, RequestParser] = {}
        self._writers: dict[str, ResponseWriter] = {}

    def model(self, service: str) -> ServiceModel:
        try:
            return self.catalog.model(service)
        except (DataNotFoundError, ValueError) as exc:
            raise CommonServiceError("UnknownService",
                                     f"fogbank has no API model for service {service!r}"
                                     ) from exc

    def parser(self, service: str) -> RequestParser:
        parser = self._parsers.get(service)
        if parser is None:
            names = SQS_QUERY_NAMES if service == "sqs" else None
            parser = RequestParser(service, self.model(service), names)
            self._parsers[service] = parser
        return parser

    def writer(self, service: str) -> ResponseWriter:
        writer = self._writers.get(service)
        if writer is None:
            if service == "sqs":
                writer = ResponseWriter(service, self.model(service), SQS_QUERY_NAMES,
                                        SQS_QUERY_NAMESPACE)
            else:
                writer = ResponseWriter(service, self.model(service))
            self._writers[service] = writer
        return writer

    def warm_up(self, services: Iterable[str]) -> None:
        """Load models and routing tables now rather than on the first request."""
        self.catalog.metadata()
        for service in services:
            parser = self.parser(service)
            if parser.protocol in ("rest-json", "rest-xml"):
                _ = parser.router
            self.writer(service)

    def detect_service(self, request: HttpRequest) -> str:
        return detect_service(self.catalog, request, self._path_belongs_to)

    def region_of(self, request: HttpRequest) -> str | None:
        return region_of(request)

    def request_protocol(self, service: str, request: HttpRequest) -> str:
        return request_protocol(self.model(service), request)

    def parse_request(self, service: str, request: HttpRequest) -> tuple[str, dict[str, Any]]:
        return self.parser(service).parse(request)

    def serialize_result(self, service: str, operation: str, result: dict[str, Any],
                         request_id: str, *, protocol: str | None = None) -> HttpResponse:
        return self.writer(service).result(operation, result or {}, request_id, protocol)

    def serialize_error(self, service: str, operation: str | None, error: ServiceError,
                        request_id: str, *, protocol: str | None = None) -> HttpResponse:
        return self.writer(service).error(error, request_id, protocol)

    def _path_belongs_to(self, service: str, path: str) -> bool:
        parser = self.parser(service)
        if parser.protocol not in ("rest-json", "rest-xml"):
            return False
        first = path.lstrip("/").split("/", 1)[0]
        return bool(first) and first in parser.router.first_literals
