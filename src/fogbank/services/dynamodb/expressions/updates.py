"""UpdateExpression: SET / REMOVE / ADD / DELETE clauses parsed into an UpdatePlan (cached).

Grammar (AWS): each clause at most once, in any order; ``SET path = operand [+|- operand]``
where an operand is a path, a ``:value``, ``if_not_exists(path, operand)`` or
``list_append(operand, operand)``; ``REMOVE path``; ``ADD path :value``; ``DELETE path :value``;
actions of a clause separated by commas. No two target paths may overlap or conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.expressions.context import ExpressionContext
from fogbank.services.dynamodb.expressions.nodes import ValueOperand
from fogbank.services.dynamodb.expressions.parser import (
    KNOWN_FUNCTIONS,
    Parser,
    ValueCheck,
)
from fogbank.services.dynamodb.expressions.paths import Path, check_no_overlap, to_text
from fogbank.services.dynamodb.types import type_of

KIND = "UpdateExpression"
CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")
LONG_TYPE_NAMES = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "BOOL": "BOOLEAN",
                   "NULL": "NULL", "M": "MAP", "L": "LIST", "SS": "STRING_SET",
                   "NS": "NUMBER_SET", "BS": "BINARY_SET"}


# --- operands of SET -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UPath:
    path: Path

    def text(self) -> str:
        return to_text(self.path)


@dataclass(frozen=True, slots=True)
class UValue:
    name: str

    def text(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class IfNotExists:
    path: Path
    default: UOperand

    def text(self) -> str:
        return f"if_not_exists({to_text(self.path)}, {self.default.text()})"


@dataclass(frozen=True, slots=True)
class ListAppend:
    first: UOperand
    second: UOperand

    def text(self) -> str:
        return f"list_append({self.first.text()}, {self.second.text()})"


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: str  # "+" or "-"
    left: UOperand
    right: UOperand

    def text(self) -> str:
        return f"{self.left.text()} {self.op} {self.right.text()}"


UOperand = UPath | UValue | IfNotExists | ListAppend | Arithmetic


# --- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetAction:
    path: Path
    operand: UOperand


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True, slots=True)
class AddAction:
    path: Path
    value: str  # placeholder of the value to add


@dataclass(frozen=True, slots=True)
class DeleteAction:
    path: Path
    value: str


Action = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    """The actions of one update, bound to the request's values."""

    actions: tuple[Action, ...]
    values: Mapping[str, Any]

    def target_names(self) -> set[str]:
        """Top-level attributes the update writes (whether or not the value changes)."""
        return {str(action.path[0]) for action in self.actions}

    def target_paths(self) -> list[Path]:
        """The document paths the update writes; ``projection.projection_of_paths`` turns them
        into a Projection for UPDATED_OLD/UPDATED_NEW (AWS returns only the updated parts of
        nested attributes)."""
        return [action.path for action in self.actions]

    def check_keys(self, key_names: set[str] | frozenset[str]) -> None:
        """AWS refuses any action whose target is a key attribute."""
        for action in self.actions:
            if action.path[0] in key_names:
                raise ValidationException(
                    "One or more parameter values were invalid: Cannot update attribute "
                    f"{action.path[0]}. This attribute is part of the key")


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    actions: tuple[Action, ...]
    names_used: frozenset[str]
    values_used: frozenset[str]
    checks: tuple[ValueCheck, ...]


# --- parser ----------------------------------------------------------------------------------


