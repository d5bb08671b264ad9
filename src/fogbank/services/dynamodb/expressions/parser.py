"""Recursive-descent parser shared by every expression kind: paths, operands, conditions.

Precedence, loosest first (AWS's documented order): OR, AND, NOT, then the comparators,
BETWEEN, IN and functions (non-associative), then parentheses.
The parser records which ``#names`` and ``:values`` it met and, for checks that depend on the
values (BETWEEN bounds, function operand types), closures run when the tree is bound to a
request's values — so the tree itself can be cached across requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.expressions.nodes import (
    And,
    AttributeExists,
    AttributeNotExists,
    AttributeType,
    BeginsWith,
    Between,
    Compare,
    Contains,
    In,
    Node,
    Not,
    Operand,
    Or,
    PathOperand,
    SizeOperand,
    ValueOperand,
)
from fogbank.services.dynamodb.expressions.paths import Path
from fogbank.services.dynamodb.expressions.reserved_words import RESERVED_WORDS
from fogbank.services.dynamodb.expressions.tokens import Token, syntax_error, tokenize
from fogbank.services.dynamodb.types import compare, type_of

ValueCheck = Callable[[Mapping[str, Any]], None]

COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
CONDITION_FUNCTIONS = frozenset(
    {"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"})
UPDATE_FUNCTIONS = frozenset({"if_not_exists", "list_append"})
KNOWN_FUNCTIONS = CONDITION_FUNCTIONS | UPDATE_FUNCTIONS | {"size"}
GRAMMAR_KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
VALID_TYPE_NAMES = frozenset({"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"})
MAX_IN_OPERANDS = 100
MAX_PATH_DEPTH = 32
MAX_EXPRESSION_BYTES = 4096  # measured on the raw text, placeholders unsubstituted
MAX_OPERATORS = 300


def render_value(value: Mapping[str, Any]) -> str:
    """AWS's rendering of an operand in messages: ``AttributeValue: {N:5}``."""
    (kind, payload), = value.items()
    return f"AttributeValue: {{{kind}:{payload}}}"


