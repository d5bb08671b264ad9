"""The whole cascade on fogbank, on a ManualClock: full refresh, a small change, a brand
rename flood, scheduled batched exports, redelivery deduplication and poison records.

The tests of this module share one deployed app and run in order: each builds on the
catalogue the first one wrote (PRODUCTS products in brands of PER_BRAND).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from product_data import catalogue
from product_data_support import Cascade, wait_for
from refresh import refresh

from fogbank.core.clock import ManualClock
from fogbank.testing import RunningApp

PRODUCTS = 120
PER_BRAND = 40
PER_CHANGE = ("search-index", "price-feed", "image-cdn")
SCHEDULES_S = 3600 + 1  # every batched receiver's schedule (the longest is an hour) fires

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def cascade(product_app: RunningApp) -> Cascade:
    cascade = Cascade(product_app)
    written = refresh(cascade.resource, cascade.outputs, PRODUCTS, per_brand=PER_BRAND)
    assert written == {"brands": 3, "prices": PRODUCTS, "products": PRODUCTS}
    return cascade


def electronics(count: int = PRODUCTS) -> set[str]:
    return {p["sku"] for p in catalogue.products(count, PER_BRAND)
            if p["category"].startswith("electronics/")}


def keys(rows: list[dict[str, Any]]) -> list[str]:
    return [str(row["idempotency_key"]) for row in rows]


def fire_schedules(cascade: Cascade, clock: ManualClock, receiver: str,
                   done: Any) -> list[dict[str, Any]]:
    clock.advance(SCHEDULES_S)
    return wait_for(lambda: cascade.export_rows(receiver), done, f"{receiver} exports")


def test_full_refresh_reaches_every_per_change_receiver_once(cascade: Cascade) -> None:
    for receiver in PER_CHANGE:
        inbox = wait_for(lambda r=receiver: cascade.inbox(r), lambda i: len(i) >= PRODUCTS,
                         f"{receiver}'s inbox")
        assert sorted(inbox) == sorted(f"{catalogue.sku(i)}#1" for i in range(PRODUCTS))
    item = cascade.model(catalogue.sku(0))
    assert item is not None and item["version"] == 1 and item["price"] == catalogue.price(0)[
        "price"] and item["brand_name"] == catalogue.brands(PRODUCTS, PER_BRAND)[0]["name"]
    body = json.loads(cascade.inbox("price-feed")[f"{catalogue.sku(0)}#1"]["body"])
    assert body == {"sku": catalogue.sku(0), "price": float(catalogue.price(0)["price"]),
                    "currency": "GBP"}


def test_batched_receivers_export_to_s3_when_their_schedule_fires(
        cascade: Cascade, clock: ManualClock) -> None:
    assert cascade.export_rows("catalogue-archive") == []  # nothing before the schedule
    rows = fire_schedules(cascade, clock, "catalogue-archive", lambda r: len(r) >= PRODUCTS)
    assert sorted(keys(rows)) == sorted(f"{catalogue.sku(i)}#1" for i in range(PRODUCTS))
    assert rows[0]["change_type"] == "INSERT"
    market = wait_for(lambda: cascade.export_rows("marketplace-electronics"),
                      lambda r: len(r) >= len(electronics()), "marketplace exports")
    assert {row["sku"] for row in market} == electronics()
    assert cascade.export_rows("brand-portal") == []  # no brand-level change yet


def test_a_title_change_reaches_only_the_receivers_whose_filter_matches(
        cascade: Cascade, clock: ManualClock) -> None:
    sku = catalogue.sku(5)
    product = {**catalogue.product(5, PER_BRAND), "title": "Renamed kettle"}
    cascade.table("ProductsTableName").put_item(Item=product)
    key = f"{sku}#2"
    inbox = wait_for(lambda: cascade.inbox("search-index"), lambda i: key in i,
                     "the title change in search-index")
    assert json.loads(inbox[key]["body"])["title"] == "Renamed kettle"
    rows = fire_schedules(cascade, clock, "catalogue-archive", lambda r: key in keys(r))
    assert [r["changed_fields"] for r in rows if r["idempotency_key"] == key] == ["title"]
    # The per-change receivers without a match got nothing, the batched ones neither.
    assert key not in cascade.inbox("price-feed") and key not in cascade.inbox("image-cdn")
    assert key not in keys(cascade.export_rows("brand-portal"))
    assert (key in keys(cascade.export_rows("marketplace-electronics"))) == (
        sku in electronics())


def test_a_brand_rename_floods_every_product_of_the_brand(
        cascade: Cascade, clock: ManualClock) -> None:
    brand = catalogue.brands(PRODUCTS, PER_BRAND)[1]
    skus = {p["sku"] for p in catalogue.products(PRODUCTS, PER_BRAND)
            if p["brand_id"] == brand["brand_id"]}
    cascade.table("BrandsTableName").put_item(Item={**brand, "name": "Helio Global"})
    renamed = wait_for(
        lambda: {k: v for k, v in cascade.inbox("search-index").items()
                 if k.split("#")[0] in skus and "Helio Global" in v["body"]},
        lambda found: len(found) >= len(skus), "the rename in search-index")
    assert {k.split("#")[0] for k in renamed} == skus  # one write, PER_BRAND deliveries
    portal = fire_schedules(cascade, clock, "brand-portal", lambda r: len(r) >= len(skus))
    assert {row["sku"] for row in portal} == skus
    assert {row["brand_name"] for row in portal} == {"Helio Global"}
    assert not any(k.split("#")[0] in skus and not k.endswith("#1")
                   for k in cascade.inbox("price-feed"))  # prices did not change


def test_redelivered_changes_are_deduplicated(cascade: Cascade, clock: ManualClock) -> None:
    # Unchanged master data writes no model version: nothing is published again.
    cascade.table("ProductsTableName").put_item(Item=catalogue.product(7, PER_BRAND))
    # At-least-once redelivery: the same change sent to a per-change and a batched queue.
    key = f"{catalogue.sku(7)}#1"
    original = cascade.inbox("search-index")[key]
    message = {
        "idempotency_key": key, "sku": catalogue.sku(7), "version": 1,
        "change_type": "INSERT", "changed_fields": ["title"], "cause": "product",
        "change_size": 1, "product": {**catalogue.product(7, PER_BRAND), "price": 1}}
    for receiver in ("search-index", "catalogue-archive"):
        cascade.sqs.send_message(QueueUrl=cascade.queue_url(receiver),
                                 MessageBody=json.dumps(message))
    inbox = wait_for(lambda: cascade.inbox("search-index"),
                     lambda i: i[key].get("duplicates_dropped") == 1, "the duplicate drop")
    assert inbox[key]["body"] == original["body"] and inbox[key]["version"] == 1
    clock.advance(SCHEDULES_S)
    wait_for(lambda: cascade.queue_messages(cascade.queue_url("catalogue-archive")),
             lambda left: left == [], "the archive queue to drain")
    assert keys(cascade.export_rows("catalogue-archive")).count(key) == 1
    assert cascade.model(catalogue.sku(7))["version"] == 1  # type: ignore[index]


def test_a_poison_record_ends_in_a_dead_letter_queue_without_blocking(
        cascade: Cascade, clock: ManualClock) -> None:
    products = cascade.table("ProductsTableName")
    products.put_item(Item={**catalogue.product(PRODUCTS, PER_BRAND),
                            "category": "Not A Category!"})
    products.put_item(Item=catalogue.product(PRODUCTS + 1, PER_BRAND))
    # The record after the poison one goes through at once.
    wait_for(lambda: cascade.model(catalogue.sku(PRODUCTS + 1)), lambda item: item is not None,
             "the product after the poison one")
    dlq = cascade.outputs["CascadeDeadLetterQueueUrl"]
    failures = wait_for(lambda: cascade.queue_messages(dlq), bool,
                        "the poison record's OnFailure record", clock=clock, advance_s=5)
    info = json.loads(failures[0]["Body"])
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert "DDBStreamBatchInfo" in info
    assert cascade.model(catalogue.sku(PRODUCTS)) is None
    # A receiver's poison message goes to that receiver's dead-letter queue after 3 receives.
    cascade.sqs.send_message(QueueUrl=cascade.queue_url("price-feed"),
                             MessageBody="this is not a change")
    dead = wait_for(lambda: cascade.queue_messages(cascade.queue_url("price-feed-dlq")), bool,
                    "price-feed's dead-letter queue", clock=clock, advance_s=120)
    assert dead[0]["Body"] == "this is not a change"
