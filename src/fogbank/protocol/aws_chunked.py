"""Decoding of ``aws-chunked`` request bodies (S3 streaming uploads with SigV4 chunks).

Format: ``<hex-size>[;chunk-signature=...]\\r\\n<data>\\r\\n`` repeated, ending with a
zero-size chunk and optional trailing headers (flexible checksums).
"""

from __future__ import annotations


def is_aws_chunked(headers: dict[str, str]) -> bool:
    encoding = headers.get("content-encoding", "")
    sha = headers.get("x-amz-content-sha256", "")
    return "aws-chunked" in encoding or sha.startswith("STREAMING-")


def decode_aws_chunked(body: bytes) -> bytes:
    """The payload of an aws-chunked body; raises ``ValueError`` when it is malformed."""
    chunks: list[bytes] = []
    position = 0
    while True:
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            raise ValueError("aws-chunked body ends inside a chunk header")
        size_text = body[position:line_end].split(b";", 1)[0].strip()
        size = int(size_text, 16)
        if size == 0:
            return b"".join(chunks)
        start = line_end + 2
        end = start + size
        if end > len(body):
            raise ValueError("aws-chunked chunk is longer than the body")
        chunks.append(body[start:end])
        position = end + 2 if body[end:end + 2] == b"\r\n" else end
