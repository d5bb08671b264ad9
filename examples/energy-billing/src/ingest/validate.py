"""Validate a readings file line by line and pack the good rows into SQS message bodies.

Bad rows are collected (line number, reason, the row) and never stop the file; a bad header
rejects the file, because no row can be read without it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from billing.readings import RowError, header_problem, parse_row

MAX_REPORTED_ERRORS = 10_000
MAX_BODY_BYTES = 24 * 1024  # ten bodies fit one SendMessageBatch (256 KiB) with room to spare


@dataclass
class FileCheck:
    """What validation found in one file."""

    rows_accepted: int = 0
    rows_rejected: int = 0
    header_error: str | None = None
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # line, reason, row

    def reject(self, line: int, reason: str, row: list[str]) -> None:
        self.rows_rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, reason, ",".join(row)))

    def errors_csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["line", "error", "row"])
        if self.header_error:
            writer.writerow([1, self.header_error, ""])
        writer.writerows(self.errors)
        if self.rows_rejected > len(self.errors):
            writer.writerow(["", f"{self.rows_rejected - len(self.errors)} more rejected rows "
                             "not listed", ""])
        return out.getvalue().encode()


def valid_lines(lines: Iterable[str], check: FileCheck) -> Iterator[str]:
    """The accepted rows of a file, as normalised CSV lines; ``check`` records the rest."""
    rows = csv.reader(lines)
    header = next(rows, None)
    if header is None:
        check.header_error = "the file is empty (no header)"
        return
    check.header_error = header_problem(header)
    if check.header_error:
        return
    seen: set[tuple[str, str, int, int]] = set()
    for row in rows:
        line = rows.line_num
        if not row or row == [""]:
            continue
        try:
            reading = parse_row(row)
        except RowError as error:
            check.reject(line, str(error), row)
            continue
        key = (reading.mpan, reading.day.isoformat(), reading.period, reading.revision)
        if key in seen:
            check.reject(line, "duplicate of an earlier row (same mpan, settlement_date, "
                         "settlement_period and revision)", row)
            continue
        seen.add(key)
        check.rows_accepted += 1
        yield reading.csv_line()


def chunk_bodies(lines: Iterable[str], source: str) -> Iterator[str]:
    """JSON message bodies ``{"source", "chunk", "rows": [...]}`` of at most MAX_BODY_BYTES."""
    chunk, size = 0, 0
    rows: list[str] = []
    overhead = len(json.dumps({"source": source, "chunk": 999_999, "rows": []}))
    for line in lines:
        if rows and overhead + size + len(line) + 4 > MAX_BODY_BYTES:
            yield json.dumps({"source": source, "chunk": chunk, "rows": rows})
            chunk, rows, size = chunk + 1, [], 0
        rows.append(line)
        size += len(line) + 4
    if rows:
        yield json.dumps({"source": source, "chunk": chunk, "rows": rows})
