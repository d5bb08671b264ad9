"""The news feed interface and the synthetic offline feed.

A feed answers the stories published in a time window, each about one or more symbols
(``NewsFeed.stories(since_ms, until_ms)``), like a newswire. The synthetic feed is
deterministic: time is cut into 15-minute slots, and each slot's stories come from a
``random.Random`` seeded by the slot number, so a window always yields the same stories
however it is cut into ingest runs. Stories favour the curated large caps (as real coverage
does) and use the company names of the seed universe.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from stockflux_market.curated import CURATED
from stockflux_market.universe import DEFAULT_SIZE, SeedSecurity, universe

SLOT_MS = 15 * 60 * 1000


@dataclass(frozen=True)
class Story:
    story_id: str
    symbols: tuple[str, ...]
    title: str
    source: str
    summary: str
    url: str
    time_ms: int

    def as_api(self) -> dict[str, object]:
        return {"title": self.title, "source": self.source, "summary": self.summary,
                "url": self.url, "time": self.time_ms}


class NewsFeed(Protocol):
    name: str

    def stories(self, since_ms: int, until_ms: int) -> Iterator[Story]:
        """Stories published in ``[since_ms, until_ms)``."""
        ...


_SOURCES = ("Reuters", "Bloomberg", "Financial Times", "The Wall Street Journal", "CNBC",
            "MarketWatch", "Les Echos", "Handelsblatt", "Nikkei Asia", "Barron's")
_HEADLINES = (
    ("{name} beats quarterly earnings estimates",
     "{name} ({symbol}) reported results ahead of analysts' expectations, helped by stronger "
     "margins; the shares moved {move}% in early trading."),
    ("{name} shares {verb} after analyst {rating}",
     "An analyst {rating} of {name} sent {symbol} {verb_past} {move}% as investors weighed "
     "the new price target."),
    ("{name} announces share buyback programme",
     "{name} said it would repurchase up to {amount} of its own shares over the next "
     "twelve months."),
    ("{name} names new chief financial officer",
     "{name} appointed a new CFO, effective next quarter; {symbol} was little changed."),
    ("{name} raises full-year guidance",
     "{name} lifted its outlook for the year, citing resilient demand; {symbol} rose {move}%."),
    ("{name} faces regulatory review in Europe",
     "Regulators opened a review of {name}'s recent practices; {symbol} slipped {move}%."),
    ("{name} to acquire rival in {amount} deal",
     "{name} agreed to buy a smaller competitor for {amount}, pending approval."),
    ("{name} cuts costs, plans restructuring",
     "{name} outlined a restructuring plan aimed at savings of {amount} a year."),
)


class SyntheticNewsFeed:
    name = "synthetic"

    def __init__(self, universe_size: int = DEFAULT_SIZE, stories_per_slot: int = 6) -> None:
        self.universe_size = universe_size
        self.stories_per_slot = stories_per_slot

    @cached_property
    def _securities(self) -> tuple[list[SeedSecurity], int]:
        return universe(self.universe_size), min(len(CURATED), self.universe_size)

    def stories(self, since_ms: int, until_ms: int) -> Iterator[Story]:
        first_slot = since_ms // SLOT_MS
        last_slot = (until_ms - 1) // SLOT_MS
        for slot in range(first_slot, last_slot + 1):
            for story in self._slot(slot):
                if since_ms <= story.time_ms < until_ms:
                    yield story

    def _slot(self, slot: int) -> list[Story]:
        securities, curated = self._securities
        digest = hashlib.sha256(f"stockflux-news:{slot}".encode()).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        stories = []
        for index in range(rng.randint(1, self.stories_per_slot)):
            if rng.random() < 0.7 and curated:
                security = securities[rng.randrange(curated)]
            else:
                security = securities[rng.randrange(len(securities))]
            title_template, summary_template = rng.choice(_HEADLINES)
            up = rng.random() < 0.5
            values = {
                "name": security.name, "symbol": security.symbol,
                "move": f"{rng.uniform(0.5, 9.0):.1f}",
                "verb": "rise" if up else "fall", "verb_past": "up" if up else "down",
                "rating": "upgrade" if up else "downgrade",
                "amount": f"${rng.randint(1, 40) * 250} million",
            }
            story_id = hashlib.sha256(f"{slot}:{index}".encode()).hexdigest()[:16]
            stories.append(Story(
                story_id=story_id, symbols=(security.symbol,),
                title=title_template.format(**values),
                source=rng.choice(_SOURCES), summary=summary_template.format(**values),
                url=f"https://news.example.com/stockflux/{story_id}",
                time_ms=slot * SLOT_MS + rng.randrange(SLOT_MS)))
        return stories
