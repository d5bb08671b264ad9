"""The billing layer on its own: settlement calendar, MPANs, row validation, the sample
generator and the ingest chunking (no cloud)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from billing import keys
from billing.lineitems import CODES
from billing.readings import HEADER, RowError, header_problem, parse_row, valid_mpan
from billing.sample import csv_bytes, reading, readings, sample_mpan
from billing.settlement import Slot, days, periods_in_day

SRC = Path(__file__).resolve().parent.parent / "src"


def load_validate():
    spec = importlib.util.spec_from_file_location("eb_validate", SRC / "ingest" / "validate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eb_validate"] = module
    spec.loader.exec_module(module)
    return module


def test_clock_change_days_have_46_and_50_periods_and_a_year_has_17520():
    assert periods_in_day(date(2026, 3, 29)) == 46
    assert periods_in_day(date(2026, 10, 25)) == 50
    assert periods_in_day(date(2025, 3, 30)) == 46 and periods_in_day(date(2025, 10, 26)) == 50
    assert periods_in_day(date(2026, 3, 28)) == 48
    assert sum(periods_in_day(d) for d in days(date(2026, 1, 1), date(2026, 12, 31))) == 17_520


def test_thirty_line_items_and_mpan_check_digits():
    assert len(CODES) == 30 and len(set(CODES)) == 30
    mpan = sample_mpan(3)
    assert valid_mpan(mpan)
    assert not valid_mpan(mpan[:12] + str((int(mpan[12]) + 1) % 10))
    assert not valid_mpan("12345") and not valid_mpan("x" * 13)


def test_rows_are_validated_field_by_field():
    good = reading(sample_mpan(0), date(2026, 10, 25), 50, 6)
    assert parse_row(good.csv_line().split(",")) == good
    cases = [  # (fields to change by index, the start of the error)
        ({2: "49"}, "settlement_period 49 is outside 1-48"),
        ({1: "2026-03-29", 2: "47"}, "settlement_period 47 is outside 1-46"),
        ({1: "2026-02-30"}, "settlement_date '2026-02-30' is not a date"),
        ({3: "7"}, "revision '7' is not a whole number from 1 to 6"),
        ({5: "abc"}, "energy 'abc' is not a decimal"),
        ({0: "1900000000005"}, "mpan '1900000000005' is not a 13-digit MPAN"),
    ]
    for changes, message in cases:
        fields = reading(sample_mpan(0), date(2026, 3, 1), 1, 1).csv_line().split(",")
        for index, value in changes.items():
            fields[index] = value
        with pytest.raises(RowError, match=message):
            parse_row(fields)
    with pytest.raises(RowError, match="expected 34 fields"):
        parse_row(["1"])
    assert header_problem(list(HEADER)) is None
    assert "missing columns: vat" in header_problem(list(HEADER[:-1]))
    assert "out of order" in header_problem([*HEADER[1:], HEADER[0]])


def test_sample_files_are_deterministic_and_revisions_differ():
    mpan = sample_mpan(0)
    first = csv_bytes(readings([mpan], date(2026, 3, 1), 2, range(1, 3)))
    assert first == csv_bytes(readings([mpan], date(2026, 3, 1), 2, range(1, 3)))
    rows = list(csv.reader(io.StringIO(first.decode())))
    assert tuple(rows[0]) == HEADER and len(rows) == 1 + 2 * 48 * 2
    assert reading(mpan, date(2026, 3, 1), 1, 1).values != reading(mpan, date(2026, 3, 1), 1,
                                                                   2).values


def test_reading_keys_sort_by_day_period_revision():
    sks = [keys.reading_sk(date(2026, 3, d), p, r) for d in (1, 2) for p in (1, 10) for r in
           (1, 6)]
    assert sks == sorted(sks)
    low, high = keys.reading_range(Slot(date(2026, 3, 1), 10), Slot(date(2026, 3, 1), 10))
    assert low < keys.reading_sk(date(2026, 3, 1), 10, 1) < keys.reading_sk(
        date(2026, 3, 1), 10, 6) < high
    assert not low <= keys.reading_sk(date(2026, 3, 1), 11, 1) <= high


def test_ingest_chunks_fit_a_send_batch_and_keep_every_row():
    validate = load_validate()
    text = csv_bytes(readings([sample_mpan(0)], date(2026, 3, 1), 7, range(1, 3))).decode()
    check = validate.FileCheck()
    bodies = list(validate.chunk_bodies(
        validate.valid_lines(io.StringIO(text), check), "s3://b/k"))
    assert check.rows_accepted == 7 * 48 * 2 and check.rows_rejected == 0
    assert all(len(body) <= validate.MAX_BODY_BYTES for body in bodies)
    assert sum(len(json.loads(b)["rows"]) for b in bodies) == 7 * 48 * 2
    assert [json.loads(b)["chunk"] for b in bodies] == list(range(len(bodies)))


def test_sample_charges_add_up_with_vat():
    values = [Decimal(v) for v in reading(sample_mpan(1), date(2026, 1, 5), 35, 1).values]
    charges_before_vat = sum(values[1:-1])
    assert abs(values[-1] - charges_before_vat * Decimal("0.05")) < Decimal("0.00001")
