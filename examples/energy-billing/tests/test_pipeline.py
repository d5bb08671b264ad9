"""The energy-billing app end to end through fogbank: S3 upload → ingest → SQS → workers →
DynamoDB → scheduled aggregation (ManualClock) → HTTP API. A few days of data per meter;
each test uses meters of its own, so the order of the tests does not matter."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

from billing.lineitems import CODES
from billing.readings import HEADER
from billing.sample import csv_bytes, reading, readings, sample_mpan
from billing.settlement import days, periods_in_day
from energy_billing_support import (
    api,
    bill_totals,
    errors_report,
    expected_totals,
    half_hours,
    queue_drained,
    report,
    revisions_are,
    stored_revisions,
    upload,
    wait_for,
)

SCHEDULE_S = 15 * 60  # the template's default AggregationSchedule


def test_an_uploaded_file_becomes_queryable_half_hours(billing_app):
    mpan = sample_mpan(10)
    upload(billing_app, "first.csv", csv_bytes(readings([mpan], date(2026, 3, 1), 2, [1])))
    summary = wait_for(lambda: report(billing_app, "first.csv"), "the ingest report")
    assert summary["status"] == "accepted"
    assert (summary["rowsAccepted"], summary["rowsRejected"]) == (96, 0)
    assert summary["chunks"] >= 1 and summary["errorsReport"] is None
    for day in (date(2026, 3, 1), date(2026, 3, 2)):
        wait_for(revisions_are(billing_app, mpan, day, 1), f"{day} stored")
    first = half_hours(billing_app, mpan, date(2026, 3, 1))
    assert [h["period"] for h in first] == list(range(1, 49))
    expected = reading(mpan, date(2026, 3, 1), 17, 1)
    # DynamoDB normalises numbers (no trailing zeros): compare values, not spellings.
    assert Decimal(first[16]["consumptionKwh"]) == Decimal(expected.values[0])
    assert [Decimal(first[16]["lineItems"][code]) for code in CODES[1:]] == [
        Decimal(v) for v in expected.values[1:]]


def test_a_later_revision_supersedes_and_a_late_older_one_does_not(billing_app):
    mpan, day = sample_mpan(11), date(2026, 4, 7)
    upload(billing_app, "rev1.csv", csv_bytes(readings([mpan], day, 1, [1])))
    wait_for(revisions_are(billing_app, mpan, day, 1), "revision 1")
    upload(billing_app, "rev3.csv", csv_bytes(readings([mpan], day, 1, [3])))
    wait_for(revisions_are(billing_app, mpan, day, 3), "revision 3 to supersede revision 1")
    upload(billing_app, "rev2-late.csv", csv_bytes(readings([mpan], day, 1, [2])))
    wait_for(lambda: stored_revisions(billing_app, mpan, day, 2) == 48, "revision 2 stored")
    found = half_hours(billing_app, mpan, day)
    assert {h["revision"] for h in found} == {3}
    assert Decimal(found[0]["consumptionKwh"]) == Decimal(reading(mpan, day, 1, 3).values[0])
    bill = api(billing_app, f"/meters/{mpan}/bill", **{"from": day.isoformat(),
                                                       "to": day.isoformat()}).json()
    assert bill_totals(bill) == expected_totals(mpan, (day, 1), (day, 48), lambda d: 3)


def test_bad_rows_are_reported_and_the_good_rows_kept(billing_app):
    mpan, autumn = sample_mpan(12), date(2026, 10, 25)  # the 50-period clock-change day
    good = [reading(mpan, autumn, p, 1).csv_line() for p in range(1, 51)]
    bad_period = reading(mpan, date(2026, 3, 29), 1, 1).csv_line().split(",")
    bad_period[2] = "47"  # the spring clock-change day has 46 periods
    bad_number = reading(mpan, autumn, 1, 2).csv_line().split(",")
    bad_number[7] = "12,5"
    bad_mpan = reading(mpan, autumn, 2, 2).csv_line().replace(mpan, "1234567890123")
    lines = [",".join(HEADER), *good[:10], ",".join(bad_period), *good[10:], ",".join(bad_number),
             bad_mpan, good[0], "not,a,row"]
    upload(billing_app, "mixed.csv", ("\n".join(lines) + "\n").encode())
    summary = wait_for(lambda: report(billing_app, "mixed.csv"), "the ingest report")
    assert (summary["rowsAccepted"], summary["rowsRejected"]) == (50, 5)
    errors = list(csv.DictReader(io.StringIO(errors_report(billing_app, "mixed.csv"))))
    assert [int(e["line"]) for e in errors] == [12, 53, 54, 55, 56]
    reasons = [e["error"] for e in errors]
    assert "settlement_period 47 is outside 1-46 for 2026-03-29" in reasons[0]
    assert "expected 34 fields, got 35" in reasons[1]  # "12,5" unquoted is two fields
    assert "mpan '1234567890123'" in reasons[2]
    assert "duplicate" in reasons[3] and "expected 34 fields, got 3" in reasons[4]
    wait_for(revisions_are(billing_app, mpan, autumn, 1), "the 50 good half-hours")

    upload(billing_app, "bad-header.csv", b"meter,date,value\n1,2,3\n")
    rejected = wait_for(lambda: report(billing_app, "bad-header.csv"), "the rejection report")
    assert rejected["status"] == "rejected" and rejected["chunks"] == 0
    assert "missing columns: mpan" in errors_report(billing_app, "bad-header.csv")


def _bill(app, mpan, first, last, first_period=None, last_period=None):
    params = {"from": first.isoformat(), "to": last.isoformat()}
    if first_period:
        params["fromPeriod"] = first_period
    if last_period:
        params["toPeriod"] = last_period
    reply = api(app, f"/meters/{mpan}/bill", **params)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _pending(app, mpan):
    return app.client("dynamodb").query(
        TableName=app.stack.outputs["AggregatesTableName"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :m)",
        ExpressionAttributeValues={":pk": {"S": "PENDING"}, ":m": {"S": mpan}})["Items"]


def test_aggregation_on_the_schedule_and_bills_equal_their_half_hours(billing_app, clock):
    mpan = sample_mpan(13)
    february = (date(2026, 2, 1), date(2026, 2, 28))
    upload(billing_app, "feb.csv", csv_bytes(readings([mpan], february[0], 28, [1])))
    upload(billing_app, "feb-r2.csv", csv_bytes(readings([mpan], date(2026, 2, 10), 3, [2])))
    upload(billing_app, "mar-1.csv", csv_bytes(readings([mpan], date(2026, 3, 1), 1, [1])))
    wait_for(lambda: report(billing_app, "mar-1.csv"), "the ingest reports")
    wait_for(lambda: _bill(billing_app, mpan, february[0], date(2026, 3, 1))["halfHours"][
        "withData"] == 29 * 48 and all(stored_revisions(billing_app, mpan, date(2026, 2, d), 2)
                                       == 48 for d in (10, 11, 12)), "every reading stored")

    def latest(day):
        return 2 if date(2026, 2, 10) <= day <= date(2026, 2, 12) else 1

    before = _bill(billing_app, mpan, *february)
    assert before["sources"] == {"monthAggregates": 0, "dayAggregates": 0,
                                 "halfHourReadings": 28 * 48}
    assert bill_totals(before) == expected_totals(mpan, (february[0], 1), (february[1], 48),
                                                  latest)

    wait_for(lambda: queue_drained(billing_app), "the workers to finish")
    assert _pending(billing_app, mpan)
    clock.advance(SCHEDULE_S + 1)
    wait_for(lambda: not _pending(billing_app, mpan), "the scheduled aggregation")

    month = _bill(billing_app, mpan, *february)
    assert month["sources"] == {"monthAggregates": 1, "dayAggregates": 0, "halfHourReadings": 0}
    assert month["lineItems"] == before["lineItems"] and month["total"] == before["total"]
    assert month["halfHours"] == {"expected": 28 * 48, "withData": 28 * 48}
    assert Decimal(month["total"]) == sum(bill_totals(month)[1:])

    # Whole days from day aggregates, the edges from half-hours, across a month boundary.
    ranges = [((date(2026, 2, 9), 13), (date(2026, 3, 1), 40)),
              ((date(2026, 2, 11), 1), (date(2026, 2, 11), 48)),
              ((date(2026, 2, 11), 5), (date(2026, 2, 11), 5)),
              ((date(2026, 2, 1), 1), (date(2026, 3, 1), 48))]
    for first, last in ranges:
        bill = _bill(billing_app, mpan, first[0], last[0], first[1], last[1])
        assert bill_totals(bill) == expected_totals(mpan, first, last, latest), (first, last)
        by_half_hour = sum(Decimal(h["total"]) for d in days(first[0], last[0])
                           for h in half_hours(billing_app, mpan, d)
                           if first <= (d, h["period"]) <= last)
        assert Decimal(bill["total"]) == by_half_hour, (first, last)
    edges = _bill(billing_app, mpan, date(2026, 2, 9), date(2026, 3, 1), 13, 40)
    assert edges["sources"] == {"monthAggregates": 0, "dayAggregates": 19,
                                "halfHourReadings": 36 + 40}
    both = _bill(billing_app, mpan, date(2026, 2, 1), date(2026, 3, 1))
    assert both["sources"]["monthAggregates"] == 1 and both["sources"]["dayAggregates"] == 1

    # A new revision after aggregation: the day is pending, the bill reads its half-hours
    # at once, and the next run folds it into the day and month aggregates.
    upload(billing_app, "feb-r4.csv", csv_bytes(readings([mpan], date(2026, 2, 20), 1, [4])))
    wait_for(revisions_are(billing_app, mpan, date(2026, 2, 20), 4), "revision 4")

    def latest_now(day):
        return 4 if day == date(2026, 2, 20) else latest(day)

    revised = _bill(billing_app, mpan, *february)
    assert revised["sources"] == {"monthAggregates": 0, "dayAggregates": 27,
                                  "halfHourReadings": 48}
    assert bill_totals(revised) == expected_totals(mpan, (february[0], 1), (february[1], 48),
                                                   latest_now)
    assert revised["total"] != month["total"]
    wait_for(lambda: queue_drained(billing_app), "the workers to finish")
    clock.advance(SCHEDULE_S + 1)
    wait_for(lambda: not _pending(billing_app, mpan), "the next aggregation")
    again = _bill(billing_app, mpan, *february)
    assert again["sources"]["monthAggregates"] == 1
    assert again["lineItems"] == revised["lineItems"]


def test_a_poison_message_ends_in_the_dead_letter_queue(billing_app, clock):
    sqs = billing_app.client("sqs")
    outputs = billing_app.stack.outputs
    sqs.send_message(QueueUrl=outputs["ChunkQueueUrl"], MessageBody="this is not a chunk")
    sqs.send_message(QueueUrl=outputs["ChunkQueueUrl"], MessageBody=json.dumps(
        {"source": "s3://x/y", "chunk": 0, "rows": ["1900000000004,2026-01-01,99,1"]}))

    def dead_letters():
        reply = sqs.receive_message(QueueUrl=outputs["ChunkDeadLetterQueueUrl"],
                                    MaxNumberOfMessages=10, AttributeNames=["All"])
        for message in reply.get("Messages", []):
            found.append(message)
        if len(found) < 2:
            clock.advance(181)  # past the queue's visibility timeout: the next receive
            return False
        return True

    found: list[dict] = []
    wait_for(dead_letters, "both poison messages in the DLQ", timeout_s=90)
    assert sorted(m["Body"][:9] for m in found) == ["this is n", '{"source"']
    assert all(int(m["Attributes"]["ApproximateReceiveCount"]) >= 3 for m in found)


def test_bad_requests_get_400_with_every_problem(billing_app):
    mpan = sample_mpan(10)
    reply = api(billing_app, "/meters/123/bill", **{"from": "2026-02-30"})
    assert reply.status_code == 400
    assert reply.json()["messages"] == [
        "meterId '123' is not a 13-digit MPAN core with a valid check digit",
        "from '2026-02-30' is not a valid date (YYYY-MM-DD)",
        "to is required (YYYY-MM-DD)"]
    reply = api(billing_app, f"/meters/{mpan}/bill", **{"from": "2026-03-02", "to": "2026-03-01"})
    assert reply.status_code == 400 and "must not be after" in reply.json()["messages"][0]
    reply = api(billing_app, f"/meters/{mpan}/bill",
                **{"from": "2026-03-29", "to": "2026-03-29", "toPeriod": "47"})
    assert reply.json()["messages"] == [
        "toPeriod '47' must be a settlement period from 1 to 46 on 2026-03-29"]
    assert api(billing_app, f"/meters/{mpan}/halfhours").status_code == 400
    assert api(billing_app, f"/meters/{mpan}/bill", **{"from": "2024-01-01",
                                                       "to": "2026-12-31"}).status_code == 400
    empty = api(billing_app, f"/meters/{sample_mpan(99)}/bill",
                **{"from": "2026-01-01", "to": "2026-01-31"}).json()
    assert empty["total"] == "0" and empty["halfHours"] == {"expected": 31 * 48, "withData": 0}
    assert periods_in_day(date(2026, 3, 29)) == 46
