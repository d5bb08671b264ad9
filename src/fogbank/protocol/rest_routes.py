"""Match REST requests to operations by method and ``requestUri`` template.

Each template is compiled once: ``{Label}`` matches one path segment, ``{Label+}`` the rest
of the path; literals in the template's query part (``?uploads``, ``?list-type=2``) must be
present. More specific templates (more query literals, more literal characters) are tried
first, so ``GET /{Bucket}?tagging`` wins over ``GET /{Bucket}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel, ServiceModel

_LABEL = re.compile(r"\{([^}]+)\}")
# Query literals that clients may leave out (newer SDKs add them, older ones do not).
_OPTIONAL_QUERY_LITERALS = frozenset({"x-id"})


@dataclass(frozen=True)
class RestRoute:
    operation: str
    method: str
    pattern: re.Pattern[str]
    labels: tuple[tuple[str, str, bool], ...]  # (regex group, label name, greedy)
    query_literals: tuple[tuple[str, str], ...]
    literal_chars: int
    first_literal: str | None
    x_id: str | None = None
    required_query: tuple[str, ...] = ()
    required_headers: tuple[str, ...] = ()
    deprecated: bool = False

    @property
    def constraints(self) -> int:
        return len(self.query_literals) + len(self.required_query) + len(self.required_headers)

    def match(self, path: str, query: dict[str, list[str]], headers: dict[str, str],
              *, strict: bool = True) -> dict[str, str] | None:
        """Labels when the request fits; ``strict`` also demands the required query and
        header members (they tell apart S3's PutObject / UploadPart / CopyObject)."""
        for key, wanted in self.query_literals:
            values = query.get(key)
            if values is None or (wanted and wanted not in values):
                return None
        x_id = query.get("x-id")
        if x_id is not None and self.x_id is not None and self.x_id not in x_id:
            return None
        if strict:
            for key in self.required_query:
                if key not in query:
                    return None
            for header in self.required_headers:
                if header not in headers:
                    return None
        found = self.pattern.match(path)
        if found is None:
            return None
        labels: dict[str, str] = {}
        for group, label, _greedy in self.labels:
            labels[label] = unquote(found.group(group))
        return labels


def compile_route(operation: OperationModel) -> RestRoute:
    """One operation's route; required query/header members also select the operation."""
    method = operation.http.get("method", "POST")
    request_uri = operation.http.get("requestUri", "/")
    path_template, _, query_template = request_uri.partition("?")
    regex = ["^"]
    labels: list[tuple[str, str, bool]] = []
    literal_chars = 0
    position = 0
    for index, found in enumerate(_LABEL.finditer(path_template)):
        literal = path_template[position:found.start()]
        regex.append(re.escape(literal))
        literal_chars += len(literal)
        label = found.group(1)
        greedy = label.endswith("+")
        group = f"g{index}"
        regex.append(f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)")
        labels.append((group, label.rstrip("+"), greedy))
        position = found.end()
    tail = path_template[position:]
    regex.append(re.escape(tail))
    literal_chars += len(tail)
    if not path_template.endswith("/"):
        regex.append("/?")
    regex.append("$")
    literal_pairs = parse_qsl(query_template, keep_blank_values=True)
    query_literals = tuple(
        (key, value) for key, value in literal_pairs if key not in _OPTIONAL_QUERY_LITERALS
    )
    x_id = next((value for key, value in literal_pairs if key == "x-id"), None)
    required_query: list[str] = []
    required_headers: list[str] = []
    shape = operation.input_shape
    if shape is not None:
        literal_keys = {key for key, _ in literal_pairs}
        for name in shape.required_members:
            member = shape.members[name]
            location = member.serialization.get("location")
            wire_name = str(member.serialization.get("name", name))
            if location == "querystring" and wire_name not in literal_keys:
                required_query.append(wire_name)
            elif location == "header":
                required_headers.append(wire_name.lower())
    segments = path_template.strip("/").split("/")
    first = segments[0] if segments and segments[0] and "{" not in segments[0] else None
    return RestRoute(
        operation=operation.name,
        method=method.upper(),
        pattern=re.compile("".join(regex), re.DOTALL),
        labels=tuple(labels),
        query_literals=query_literals,
        literal_chars=literal_chars,
        first_literal=first,
        x_id=x_id,
        required_query=tuple(required_query),
        required_headers=tuple(required_headers),
        deprecated=bool(operation.deprecated),
    )


class RestRouter:
    """All routes of one REST service, grouped by HTTP method and ordered by specificity."""

    def __init__(self, model: ServiceModel) -> None:
        routes: dict[str, list[RestRoute]] = {}
        first_literals: set[str] = set()
        for name in model.operation_names:
            route = compile_route(model.operation_model(name))
            routes.setdefault(route.method, []).append(route)
            if route.first_literal:
                first_literals.add(route.first_literal)
        for method_routes in routes.values():
            method_routes.sort(key=lambda route: (
                route.deprecated,
                -route.constraints,
                -route.literal_chars,
                any(greedy for _, _, greedy in route.labels),
                -len(route.labels),
            ))
        self._routes = routes
        self.first_literals = frozenset(first_literals)

    def match(self, method: str, path: str, query: dict[str, list[str]],
              headers: dict[str, str]) -> tuple[str, dict[str, str]] | None:
        routes = self._routes.get(method.upper(), ())
        x_id = query.get("x-id")
        if x_id:
            for route in routes:
                if route.operation == x_id[-1]:
                    labels = route.match(path, query, headers)
                    if labels is not None:
                        return route.operation, labels
        for strict in (True, False):
            # Second pass: a request missing a required member still reaches its operation,
            # whose provider then reports the missing parameter.
            for route in routes:
                labels = route.match(path, query, headers, strict=strict)
                if labels is not None:
                    return route.operation, labels
        return None
