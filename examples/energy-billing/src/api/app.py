"""HTTP API: a meter's bill for any period, and its half-hours of a day.

- ``GET /meters/{meterId}/bill?from=YYYY-MM-DD&to=YYYY-MM-DD[&fromPeriod=N][&toPeriod=N]``
  — line items and totals from the first half-hour (``fromPeriod``, default 1) of ``from``
  to the last (``toPeriod``, default the day's last) of ``to``, inclusive (``bill.py``).
- ``GET /meters/{meterId}/halfhours?date=YYYY-MM-DD`` — each half-hour of the day at its
  latest revision.

Invalid requests answer 400 with ``{"messages": [...]}`` listing every problem at once.
"""

from __future__ import annotations

import os
from datetime import date
from http import HTTPStatus
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from bill import Tables, compute_bill, half_hours_of_day
from billing.readings import parse_day, valid_mpan
from billing.settlement import Slot, periods_in_day

MAX_BILL_DAYS = 731

logger = Logger()
app = APIGatewayHttpResolver()
tables = Tables(boto3.client("dynamodb"), os.environ["READINGS_TABLE"],
                os.environ["AGGREGATES_TABLE"])


class InvalidRequest(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@app.exception_handler(InvalidRequest)  # type: ignore[untyped-decorator]
def invalid_request(error: InvalidRequest) -> Response[Any]:
    return Response(status_code=HTTPStatus.BAD_REQUEST, content_type=content_types.APPLICATION_JSON,
                    body={"messages": error.messages})


def _meter(meter_id: str, problems: list[str]) -> str:
    if not valid_mpan(meter_id):
        problems.append(f"meterId {meter_id!r} is not a 13-digit MPAN core with a valid check "
                        "digit")
    return meter_id


def _day(name: str, problems: list[str]) -> date | None:
    text = app.current_event.get_query_string_value(name)
    if text is None or text == "":
        problems.append(f"{name} is required (YYYY-MM-DD)")
        return None
    try:
        return parse_day(text)
    except ValueError:
        problems.append(f"{name} {text!r} is not a valid date (YYYY-MM-DD)")
        return None


def _period(name: str, day: date | None, default: int | None, problems: list[str]) -> int:
    text = app.current_event.get_query_string_value(name)
    last = periods_in_day(day) if day else 50
    if text is None:
        return default if default is not None else last
    if not text.isdigit() or not 1 <= int(text) <= last:
        where = f" on {day.isoformat()}" if day else ""
        problems.append(f"{name} {text!r} must be a settlement period from 1 to {last}{where}")
        return 1
    return int(text)


@app.get("/meters/<meter_id>/bill")
def get_bill(meter_id: str) -> dict[str, Any]:
    problems: list[str] = []
    mpan = _meter(meter_id, problems)
    first_day, last_day = _day("from", problems), _day("to", problems)
    first_period = _period("fromPeriod", first_day, 1, problems)
    last_period = _period("toPeriod", last_day, None, problems)
    if first_day and last_day and not problems:
        first, last = Slot(first_day, first_period), Slot(last_day, last_period)
        if last < first:
            problems.append("the period is empty: from (and fromPeriod) must not be after to "
                            "(and toPeriod)")
        elif (last_day - first_day).days + 1 > MAX_BILL_DAYS:
            problems.append(f"a bill covers at most {MAX_BILL_DAYS} days")
    if problems:
        raise InvalidRequest(problems)
    return compute_bill(tables, mpan, Slot(first_day, first_period),  # type: ignore[arg-type]
                        Slot(last_day, last_period))  # type: ignore[arg-type]


@app.get("/meters/<meter_id>/halfhours")
def get_half_hours(meter_id: str) -> dict[str, Any]:
    problems: list[str] = []
    mpan = _meter(meter_id, problems)
    day = _day("date", problems)
    if problems or day is None:
        raise InvalidRequest(problems)
    return half_hours_of_day(tables, mpan, day)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