class Parser:
    """Tokens of one expression plus the names map; methods consume them."""

    def __init__(self, kind: str, text: str, names: Mapping[str, str]) -> None:
        self.kind = kind
        self.text = text
        self.names = names
        self.tokens: list[Token] = tokenize(text)
        self.pos = 0
        self.names_used: set[str] = set()
        self.values_used: set[str] = set()
        self.checks: list[ValueCheck] = []
        self.operators = 0
        size = len(text.encode("utf-8"))
        if size > MAX_EXPRESSION_BYTES:
            raise self.error(
                f"Expression size has exceeded the maximum allowed size; expression size: {size}")
        if not self.tokens[:-1]:
            raise self.error("The expression can not be empty;")

    # --- token helpers -----------------------------------------------------------------------

    def error(self, message: str) -> ValidationException:
        return ValidationException(f"Invalid {self.kind}: {message}")

    def syntax_error(self) -> ValidationException:
        return syntax_error(self.kind, self.text, self.tokens, self.pos)

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != "EOF":
            self.pos += 1
        return token

    def at_op(self, text: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "OP" and token.text == text

    def at_keyword(self, word: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "IDENT" and token.upper == word

    def expect_op(self, text: str) -> None:
        if not self.at_op(text):
            raise self.syntax_error()
        self.pos += 1

    def expect_end(self) -> None:
        if self.peek().kind != "EOF":
            raise self.syntax_error()
        if self.operators > MAX_OPERATORS:
            raise self.error(
                f"The expression contains too many operators; operator count: {self.operators}")

    def operator(self) -> None:
        """Count one operator or function (AWS allows 300 per expression)."""
        self.operators += 1

    def at_function(self) -> bool:
        following = self.peek(1)
        return self.peek().kind == "IDENT" and following.kind == "OP" and following.text == "("

    # --- paths and operands ------------------------------------------------------------------

    def path_element(self) -> str:
        token = self.peek()
        if token.kind == "IDENT":
            if token.upper in GRAMMAR_KEYWORDS:
                raise self.syntax_error()
            if token.upper in RESERVED_WORDS:
                raise self.error(
                    f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
            self.pos += 1
            return token.text
        if token.kind == "NAME":
            if token.text not in self.names:
                raise self.error(
                    "An expression attribute name used in the document path is not defined; "
                    f"attribute name: {token.text}")
            self.names_used.add(token.text)
            self.pos += 1
            return self.names[token.text]
        raise self.syntax_error()

    def path(self) -> Path:
        steps: list[str | int] = [self.path_element()]
        while True:
            if self.at_op("."):
                self.pos += 1
                steps.append(self.path_element())
            elif self.at_op("["):
                self.pos += 1
                token = self.peek()
                if token.kind != "NUMBER":
                    raise self.syntax_error()
                self.pos += 1
                self.expect_op("]")
                steps.append(int(token.text))
            else:
                break
        if len(steps) > MAX_PATH_DEPTH:
            raise self.error(
                "The document path has too many nesting levels; nesting levels: "
                f"{len(steps)}")
        return tuple(steps)

    def value(self) -> ValueOperand:
        token = self.advance()
        self.values_used.add(token.text)
        return ValueOperand(token.text)

    def function_arguments(self) -> tuple[str, list[Any]]:
        """``name(arg, ...)`` with each argument parsed by ``self.argument()``."""
        name = self.advance().text
        self.operator()
        self.expect_op("(")
        arguments: list[Any] = [self.argument()]
        while self.at_op(","):
            self.pos += 1
            arguments.append(self.argument())
        self.expect_op(")")
        return name, arguments

    def argument(self) -> Any:
        return self.operand()

    def require_count(self, name: str, arguments: list[Any], count: int) -> None:
        if len(arguments) != count:
            raise self.error(
                "Incorrect number of operands for operator or function; operator or function: "
                f"{name}, number of operands: {len(arguments)}")

    def require_path(self, name: str, operand: Any) -> Path:
        if not isinstance(operand, PathOperand):
            raise self.error(
                "Operator or function requires a document path; operator or function: "
                f"{name}")
        return operand.path

    def unknown_function(self, name: str) -> ValidationException:
        if name in KNOWN_FUNCTIONS:
            return self.error(
                f"The function is not allowed in a condition expression; function: {name}")
        return self.error(f"Invalid function name; function: {name}")

    def operand(self) -> Operand:
        token = self.peek()
        if token.kind == "VALUE":
            return self.value()
        if self.at_function():
            name = token.text
            if name == "size":
                _, arguments = self.function_arguments()
                self.require_count(name, arguments, 1)
                return SizeOperand(self.require_path(name, arguments[0]))
            if name in CONDITION_FUNCTIONS:
                raise self.error(
                    "The function is not allowed to be used this way in an expression; "
                    f"function: {name}")
            raise self.unknown_function(name)
        return PathOperand(self.path())

    # --- conditions --------------------------------------------------------------------------

    def condition(self) -> Node:
        node = self.conjunction()
        while self.at_keyword("OR"):
            self.pos += 1
            self.operator()
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.at_keyword("AND"):
            self.pos += 1
            self.operator()
            node = And(node, self.negation())
        return node

    def negation(self) -> Node:
        if self.at_keyword("NOT"):
            self.pos += 1
            self.operator()
            return Not(self.negation())
        return self.primary()

    def primary(self) -> Node:
        if self.at_op("("):
            self.pos += 1
            node = self.condition()
            self.expect_op(")")
            return node
        if self.at_function() and self.peek().text in CONDITION_FUNCTIONS:
            name = self.peek().text
            node = self.function_condition()
            following = self.peek()
            if (following.kind == "OP" and following.text in COMPARATORS) or \
                    self.at_keyword("BETWEEN") or self.at_keyword("IN"):
                raise self.error(
                    "The function is not allowed to be used this way in an expression; "
                    f"function: {name}")
            return node
        left = self.operand()
        token = self.peek()
        if token.kind == "OP" and token.text in COMPARATORS:
            self.pos += 1
            self.operator()
            return Compare(token.text, left, self.operand())
        if self.at_keyword("BETWEEN"):
            self.pos += 1
            self.operator()
            low = self.operand()
            if not self.at_keyword("AND"):
                raise self.syntax_error()
            self.pos += 1
            high = self.operand()
            self.check_between(low, high)
            return Between(left, low, high)
        if self.at_keyword("IN"):
            self.pos += 1
            self.operator()
            self.expect_op("(")
            choices = [self.operand()]
            while self.at_op(","):
                self.pos += 1
                choices.append(self.operand())
            self.expect_op(")")
            if len(choices) > MAX_IN_OPERANDS:
                raise self.error(
                    "The IN operator is provided with too many operands; number of operands: "
                    f"{len(choices)}")
            return In(left, tuple(choices))
        if isinstance(left, SizeOperand):
            raise self.error(
                "The function is not allowed to be used this way in an expression; "
                "function: size")
        raise self.syntax_error()

    def function_condition(self) -> Node:
        name, arguments = self.function_arguments()
        if name in ("attribute_exists", "attribute_not_exists"):
            self.require_count(name, arguments, 1)
            path = self.require_path(name, arguments[0])
            return AttributeExists(path) if name == "attribute_exists" else AttributeNotExists(path)
        self.require_count(name, arguments, 2)
        if name == "attribute_type":
            path = self.require_path(name, arguments[0])
            self.check_type_name(arguments[1])
            return AttributeType(path, arguments[1])
        if name == "begins_with":
            for argument in arguments:
                self.check_operand_type(name, argument, ("S", "B"))
            return BeginsWith(arguments[0], arguments[1])
        return Contains(arguments[0], arguments[1])

    # --- value-dependent checks, run when bound to a request's values ------------------------

    def check_operand_type(self, name: str, operand: Any, allowed: tuple[str, ...]) -> None:
        if not isinstance(operand, ValueOperand):
            return
        placeholder, error = operand.name, self.error

        def check(values: Mapping[str, Any]) -> None:
            kind = type_of(values[placeholder])
            if kind not in allowed:
                raise error(
                    "Incorrect operand type for operator or function; operator or function: "
                    f"{name}, operand type: {kind}")

        self.checks.append(check)

    def check_type_name(self, operand: Any) -> None:
        if not isinstance(operand, ValueOperand):
            return
        placeholder, error = operand.name, self.error

        def check(values: Mapping[str, Any]) -> None:
            value = values[placeholder]
            kind = type_of(value)
            if kind != "S":
                raise error(
                    "Incorrect operand type for operator or function; operator or function: "
                    f"attribute_type, operand type: {kind}")
            if value["S"] not in VALID_TYPE_NAMES:
                raise error(
                    f"Invalid attribute type name found; type: {value['S']}, "
                    "valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }")

        self.checks.append(check)

    def check_between(self, low: Operand, high: Operand) -> None:
        if not (isinstance(low, ValueOperand) and isinstance(high, ValueOperand)):
            return
        low_name, high_name, error = low.name, high.name, self.error

        def check(values: Mapping[str, Any]) -> None:
            low_value, high_value = values[low_name], values[high_name]
            bounds = (f"lower bound operand: {render_value(low_value)}, "
                      f"upper bound operand: {render_value(high_value)}")
            if type_of(low_value) != type_of(high_value):
                raise error(
                    "The BETWEEN operator requires same data type for lower and upper bounds; "
                    + bounds)
            order = compare(low_value, high_value)
            if order is not None and order > 0:
                raise error(
                    "The BETWEEN operator requires upper bound to be greater than or equal to "
                    "lower bound; " + bounds)

        self.checks.append(check)
