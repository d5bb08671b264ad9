"""DynamoDB key design: two tables, both ``pk`` (S) + ``sk`` (S), on demand.

**Readings** hold every revision of every half-hour, one item per meter × half-hour ×
revision, the 30 line items packed in one string attribute (decimals in
``lineitems.CODES`` order)::

    pk = <mpan>    sk = <YYYY-MM-DD>#<period:02>#<revision>    revision (N), lineItems (S)

- One item per half-hour revision, not per line item: a bill always needs all 30 line items
  of a half-hour together, so they are read and written together (one ~0.3 KB item, one
  write unit, instead of 30). A meter-year is 17,520 × 6 = 105,120 items holding the
  3,153,600 data points. Packing them in one attribute rather than 30 number attributes
  keeps the item small and makes a client decode one value per half-hour instead of 30
  typed ones: boto3 spends far longer parsing 288 items of 33 attributes (one day, six
  revisions) than the table takes to answer, so the packed form is what keeps the partial
  days of a bill fast. Nothing queries a single line item across half-hours; the
  aggregates below keep one number attribute per line item.
- Sort keys order by day, then period, then revision, so ``sk BETWEEN <day>#<p1># AND
  <day2>#<p2>#~`` is any range of half-hours down to a single one, and within a half-hour
  the revisions come in ascending order: the last one read is the one that counts. Writes
  are plain idempotent puts (a redelivered chunk rewrites the same items), so they batch
  (BatchWriteItem) and need no conditions; a late-arriving older revision cannot overwrite a
  newer one because each revision has its own item. Earlier revisions stay, as the audit
  trail of settlement runs.

**Aggregates** hold the computed bills and the work queue of the aggregation::

    pk = <mpan>     sk = DAY#<YYYY-MM-DD>     + the 30 totals, halfHours, expectedHalfHours
    pk = <mpan>     sk = MONTH#<YYYY-MM>      + the 30 totals, halfHours, expectedHalfHours, days
    pk = PENDING    sk = <mpan>#<YYYY-MM-DD>  + token   (a day whose readings changed)

A worker writes the PENDING marker of each day it touched after its readings are stored,
with a fresh token. The scheduled aggregation recomputes those days (latest revisions only),
then their months from the day items, and deletes each marker only if its token is still
the one it read — a day that changed meanwhile stays pending for the next run. The bill API
treats a pending day as not aggregated and reads its half-hours instead, so a bill always
reflects the latest revisions. (At a scale of many thousands of meters the single PENDING
partition would be write-sharded, ``PENDING#<n>``; one partition is plenty here.)
"""

from __future__ import annotations

from datetime import date

from billing.settlement import Slot

LINE_ITEMS_ATTRIBUTE = "lineItems"
PENDING_PK = "PENDING"
DAY_PREFIX = "DAY#"
MONTH_PREFIX = "MONTH#"
HIGH = "~"  # sorts after every digit and '#'


def reading_sk(day: date, period: int, revision: int) -> str:
    return f"{day.isoformat()}#{period:02d}#{revision}"


def reading_range(first: Slot, last: Slot) -> tuple[str, str]:
    """The ``BETWEEN`` bounds of every revision of the half-hours ``first``..``last``."""
    return f"{first.key()}#", f"{last.key()}#{HIGH}"


def day_sk(day: date | str) -> str:
    return DAY_PREFIX + (day if isinstance(day, str) else day.isoformat())


def month_sk(month: str) -> str:
    return MONTH_PREFIX + month


def pending_sk(mpan: str, day: date | str) -> str:
    return f"{mpan}#{day if isinstance(day, str) else day.isoformat()}"
