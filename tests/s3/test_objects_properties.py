"""Properties of the pure pieces: the listing walker against a naive model of S3 listing,
the incremental aws-chunked decoder against any split of its input, and byte ranges."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.protocol.aws_chunked import decode_aws_chunked
from fogbank.services.s3.conditions import byte_range
from fogbank.services.s3.errors import InvalidRange
from fogbank.services.s3.listing import walk
from fogbank.services.s3.spool import ChunkedDecoder
from fogbank.services.s3.store import ObjectVersion

keys_strategy = st.lists(st.text(alphabet="ab/é", min_size=1, max_size=6), max_size=25,
                         unique=True)


def _objects(keys: list[str]) -> list[ObjectVersion]:
    ordered = sorted(keys, key=lambda k: k.encode())
    return [ObjectVersion("b", key, "null", True, False, 0, '""', 0.0, "STANDARD", None,
                          row_id=index) for index, key in enumerate(ordered)]


def _naive(keys: list[str], prefix: str, delimiter: str | None) -> list[str]:
    """Every entry of a full listing: keys, and common prefixes (marked with a trailing #)."""
    out: list[str] = []
    for key in sorted(keys, key=lambda k: k.encode()):
        if not key.startswith(prefix):
            continue
        found = key.find(delimiter, len(prefix)) if delimiter else -1
        entry = key[:found + 1] + "#" if found >= 0 else key
        if entry not in out:
            out.append(entry)
    return out


@settings(max_examples=200, deadline=None)
@given(keys=keys_strategy, prefix=st.sampled_from(["", "a", "a/", "b", "é"]),
       delimiter=st.sampled_from([None, "/"]), page=st.integers(min_value=1, max_value=4))
def test_paged_walks_add_up_to_the_full_listing(keys: list[str], prefix: str,
                                                 delimiter: str | None, page: int) -> None:
    objects = _objects(keys)

    def fetch(after: str, _row: int | None, limit: int) -> list[ObjectVersion]:
        found = [o for o in objects if o.key.encode() > after.encode()
                 and o.key.startswith(prefix)]
        return found[:limit]

    seen: list[str] = []
    cursor = ""
    for _ in range(100):
        result = walk(fetch, prefix=prefix, delimiter=delimiter, after=cursor, after_row=None,
                      max_keys=page)
        entries = [o.key for o in result.entries] + [p + "#" for p in result.prefixes]
        assert len(entries) <= page
        seen.extend(sorted(entries, key=lambda e: e.rstrip("#").encode()))
        if not result.truncated:
            break
        cursor = result.cursor
    assert seen == _naive(keys, prefix, delimiter)


def _chunked(payload: bytes, sizes: list[int]) -> bytes:
    out, position = b"", 0
    for size in sizes:
        piece = payload[position:position + size]
        if not piece:
            break
        out += f"{len(piece):x};chunk-signature={'0' * 64}\r\n".encode() + piece + b"\r\n"
        position += len(piece)
    rest = payload[position:]
    if rest:
        out += f"{len(rest):x}\r\n".encode() + rest + b"\r\n"
    return out + b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"


@settings(max_examples=200, deadline=None)
@given(payload=st.binary(max_size=300), sizes=st.lists(st.integers(1, 64), max_size=8),
       cuts=st.lists(st.integers(0, 2000), max_size=10))
def test_incremental_decoding_matches_whole_body_decoding(payload: bytes, sizes: list[int],
                                                           cuts: list[int]) -> None:
    body = _chunked(payload, sizes)
    decoder = ChunkedDecoder()
    decoded = b""
    last = 0
    for cut in sorted(c % (len(body) + 1) for c in cuts) + [len(body)]:
        decoded += b"".join(decoder.feed(body[last:cut]))
        last = cut
    decoder.finish()
    assert decoded == payload == decode_aws_chunked(body)
    assert decoder.trailers == {"x-amz-checksum-crc32": "AAAAAA=="}


@given(size=st.integers(0, 50), first=st.integers(0, 60), last=st.integers(0, 60),
       suffix=st.integers(0, 60))
def test_byte_ranges_stay_inside_the_object(size: int, first: int, last: int,
                                            suffix: int) -> None:
    for header in (f"bytes={first}-{last}", f"bytes={first}-", f"bytes=-{suffix}"):
        try:
            span = byte_range(header, size)
        except InvalidRange:
            continue
        if span is not None:
            assert 0 <= span[0] <= span[1] < size
