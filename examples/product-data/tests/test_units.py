"""The app's pure parts: receivers config, the generated template, change descriptions and
which receivers a change reaches (judged by fogbank's SNS filter-policy engine, the same
policies the template subscribes with)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from product_data import catalogue
from product_data.model import change_message, changed_fields, message_attributes
from product_data.receivers import load, receiver_of_queue

from fogbank.services.sns.filter_policy import compile_policy

APP_DIR = Path(__file__).resolve().parent.parent


def reached(message: dict) -> set[str]:
    attributes = message_attributes(message)
    return {r.name for r in load() if not r.filter_policy or compile_policy(
        json.dumps(r.filter_policy), "MessageAttributes").matches(attributes, "{}")}


def model_item(**changes: object) -> dict:
    item = {"sku": "SKU-1", "version": Decimal(1), "title": "Kettle", "description": "d",
            "brand_id": "B1", "brand_name": "Acme", "category": "home/kitchen",
            "images": ["a.jpg"], "price": Decimal("9.99"), "currency": "GBP",
            "cause": "product", "cause_size": Decimal(1)}
    return {**item, **changes}


def test_the_template_is_generated_from_the_receivers_config() -> None:
    import generate_receivers

    assert generate_receivers.main(["--check"]) == 0
    text = (APP_DIR / "template.yaml").read_text()
    for receiver in load():
        assert f"-rcv-{receiver.name}" in text


def test_at_least_five_receivers_of_both_modes_and_formats() -> None:
    receivers = load()
    assert len(receivers) >= 5
    assert {r.mode for r in receivers} == {"per-change", "batched"}
    assert {r.format for r in receivers} == {"json", "csv"}


def test_a_bad_config_names_every_problem(tmp_path: Path) -> None:
    config = tmp_path / "receivers.json"
    config.write_text(json.dumps({"receivers": [
        {"name": "a b", "mode": "sometimes", "format": "xml", "fields": []}]}))
    with pytest.raises(ValueError) as raised:
        load(config)
    for words in ("name must", "mode must", "format must", "fields must"):
        assert words in str(raised.value)


def test_a_title_change_reaches_few_receivers() -> None:
    old, new = model_item(), model_item(title="Kettle 2", version=Decimal(2))
    message = change_message("MODIFY", old, new)
    assert message["changed_fields"] == ["title"]
    assert message["idempotency_key"] == "SKU-1#2"
    assert reached(message) == {"search-index", "catalogue-archive"}


def test_a_brand_rename_reaches_brand_receivers() -> None:
    new = model_item(brand_name="Acme Global", version=Decimal(2), cause="brand",
                     cause_size=Decimal(3000), category="electronics/audio")
    message = change_message("MODIFY", model_item(category="electronics/audio"), new)
    assert message["change_size"] == 3000
    assert reached(message) == {"search-index", "brand-portal", "marketplace-electronics",
                                "catalogue-archive"}


def test_an_insert_lists_every_field_and_a_removal_gets_the_next_version() -> None:
    assert changed_fields(None, model_item()) == ["title", "description", "brand_id",
                                                  "brand_name", "category", "images",
                                                  "price", "currency"]
    removal = change_message("REMOVE", model_item(version=Decimal(4)), None)
    assert removal["idempotency_key"] == "SKU-1#5"
    assert "image-cdn" not in reached(removal)


def test_queue_names_carry_the_receiver() -> None:
    assert receiver_of_queue(
        "arn:aws:sqs:us-east-1:000000000000:my-rcv-stack-rcv-price-feed") == "price-feed"


def test_the_catalogue_is_deterministic() -> None:
    assert catalogue.products(50, per_brand=10) == catalogue.products(50, per_brand=10)
    assert len({p["brand_id"] for p in catalogue.products(50, per_brand=10)}) == 5
    assert catalogue.price(3) == catalogue.price(3)
