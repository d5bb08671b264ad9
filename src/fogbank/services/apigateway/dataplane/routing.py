"""Compiled route tables: a trie of path segments, walked most-specific first.

At each segment a literal child is tried before ``{param}`` children before ``{proxy+}``
(AWS's "most specific match wins"), so a request visits only the branches its own segments
lead to: no regular expressions, no scan of every route, no store reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from fogbank.services.apigateway.dataplane.model import (
    ApiDefinition,
    GatewayResponseDefinition,
    RouteDefinition,
)

DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class Served:
    """A route as served by one API stage."""

    api: ApiDefinition
    stage_name: str
    stage_variables: Mapping[str, str]
    route: RouteDefinition
    gateway_responses: Mapping[str, GatewayResponseDefinition] = field(default_factory=dict)


@dataclass
class PathEntry:
    pattern: str
    methods: dict[str, Served] = field(default_factory=dict)


class _Node:
    """One path position of the route trie: literal children, ``{param}`` children and
    ``{proxy+}`` entries (which end a template)."""

    __slots__ = ("entry", "greedy", "literal", "params")

    def __init__(self) -> None:
        self.entry: PathEntry | None = None
        self.literal: dict[str, _Node] = {}
        self.params: dict[str, _Node] = {}
        self.greedy: dict[str, PathEntry] = {}


def split_path(raw_path: str) -> list[str]:
    """Decoded segments of a raw path (``/a/b%20c/`` → ``["a", "b c"]``); root → ``[]``."""
    stripped = raw_path.strip("/")
    return [unquote(p) for p in stripped.split("/")] if stripped else []


@dataclass(frozen=True)
class Match:
    served: Served
    path_parameters: dict[str, str]


class RouteTable:
    """The routes one front answers for (one API stage, or all APIs on the local front)."""

    def __init__(self) -> None:
        self.root = _Node()
        self.default_route: Served | None = None
        self._entries: dict[str, PathEntry] = {}

    def add(self, served: Served) -> bool:
        """Add a route; False (and nothing added) when the same method and path exist."""
        route = served.route
        if route.path is None or route.method == DEFAULT_ROUTE:
            if self.default_route is not None:
                return False
            self.default_route = served
            return True
        segments = [s for s in route.path.strip("/").split("/") if s]
        pattern = "/" + "/".join(segments)
        entry = self._entries.get(pattern)
        if entry is None:
            entry = self._entries[pattern] = PathEntry(pattern)
            self._insert(segments, entry)
        if route.method in entry.methods:
            return False
        entry.methods[route.method] = served
        return True

    def _insert(self, segments: list[str], entry: PathEntry) -> None:
        node = self.root
        for index, segment in enumerate(segments):
            if segment.startswith("{") and segment.endswith("+}") and index == len(segments) - 1:
                node.greedy.setdefault(segment[1:-2], entry)
                return
            if segment.startswith("{") and segment.endswith("}"):
                node = node.params.setdefault(segment[1:-1], _Node())
            else:
                node = node.literal.setdefault(segment, _Node())
        node.entry = entry

    def candidates(self, parts: list[str]) -> Iterator[tuple[PathEntry, dict[str, str]]]:
        """Entries matching the path, most specific first."""
        return self._walk(self.root, parts, 0, {})

    def _walk(
        self, node: _Node, parts: list[str], index: int, params: dict[str, str]
    ) -> Iterator[tuple[PathEntry, dict[str, str]]]:
        if index == len(parts):
            if node.entry is not None:
                yield node.entry, dict(params)
            return
        segment = parts[index]
        child = node.literal.get(segment)
        if child is not None:
            yield from self._walk(child, parts, index + 1, params)
        if segment:
            for name, param_child in node.params.items():
                params[name] = segment
                yield from self._walk(param_child, parts, index + 1, params)
                del params[name]
            for name, entry in node.greedy.items():
                yield entry, {**params, name: "/".join(parts[index:])}

    def match_resource(self, method: str, parts: list[str]) -> Match | None:
        """REST API semantics: the most specific resource decides: its method, ANY or nothing."""
        for entry, params in self.candidates(parts):
            served = entry.methods.get(method) or entry.methods.get("ANY")
            return Match(served, params) if served else None
        return None

    def match_route(self, method: str, parts: list[str]) -> Match | None:
        """HTTP API semantics: the most specific route for this method, then ``$default``."""
        for entry, params in self.candidates(parts):
            served = entry.methods.get(method) or entry.methods.get("ANY")
            if served is not None:
                return Match(served, params)
        return Match(self.default_route, {}) if self.default_route else None

    def owner_of(self, parts: list[str]) -> Served | None:
        """Any route on this path (for CORS preflight), else the ``$default`` route."""
        for entry, _ in self.candidates(parts):
            return next(iter(entry.methods.values()))
        return self.default_route

    def routes(self) -> list[Served]:
        found = [s for e in self._entries.values() for s in e.methods.values()]
        return found + ([self.default_route] if self.default_route else [])
