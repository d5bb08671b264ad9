"""Deterministic sample reading files: the same arguments always give the same bytes.

Consumption follows a daily shape (night base load, morning and evening peaks) varied per
half-hour by a CRC of its key; each revision moves the kWh a little (settlement runs refine
the estimate), and every charge is derived from the kWh and fixed per-half-hour shares, with
VAT at 5 % of the other charges. Used by the tests, the benchmark and the README::

    python examples/energy-billing/generate_sample.py --meters 1 --days 3 --out sample.csv
"""

from __future__ import annotations

import argparse
import io
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from billing.lineitems import CHARGE_CODES
from billing.readings import HEADER, MAX_REVISION, Reading, mpan_check_digit
from billing.settlement import periods_in_day

VAT_RATE = 0.05
# Per charge (except VAT): (pounds per kWh, fixed pounds per half-hour).
_RATES: dict[str, tuple[float, float]] = {
    "energy": (0.145, 0.0), "standing_charge": (0.0, 0.011458), "duos_unit": (0.021, 0.0),
    "duos_fixed": (0.0, 0.0021), "duos_capacity": (0.0, 0.0016), "duos_reactive": (0.0004, 0.0),
    "tnuos": (0.0, 0.0035), "bsuos": (0.0032, 0.0), "losses": (0.0061, 0.0),
    "imbalance": (0.0042, 0.0), "rcrc": (-0.0003, 0.0), "cfd": (0.0024, 0.0),
    "ro": (0.0231, 0.0), "fit": (0.0068, 0.0), "cm": (0.0047, 0.0), "aahedc": (0.00012, 0.0),
    "ccl": (0.00775, 0.0), "eco": (0.0, 0.0009), "whd": (0.0, 0.0004), "bsc": (0.00021, 0.0),
    "dc_da": (0.0, 0.00035), "mop": (0.0, 0.0006), "smart_dcc": (0.0, 0.00045),
    "hedging": (0.0036, 0.0), "credit_risk": (0.0011, 0.0), "operating_cost": (0.0, 0.0052),
    "margin": (0.0075, 0.0), "ofgem_levy": (0.00008, 0.0),
}
_PEAK_PERIODS = range(33, 39)  # 16:00-19:00: the DUoS red band


def sample_mpan(index: int) -> str:
    """The ``index``-th sample meter: a valid 13-digit MPAN core."""
    first_twelve = f"{1900_0000_0000 + index * 7_919:012d}"[-12:]
    return first_twelve + str(mpan_check_digit(first_twelve))


def _kwh(mpan: str, day: date, period: int, revision: int) -> float:
    noise = zlib.crc32(f"{mpan}{day.isoformat()}{period}".encode()) / 0xFFFF_FFFF
    hour = (period - 1) / 2
    shape = 0.18 + (0.35 if 7 <= hour < 9 else 0.0) + (0.55 if 17 <= hour < 21 else 0.0)
    return (shape + 0.25 * noise) * (1 + 0.013 * (revision - 1) * (1 if noise > 0.5 else -1))


def reading(mpan: str, day: date, period: int, revision: int) -> Reading:
    kwh = round(_kwh(mpan, day, period, revision), 3)
    charges: list[float] = []
    for code in CHARGE_CODES[:-1]:
        per_kwh, fixed = _RATES[code]
        if code == "duos_unit" and period in _PEAK_PERIODS:
            per_kwh *= 5
        charges.append(round(kwh * per_kwh + fixed, 5))
    vat = round(sum(charges) * VAT_RATE, 5)
    values = (f"{kwh:.3f}", *(f"{c:.5f}" for c in charges), f"{vat:.5f}")
    return Reading(mpan, day, period, revision, values)


def readings(mpans: Sequence[str], first_day: date, days: int,
             revisions: Iterable[int] = range(1, MAX_REVISION + 1)) -> Iterator[Reading]:
    """Every reading of the meters over the days, revision by revision (as settlement runs
    deliver them: the whole period for revision 1, then revision 2, ...)."""
    for revision in revisions:
        for mpan in mpans:
            for offset in range(days):
                day = first_day + timedelta(days=offset)
                for period in range(1, periods_in_day(day) + 1):
                    yield reading(mpan, day, period, revision)


def write_csv(out: TextIO, rows: Iterable[Reading]) -> int:
    out.write(",".join(HEADER) + "\n")
    count = 0
    for row in rows:
        out.write(row.csv_line() + "\n")
        count += 1
    return count


def csv_bytes(rows: Iterable[Reading]) -> bytes:
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return buffer.getvalue().encode()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meters", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--revisions", type=int, default=1,
                        help="revisions 1..N of every half-hour (default 1)")
    parser.add_argument("--out", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    mpans = [sample_mpan(i) for i in range(args.meters)]
    rows = readings(mpans, args.start, args.days, range(1, args.revisions + 1))
    if args.out is None:
        write_csv(sys.stdout, rows)
    else:
        with args.out.open("w", newline="") as out:
            count = write_csv(out, rows)
        print(f"{count} rows of {', '.join(mpans)} written to {args.out}", file=sys.stderr)
    return 0
