"""CloudWatch Logs filter patterns, compiled to a predicate over an event's message.

Supported (the forms people use with FilterLogEvents and ``aws logs tail --filter-pattern``):

- empty pattern: every event matches;
- terms: ``ERROR``, ``"quoted phrase"`` — every term must occur (case-sensitive substring);
  ``-term`` / ``-"phrase"`` excludes events containing it; ``?term ?other`` matches events
  containing any of the ``?`` terms (in addition to every plain term);
- regular expressions: ``%ERROR [0-9]+%`` (Python ``re`` search);
- JSON: ``{ $.field = value }`` with selectors ``$.a.b`` and ``$.a[0]``, operators
  ``= != < > <= >=``, string values quoted or bare with ``*`` wildcards, numbers,
  ``IS TRUE``/``IS FALSE``/``IS NULL``/``NOT EXISTS``, ``&&``, ``||`` and parentheses;
- space-delimited: ``[ip, user, ..., status_code = 4*, bytes > 1000]`` (``space_delimited``).

Not supported (rejected as an invalid pattern rather than silently matching): ``[*]``
selectors in JSON patterns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from fogbank.services.logs.space_delimited import SpaceDelimitedError, compile_space_delimited

Predicate = Callable[[str], bool]

_MISSING = object()


class FilterPatternError(ValueError):
    """The pattern cannot be parsed (AWS answers InvalidParameterException)."""


def compile_filter_pattern(pattern: str | None) -> Predicate:
    text = (pattern or "").strip()
    if not text:
        return lambda message: True
    if text.startswith("{"):
        return _compile_json(text)
    if text.startswith("["):
        try:
            return compile_space_delimited(text)
        except SpaceDelimitedError as exc:
            raise FilterPatternError(str(exc)) from exc
    if len(text) >= 2 and text.startswith("%") and text.endswith("%"):
        try:
            regex = re.compile(text[1:-1])
        except re.error as exc:
            raise FilterPatternError(str(exc)) from exc
        return lambda message: regex.search(message) is not None
    return _compile_terms(text)


# -- term patterns ------------------------------------------------------------------------

_TERM = re.compile(r'([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def _compile_terms(text: str) -> Predicate:
    required: list[str] = []
    excluded: list[str] = []
    optional: list[str] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _TERM.match(text, position)
        if match is None:
            raise FilterPatternError(f"cannot parse filter pattern at {text[position:]!r}")
        sign, quoted, bare = match.groups()
        if bare is not None and '"' in bare:
            raise FilterPatternError("unbalanced quote in filter pattern")
        term: str = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else str(bare)
        {"": required, "-": excluded, "?": optional}[sign].append(term)
        position = match.end()

    def matches(message: str) -> bool:
        if any(term not in message for term in required):
            return False
        if any(term in message for term in excluded):
            return False
        return not optional or any(term in message for term in optional)

    return matches


# -- JSON patterns --------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) | (?P<and>&&) | (?P<or>\|\|)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<selector>\$(?:\.[^\s=!<>()&|\[\]]+|\[\d+\]|\[\*\])*)
      | (?P<word>[^\s=!<>()&|"]+)
    )""",
    re.VERBOSE,
)


def _tokenize(body: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(body):
        if body[position:].strip() == "":
            break
        match = _TOKEN.match(body, position)
        if match is None or match.end() == position:
            raise FilterPatternError(f"cannot parse filter pattern at {body[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _JsonParser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _next_is(self, kind: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == kind

    def take(self, kind: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind is not None and token[0] != kind):
            raise FilterPatternError("unexpected end or token in JSON filter pattern")
        self.index += 1
        return token

    def parse(self) -> Callable[[Any], bool]:
        predicate = self.parse_or()
        leftover = self.peek()
        if leftover is not None:
            raise FilterPatternError(f"unexpected {leftover[1]!r} in JSON filter pattern")
        return predicate

    def parse_or(self) -> Callable[[Any], bool]:
        parts = [self.parse_and()]
        while self._next_is("or"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda doc: any(p(doc) for p in parts))

    def parse_and(self) -> Callable[[Any], bool]:
        parts = [self.parse_unary()]
        while self._next_is("and"):
            self.take()
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else (lambda doc: all(p(doc) for p in parts))

    def parse_unary(self) -> Callable[[Any], bool]:
        token = self.peek()
        if token is not None and token[0] == "lparen":
            self.take()
            inner = self.parse_or()
            self.take("rparen")
            return inner
        return self.parse_comparison()

    def parse_comparison(self) -> Callable[[Any], bool]:
        selector = _parse_selector(self.take("selector")[1])
        token = self.take()
        if token[0] == "word" and token[1].upper() in ("IS", "NOT"):
            keyword = token[1].upper()
            operand = self.take("word")[1].upper()
            return _keyword_test(selector, keyword, operand)
        if token[0] != "op":
            raise FilterPatternError(f"expected an operator, got {token[1]!r}")
        value_kind, raw_value = self.take()
        if value_kind not in ("string", "word"):
            raise FilterPatternError(f"expected a value, got {raw_value!r}")
        return _value_test(selector, token[1], value_kind, raw_value)


def _compile_json(text: str) -> Predicate:
    if not text.endswith("}"):
        raise FilterPatternError("JSON filter pattern must end with '}'")
    predicate = _JsonParser(_tokenize(text[1:-1])).parse()

    def matches(message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False
        return isinstance(document, (dict, list)) and predicate(document)

    return matches


def _parse_selector(text: str) -> list[str | int]:
    if "[*]" in text:
        raise FilterPatternError("[*] selectors are not supported")
    steps: list[str | int] = []
    for match in re.finditer(r"\.([^.\[]+)|\[(\d+)\]", text[1:]):
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
    return steps


def _select(document: Any, steps: list[str | int]) -> Any:
    current = document
    for step in steps:
        if isinstance(step, int):
            if not isinstance(current, list) or step >= len(current):
                return _MISSING
            current = current[step]
        else:
            if not isinstance(current, dict) or step not in current:
                return _MISSING
            current = current[step]
    return current


def _keyword_test(steps: list[str | int], keyword: str, operand: str) -> Callable[[Any], bool]:
    if keyword == "NOT" and operand == "EXISTS":
        return lambda doc: _select(doc, steps) is _MISSING
    if keyword == "IS" and operand in ("TRUE", "FALSE"):
        expected = operand == "TRUE"
        return lambda doc: _select(doc, steps) is expected
    if keyword == "IS" and operand == "NULL":
        return lambda doc: _select(doc, steps) is None
    raise FilterPatternError(f"unsupported test {keyword} {operand}")


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _value_test(steps: list[str | int], op: str, kind: str,
                raw: str) -> Callable[[Any], bool]:
    if kind == "word" and _NUMBER.match(raw):
        number = float(raw)
        compare = _NUMERIC_OPS[op]

        def numeric(doc: Any) -> bool:
            value = _select(doc, steps)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False
            return compare(float(value), number)

        return numeric
    if op not in ("=", "!="):
        raise FilterPatternError(f"operator {op} needs a numeric value")
    text = json.loads(raw) if kind == "string" else raw
    regex = re.compile("".join(".*" if part == "*" else re.escape(part)
                               for part in re.split(r"(\*)", text)) + r"\Z", re.DOTALL)

    def string_test(doc: Any) -> bool:
        value = _select(doc, steps)
        if value is _MISSING or isinstance(value, (dict, list)):
            return False
        as_text = json.dumps(value) if not isinstance(value, str) else value
        if value is None:
            as_text = "null"
        found = regex.match(as_text) is not None
        return found if op == "=" else not found

    return string_test


_NUMERIC_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}
