"""ConditionExpression / FilterExpression: parse (cached) and bind to a request's values."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fogbank.services.dynamodb.expressions.context import ExpressionContext
from fogbank.services.dynamodb.expressions.nodes import Condition, Node
from fogbank.services.dynamodb.expressions.parser import Parser, ValueCheck

PARSE_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class ParsedCondition:
    """What the cache holds: the tree, the placeholders it uses, and its value checks."""

    root: Node
    names_used: frozenset[str]
    values_used: frozenset[str]
    checks: tuple[ValueCheck, ...]


# A memo of a pure function of (kind, text, names); it holds no request state.
@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_condition_cached(kind: str, text: str,
                           names_key: tuple[tuple[str, str], ...]) -> ParsedCondition:
    parser = Parser(kind, text, dict(names_key))
    root = parser.condition()
    parser.expect_end()
    return ParsedCondition(root, frozenset(parser.names_used), frozenset(parser.values_used),
                           tuple(parser.checks))


def parse_condition(text: str, ctx: ExpressionContext, *,
                    kind: str = "ConditionExpression") -> Condition:
    """Parse a ConditionExpression (``kind`` names it in errors, e.g. "FilterExpression")."""
    parsed = parse_condition_cached(kind, text, ctx.names_key)
    ctx.use(kind, parsed.names_used, parsed.values_used)
    for check in parsed.checks:
        check(ctx.values)
    return Condition(parsed.root, ctx.values)
