"""The full-text search index of securities: token-prefix items in a DynamoDB table.

Design. A security is searchable by its symbol and by the words of its name (see ``text``).
For every prefix ``p`` (1 to ``PREFIX_CAP`` characters) of every such word the index table
holds ONE item for the security, keyed

    prefix (partition key) = p
    rank   (sort key)      = <class><position><order key>#<securityId>

where ``class`` says how well ``p`` matches that security - 0 the whole symbol, 1 a prefix
of the symbol, 2 a whole name word, 3 a prefix of a name word - ``position`` is the index of
the matched name word (earlier words rank first) and the order key breaks ties (shorter
symbols first; names with fewer words, then alphabetically). So the items of one partition
are stored in rank order, and a one-word query of up to ``PREFIX_CAP`` characters is ONE
``Query`` on ``prefix = word`` with ``Limit`` = the number of results wanted: DynamoDB hands
back exactly the best matches, whatever the size of the universe.

Longer words and multi-word queries (every word must match) read the partition of their
longest word (cut to ``PREFIX_CAP``) with a ``FilterExpression`` of
``contains(wordline, " <word>")`` per word - ``wordline`` is the item's words joined by
spaces with a leading space, so the test is "some word starts with <word>" - and rank the
few matches in the function with the same rank function that built the sort keys.

Each item carries what a result shows (symbol, name, exchange, securityId), so a search
never reads the securities table. The ``search_indexer`` function keeps the index in step
with the securities table's stream: the items of a security are a pure function of its
image, so a change deletes the items of the old image that the new one does not have and
puts the new image's items; a disabled, invisible or deleted security has none. Replaying a
stream record is therefore harmless (at-least-once delivery is fine).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stockflux_market.text import symbol_token, words

PREFIX_CAP = 4  # longest prefix with its own partition
MAX_QUERY_WORDS = 6
ORDER_NAME_CHARS = 48  # of the folded name in the sort key


@dataclass(frozen=True)
class Searchable:
    """What the index knows of one security."""

    security_id: str
    symbol: str
    exchange: str
    name: str

    @property
    def symbol_word(self) -> str:
        return symbol_token(self.symbol)

    @property
    def name_words(self) -> list[str]:
        return words(self.name)

    @property
    def wordline(self) -> str:
        return " " + " ".join([self.symbol_word, *self.name_words]) + " "


def searchable(image: dict[str, Any] | None) -> Searchable | None:
    """The searchable view of a securities-table item (``None`` when it must not be found:
    not a security, disabled or invisible)."""
    if not image or not all(isinstance(image.get(k), str) for k in ("symbol", "name",
                                                                   "exchange", "securityId")):
        return None
    if image.get("enabled") is not True or image.get("visible") is not True:
        return None
    return Searchable(image["securityId"], image["symbol"], image["exchange"], image["name"])


def _match(word: str, symbol_word: str, name_words: list[str]) -> tuple[int, int] | None:
    """(class, position) of the best match of one query word, or ``None``."""
    if word == symbol_word:
        return 0, 0
    if symbol_word.startswith(word):
        return 1, 0
    best: tuple[int, int] | None = None
    for position, name_word in enumerate(name_words):
        if name_word.startswith(word):
            candidate = (2 if name_word == word else 3, min(position, 9))
            if best is None or candidate < best:
                best = candidate
    return best


def rank_key(query_words: list[str], security: Searchable) -> str | None:
    """The sort key of ``security`` for a query (``None`` when some word does not match)."""
    symbol_word, name_words = security.symbol_word, security.name_words
    parts = []
    for word in query_words:
        match = _match(word, symbol_word, name_words)
        if match is None:
            return None
        parts.append(f"{match[0]}{match[1]}")
    if parts[0][0] in "01":
        order = f"{len(symbol_word):02d}{symbol_word}"
    else:
        order = f"{min(len(name_words), 9)}{' '.join(name_words)[:ORDER_NAME_CHARS]}"
    return "".join(parts) + order + "#" + security.security_id


def index_items(security: Searchable | None) -> dict[tuple[str, str], dict[str, Any]]:
    """The index items of a security, by (prefix, rank) key; plain values, not
    AttributeValues."""
    if security is None:
        return {}
    prefixes: set[str] = set()
    for word in [security.symbol_word, *security.name_words]:
        for length in range(1, min(len(word), PREFIX_CAP) + 1):
            prefixes.add(word[:length])
    items = {}
    for prefix in prefixes:
        rank = rank_key([prefix], security)
        if rank is None:  # cannot happen: every prefix comes from a word of the security
            continue
        items[(prefix, rank)] = {
            "prefix": prefix, "rank": rank, "securityId": security.security_id,
            "symbol": security.symbol, "exchange": security.exchange, "name": security.name,
            "wordline": security.wordline,
        }
    return items


@dataclass(frozen=True)
class IndexChanges:
    deletes: list[tuple[str, str]]
    puts: list[dict[str, Any]]


def changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> IndexChanges:
    """What to write to the index when a securities item goes from ``old`` to ``new``."""
    before = searchable(old)
    after = searchable(new)
    if before == after:
        return IndexChanges([], [])
    old_items = index_items(before)
    new_items = index_items(after)
    return IndexChanges([key for key in old_items if key not in new_items],
                        list(new_items.values()))


@dataclass(frozen=True)
class QueryPlan:
    """How to answer a query: one partition, either ranked as stored (``exact``) or
    filtered by every word and ranked in the function."""

    words: list[str]
    partition: str
    exact: bool

    @property
    def filter_words(self) -> list[str]:
        return [] if self.exact else self.words


def plan(query_words: list[str]) -> QueryPlan | None:
    """The plan of a query's normalised words (``None`` for a query without words)."""
    query_words = query_words[:MAX_QUERY_WORDS]
    if not query_words:
        return None
    driver = max(query_words, key=len)
    exact = len(query_words) == 1 and len(driver) <= PREFIX_CAP
    return QueryPlan(query_words, driver[:PREFIX_CAP], exact)


def rank_results(plan_: QueryPlan, items: list[dict[str, Any]], limit: int
                 ) -> list[dict[str, Any]]:
    """The best ``limit`` distinct securities among index items of the plan's partition."""
    ranked: dict[str, tuple[str, dict[str, Any]]] = {}
    for item in items:
        security = Searchable(item["securityId"], item["symbol"], item["exchange"],
                              item["name"])
        rank = item["rank"] if plan_.exact else rank_key(plan_.words, security)
        if rank is None:
            continue
        known = ranked.get(security.security_id)
        if known is None or rank < known[0]:
            ranked[security.security_id] = (rank, item)
    best = sorted(ranked.values(), key=lambda pair: pair[0])[:limit]
    return [{"symbol": item["symbol"], "name": item["name"], "exchange": item["exchange"],
             "securityId": item["securityId"]} for _, item in best]
