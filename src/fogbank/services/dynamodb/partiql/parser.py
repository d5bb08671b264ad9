"""PartiQL for DynamoDB: tokens → a small statement tree.

Covers what DynamoDB accepts: ``SELECT * | paths FROM "T"["."Index"] [WHERE ..] [ORDER BY
path [ASC|DESC]]``, ``INSERT INTO "T" VALUE {..}``, ``UPDATE "T" SET p = v [, ..] [SET ..]
[REMOVE p] WHERE ..`` and ``DELETE FROM "T" WHERE ..``; literals (strings, numbers, booleans,
NULL, maps ``{'k': v}``, lists ``[..]``, sets ``<<..>>``) and ``?`` parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<op><=|>=|<>|!=|<<|>>|[=<>(),.\[\]{}:*?+\-;])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
""", re.VERBOSE)

KEYWORDS = {"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "MISSING",
            "NULL", "TRUE", "FALSE", "INSERT", "INTO", "VALUE", "UPDATE", "SET", "REMOVE",
            "DELETE", "ORDER", "BY", "ASC", "DESC", "RETURNING"}


def syntax_error(message: str) -> ValidationException:
    return ValidationException(f"Statement wasn't well formed, can't be processed: {message}")


@dataclass(frozen=True)
class Token:
    kind: str  # "string", "name", "number", "op", "keyword", "end"
    text: str


