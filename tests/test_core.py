"""Core building blocks: identifiers, the document store."""

from __future__ import annotations

import uuid

from fogbank.core.db import Database, Documents
from fogbank.core.ids import Ids


def test_request_ids_are_valid_uuid4_and_repeatable_with_a_seed():
    ids = Ids()
    seen = set()
    for _ in range(2000):
        text = ids.uuid()
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text
        seen.add(text)
    assert len(seen) == 2000
    assert Ids(seed=7).uuid() == Ids(seed=7).uuid()


def test_documents_survive_reopening(tmp_path):
    path = tmp_path / "state" / "docs.db"
    docs = Documents(Database(path))
    docs.put("function", "b", {"n": 2})
    docs.put("function", "a", {"n": 1})
    docs.put("role", "a", {"n": 3})
    docs.put("function", "b", {"n": 22})
    docs.db.close()
    reopened = Documents(Database(path))
    assert reopened.items("function") == [("b", {"n": 22}), ("a", {"n": 1})]
    assert reopened.get("role", "a") == {"n": 3}
    assert reopened.delete("role", "a") and not reopened.delete("role", "a")
    assert reopened.values("function", prefix="a") == [{"n": 1}]


def test_manual_clock_sleepers_wake_in_deadline_order_only_when_advanced():
    import asyncio

    from fogbank.core.clock import ManualClock

    clock = ManualClock()
    woke: list[str] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append(name)

    async def scenario() -> None:
        tasks = [asyncio.create_task(sleeper("late", 60)), asyncio.create_task(sleeper("early", 5))]
        await asyncio.sleep(0.01)
        assert woke == []
        clock.advance(10)
        await asyncio.sleep(0.01)
        assert woke == ["early"]
        clock.advance(50)
        await asyncio.gather(*tasks)
        assert woke == ["early", "late"]
        await clock.sleep_until(clock.now() - 1)  # a deadline in the past returns at once

    asyncio.run(scenario())