class UpdateParser(Parser):
    def update(self) -> tuple[Action, ...]:
        actions: list[Action] = []
        seen: set[str] = set()
        while self.peek().kind != "EOF":
            token = self.peek()
            clause = token.upper if token.kind == "IDENT" else ""
            if clause not in CLAUSES:
                raise self.syntax_error()
            if clause in seen:
                raise self.error(
                    f'The "{clause}" section can only be used once in an update expression;')
            seen.add(clause)
            self.pos += 1
            while True:
                actions.append(self.action(clause))
                if not self.at_op(","):
                    break
                self.pos += 1
        self.expect_end()
        check_no_overlap(KIND, [action.path for action in actions])
        return tuple(actions)

    def action(self, clause: str) -> Action:
        path = self.path()
        if clause == "SET":
            self.expect_op("=")
            return SetAction(path, self.set_value())
        if clause == "REMOVE":
            return RemoveAction(path)
        if self.peek().kind != "VALUE":
            raise self.syntax_error()
        value = self.value().name
        if clause == "ADD":
            self.check_value_type(value, "ADD", ("N", "SS", "NS", "BS"))
            return AddAction(path, value)
        self.check_value_type(value, "DELETE", ("SS", "NS", "BS"))
        return DeleteAction(path, value)

    def set_value(self) -> UOperand:
        left = self.update_operand()
        token = self.peek()
        if token.kind == "OP" and token.text in ("+", "-"):
            self.pos += 1
            self.operator()
            right = self.update_operand()
            for side in (left, right):
                self.check_operand(token.text, side, ("N",))
            return Arithmetic(token.text, left, right)
        return left

    def argument(self) -> Any:
        return self.update_operand()

    def update_operand(self) -> UOperand:
        token = self.peek()
        if token.kind == "VALUE":
            return UValue(self.value().name)
        if self.at_function():
            name = token.text
            if name not in ("if_not_exists", "list_append"):
                if name in KNOWN_FUNCTIONS:
                    raise self.error(
                        f"The function is not allowed in an update expression; function: {name}")
                raise self.error(f"Invalid function name; function: {name}")
            _, arguments = self.function_arguments()
            self.require_count(name, arguments, 2)
            if name == "if_not_exists":
                if not isinstance(arguments[0], UPath):
                    raise self.error(
                        "Operator or function requires a document path; operator or function: "
                        "if_not_exists")
                return IfNotExists(arguments[0].path, arguments[1])
            for argument in arguments:
                self.check_operand("list_append", argument, ("L",))
            return ListAppend(arguments[0], arguments[1])
        return UPath(self.path())

    def check_operand(self, name: str, operand: Any, allowed: tuple[str, ...]) -> None:
        if isinstance(operand, UValue):
            self.check_operand_type(name, ValueOperand(operand.name), allowed)

    def check_value_type(self, placeholder: str, clause: str, allowed: tuple[str, ...]) -> None:
        error = self.error

        def check(values: Mapping[str, Any]) -> None:
            kind = type_of(values[placeholder])
            if kind not in allowed:
                raise error(
                    "Incorrect operand type for operator or function; operator: "
                    f"{clause}, operand type: {LONG_TYPE_NAMES[kind]}, "
                    f"typeSet: ALLOWED_FOR_{clause}_OPERAND")

        self.checks.append(check)


# A memo of a pure function of (text, names); it holds no request state.
@lru_cache(maxsize=4096)
def parse_update_cached(text: str, names_key: tuple[tuple[str, str], ...]) -> ParsedUpdate:
    parser = UpdateParser(KIND, text, dict(names_key))
    actions = parser.update()
    return ParsedUpdate(actions, frozenset(parser.names_used), frozenset(parser.values_used),
                        tuple(parser.checks))


def parse_update(text: str, ctx: ExpressionContext, *,
                 key_names: set[str] | frozenset[str] | None = None) -> UpdatePlan:
    """Parse an UpdateExpression. With ``key_names`` (the table's key attribute names) an
    action targeting a key raises AWS's "Cannot update attribute ..." error here, before any
    condition is evaluated, as AWS does."""
    parsed = parse_update_cached(text, ctx.names_key)
    ctx.use(KIND, parsed.names_used, parsed.values_used)
    for check in parsed.checks:
        check(ctx.values)
    plan = UpdatePlan(parsed.actions, ctx.values)
    if key_names:
        plan.check_keys(key_names)
    return plan