def tokenize(statement: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(statement):
        match = _TOKEN.match(statement, position)
        if match is None:
            raise syntax_error(f"Unexpected character: {statement[position]!r}")
        position = match.end()
        kind = match.lastgroup
        text = match.group()
        if kind == "ws":
            continue
        if kind == "string":
            tokens.append(Token("string", text[1:-1].replace("''", "'")))
        elif kind == "quoted":
            tokens.append(Token("name", text[1:-1].replace('""', '"')))
        elif kind == "word":
            upper = text.upper()
            tokens.append(Token("keyword", upper) if upper in KEYWORDS else Token("name", text))
        else:
            tokens.append(Token(str(kind), text))
    tokens.append(Token("end", ""))
    return tokens


# -- the tree -------------------------------------------------------------------------------

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Param:
    index: int


@dataclass(frozen=True)
class Literal:
    value: Any  # a Python value: str, Decimal text (as ("N", text)), bool, None, dict, list, set


@dataclass(frozen=True)
class PathRef:
    path: Path


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Binary:
    op: str  # comparison, AND, OR, BETWEEN, IN, +, -
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Unary:
    op: str  # NOT, MISSING, NOT MISSING, NULL, NOT NULL
    arg: Any


@dataclass
class Statement:
    kind: str  # SELECT, INSERT, UPDATE, DELETE
    table: str
    index: str | None = None
    projection: list[Path] | None = None  # None = *
    where: Any = None
    order_desc: bool = False
    value: Any = None  # INSERT
    sets: list[tuple[Path, Any]] = field(default_factory=list)
    removes: list[Path] = field(default_factory=list)
    parameter_count: int = 0


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.position = 0
        self.parameters = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.position]

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> bool:
        if self.token.kind == kind and (text is None or self.token.text == text):
            self.position += 1
            return True
        return False

    def expect(self, kind: str, text: str | None = None) -> Token:
        if self.token.kind == kind and (text is None or self.token.text == text):
            return self.take()
        found = self.token.text or "end of statement"
        raise syntax_error(f"unexpected token {found!r}, expected {text or kind}")

    # -- statements -----------------------------------------------------------------------

    def statement(self) -> Statement:
        word = self.expect("keyword").text
        if word == "SELECT":
            result = self.select()
        elif word == "INSERT":
            self.expect("keyword", "INTO")
            result = Statement("INSERT", self.expect("name").text)
            self.expect("keyword", "VALUE")
            result.value = self.value()
        elif word == "UPDATE":
            result = self.update()
        elif word == "DELETE":
            self.expect("keyword", "FROM")
            result = Statement("DELETE", self.expect("name").text)
            self.expect("keyword", "WHERE")
            result.where = self.condition()
        else:
            raise syntax_error(f"unexpected keyword {word}")
        self.accept("op", ";")
        if self.token.kind != "end":
            raise syntax_error(f"unexpected token {self.token.text!r}")
        result.parameter_count = self.parameters
        return result

    def select(self) -> Statement:
        projection: list[Path] | None = None
        if not self.accept("op", "*"):
            projection = [self.path()]
            while self.accept("op", ","):
                projection.append(self.path())
        self.expect("keyword", "FROM")
        result = Statement("SELECT", self.expect("name").text, projection=projection)
        if self.accept("op", "."):
            result.index = self.expect("name").text
        if self.accept("keyword", "WHERE"):
            result.where = self.condition()
        if self.accept("keyword", "ORDER"):
            self.expect("keyword", "BY")
            self.path()
            if self.accept("keyword", "DESC"):
                result.order_desc = True
            else:
                self.accept("keyword", "ASC")
        return result

    def update(self) -> Statement:
        result = Statement("UPDATE", self.expect("name").text)
        while True:
            if self.accept("keyword", "SET"):
                while True:
                    target = self.path()
                    self.expect("op", "=")
                    result.sets.append((target, self.operand(allow_arithmetic=True)))
                    if not self.accept("op", ","):
                        break
            elif self.accept("keyword", "REMOVE"):
                result.removes.append(self.path())
                while self.accept("op", ","):
                    result.removes.append(self.path())
            else:
                break
        if not result.sets and not result.removes:
            raise syntax_error("UPDATE needs a SET or REMOVE clause")
        self.expect("keyword", "WHERE")
        result.where = self.condition()
        return result

    # -- conditions -----------------------------------------------------------------------

    def condition(self) -> Any:
        left = self.conjunction()
        while self.accept("keyword", "OR"):
            left = Binary("OR", (left, self.conjunction()))
        return left

    def conjunction(self) -> Any:
        left = self.negation()
        while self.accept("keyword", "AND"):
            left = Binary("AND", (left, self.negation()))
        return left

    def negation(self) -> Any:
        if self.accept("keyword", "NOT"):
            return Unary("NOT", self.negation())
        return self.comparison()

    def comparison(self) -> Any:
        if self.token.kind == "op" and self.token.text == "(":
            start = self.position
            self.take()
            try:
                inner = self.condition()
                self.expect("op", ")")
                if not (self.token.kind == "op" and self.token.text in
                        ("=", "<>", "!=", "<", "<=", ">", ">=")):
                    return inner
            except ValidationException:
                pass
            self.position = start
        left = self.operand()
        token = self.token
        if token.kind == "op" and token.text in ("=", "<>", "!=", "<", "<=", ">", ">="):
            self.take()
            op = "<>" if token.text == "!=" else token.text
            return Binary(op, (left, self.operand()))
        if self.accept("keyword", "BETWEEN"):
            low = self.operand()
            self.expect("keyword", "AND")
            return Binary("BETWEEN", (left, low, self.operand()))
        if self.accept("keyword", "IN"):
            closing = "]" if self.accept("op", "[") else (self.expect("op", "(") and ")")
            options = [self.operand()]
            while self.accept("op", ","):
                options.append(self.operand())
            self.expect("op", str(closing))
            return Binary("IN", (left, *options))
        if self.accept("keyword", "IS"):
            negated = self.accept("keyword", "NOT")
            if self.accept("keyword", "MISSING"):
                return Unary("NOT MISSING" if negated else "MISSING", left)
            self.expect("keyword", "NULL")
            return Unary("NOT NULL" if negated else "NULL", left)
        if isinstance(left, Call):
            return left
        raise syntax_error(f"unexpected token {token.text or 'end of statement'!r}")

    def operand(self, allow_arithmetic: bool = False) -> Any:
        token = self.token
        if token.kind == "name" and self.tokens[self.position + 1].text == "(" \
                and self.tokens[self.position + 1].kind == "op":
            name = self.take().text
            self.take()
            args = [self.operand()] if not (self.token.kind == "op" and self.token.text == ")") \
                else []
            while self.accept("op", ","):
                args.append(self.operand())
            self.expect("op", ")")
            return Call(name.lower(), tuple(args))
        result = self.path_or_value()
        if allow_arithmetic and self.token.kind == "op" and self.token.text in ("+", "-"):
            op = self.take().text
            return Binary(op, (result, self.path_or_value()))
        return result

    def path_or_value(self) -> Any:
        if self.token.kind == "name":
            return PathRef(self.path())
        return self.value()

    def path(self) -> Path:
        parts: list[str | int] = [self.expect("name").text]
        while True:
            if self.accept("op", "."):
                parts.append(self.expect("name").text)
            elif self.accept("op", "["):
                parts.append(int(self.expect("number").text))
                self.expect("op", "]")
            else:
                return tuple(parts)

    def value(self) -> Any:
        token = self.take()
        if token.kind == "op" and token.text == "?":
            self.parameters += 1
            return Param(self.parameters - 1)
        if token.kind == "string":
            return Literal(token.text)
        if token.kind == "number":
            return Literal(("N", token.text))
        if token.kind == "keyword" and token.text in ("TRUE", "FALSE"):
            return Literal(token.text == "TRUE")
        if token.kind == "keyword" and token.text == "NULL":
            return Literal(None)
        if token.kind == "op" and token.text == "{":
            members: dict[str, Any] = {}
            if not self.accept("op", "}"):
                while True:
                    key = self.expect("string").text
                    self.expect("op", ":")
                    members[key] = self.value()
                    if self.accept("op", "}"):
                        break
                    self.expect("op", ",")
            return Literal(members)
        if token.kind == "op" and token.text in ("[", "<<"):
            closing = "]" if token.text == "[" else ">>"
            elements: list[Any] = []
            if not self.accept("op", closing):
                while True:
                    elements.append(self.value())
                    if self.accept("op", closing):
                        break
                    self.expect("op", ",")
            return Literal(("SET" if closing == ">>" else "LIST", elements))
        raise syntax_error(f"unexpected token {token.text or 'end of statement'!r}")


def parse(statement: str) -> Statement:
    if not isinstance(statement, str) or not statement.strip():
        raise ValidationException("1 validation error detected: Value null at 'statement' "
                                  "failed to satisfy constraint: Member must not be null")
    return Parser(statement).statement()
