"""OutputCollector: lines cut per invoke at the sentinel, whatever the pipe's chunking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.lambda_.runtime.environment import OutputCollector

SENTINEL = b"\x1efogbank-abc"
LIMIT = 16


def collect(chunks: list[bytes]) -> OutputCollector:
    collector = OutputCollector(SENTINEL, lambda: 7, max_line_bytes=LIMIT)
    for chunk in chunks:
        collector.data_received(chunk)
    return collector


def expected_batches(stream: bytes) -> tuple[list[list[str]], list[str]]:
    batches: list[list[str]] = []
    lines: list[str] = []
    *complete, rest = stream.split(b"\n")
    for raw in complete:
        if raw.endswith(SENTINEL):
            if len(raw) > len(SENTINEL):
                lines.append(raw[: -len(SENTINEL)][:LIMIT].decode("utf-8", "replace"))
            batches.append(lines)
            lines = []
        else:
            lines.append(raw[:LIMIT].decode("utf-8", "replace"))
    if rest:
        lines.append(rest[:LIMIT].decode("utf-8", "replace"))
    return batches, lines


def split_at(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(stream), *(c % (len(stream) + 1) for c in cuts)})
    return [stream[a:b] for a, b in zip(points, points[1:], strict=False)]


PIECES = st.sampled_from([b"a", b"bb", b"\n", b"x" * 40, SENTINEL + b"\n", b"\xc3\xa9",
                          SENTINEL[:4], SENTINEL[4:], b"y" * 15])


@given(st.lists(PIECES, max_size=30), st.lists(st.integers(0, 2000), max_size=10))
def test_any_chunking_gives_the_same_truncated_lines(pieces: list[bytes],
                                                     cuts: list[int]) -> None:
    stream = b"".join(pieces)
    collector = collect(split_at(stream, cuts))
    batches, rest = expected_batches(stream)
    assert [[text for _, text in batch] for batch in collector._batches] == batches
    flat = [text for batch in batches for text in batch]
    assert [text for _, text in collector.drain()] == flat + rest


def test_a_sentinel_after_an_overlong_line_still_cuts_the_batch() -> None:
    collector = collect([b"z" * 100, b"z" * 100 + SENTINEL[:3], SENTINEL[3:] + b"\nnext\n"])
    assert [[text for _, text in batch] for batch in collector._batches] == [["z" * LIMIT]]
    assert collector.drain() == [(7, "z" * LIMIT), (7, "next")]
