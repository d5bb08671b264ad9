"""Tokenizer for DynamoDB expressions, and AWS's syntax-error message."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.services.dynamodb.errors import ValidationException

# Kinds: IDENT, NAME (#x), VALUE (:x), NUMBER, OP (punctuation/comparators), EOF, BAD.
_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<IDENT>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<NAME>\#[A-Za-z0-9_]+)"
    r"|(?P<VALUE>:[A-Za-z0-9_]+)"
    r"|(?P<NUMBER>[0-9]+)"
    r"|(?P<OP><>|<=|>=|[<>=(),.\[\]+\-])"
    r"|(?P<BAD>.)",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text`` followed by an EOF token; never raises."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "ws" or kind is None:
            continue
        tokens.append(Token(kind, match.group(), match.start(), match.end()))
    tokens.append(Token("EOF", "<EOF>", len(text), len(text)))
    return tokens


def syntax_error(kind: str, text: str, tokens: list[Token], index: int) -> ValidationException:
    """AWS's message: the offending token, and the source from the token before it to the
    token after it (``Syntax error; token: ":", near: "hits : incr"``)."""
    token = tokens[index]
    start = tokens[index - 1].start if index > 0 else token.start
    after = tokens[index + 1] if index + 1 < len(tokens) else token
    end = after.end if after.kind != "EOF" else token.end
    if token.kind == "EOF":
        end = tokens[index - 1].end if index > 0 else len(text)
    near = text[start:end]
    return ValidationException(
        f'Invalid {kind}: Syntax error; token: "{token.text}", near: "{near}"')
