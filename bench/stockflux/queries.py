"""A deterministic mix of the queries people type into the StockFlux launcher."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

LAYER = Path(__file__).resolve().parents[2] / "examples" / "stockflux" / "src" / "market_common" \
    / "python"
if str(LAYER) not in sys.path:
    sys.path.insert(0, str(LAYER))

from stockflux_market.text import words  # noqa: E402
from stockflux_market.universe import (  # noqa: E402
    SeedSecurity,
    universe,
)

__all__ = ["KINDS", "Query", "query_mix", "universe"]

KINDS = ("symbol", "symbol prefix", "name prefix", "name word", "two words", "diacritics")


@dataclass(frozen=True)
class Query:
    kind: str
    text: str


def query_mix(count: int, universe_size: int, seed: int = 7) -> list[Query]:
    """``count`` queries, the kinds in turn, over securities of the seeded universe."""
    rng = random.Random(seed)
    securities = universe(universe_size)
    accented = [s for s in securities if not s.name.isascii()]
    mix = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        mix.append(Query(kind, _query(kind, rng.choice(securities), accented, rng)))
    return mix


def _query(kind: str, security: SeedSecurity, accented: list[SeedSecurity],
           rng: random.Random) -> str:
    name_words = [w for w in security.name.replace(",", " ").split() if words(w)]
    if kind == "symbol":
        return str(security.symbol)
    if kind == "symbol prefix":
        return str(security.symbol)[:rng.randint(1, max(1, min(3, len(security.symbol))))]
    if kind == "name prefix":
        return str(name_words[0])[:rng.randint(2, 4)].lower()
    if kind == "name word":
        return str(max(name_words, key=len))
    if kind == "two words":
        return " ".join(w[:rng.randint(3, 5)] for w in name_words[:2])
    chosen = rng.choice(accented).name.split()
    return " ".join(chosen[:2])
