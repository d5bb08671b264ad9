"""The internal model and how its changes are described to receivers.

A model item is one product, denormalised: the product's own fields, its brand's name and
its price. Every write that changes it adds 1 to ``version``, so ``sku#version`` names one
state of one product: that is the idempotency key every delivery carries.

A change (one record of the model table's stream) is published to SNS with message
attributes that receivers filter on: ``change_type`` (INSERT/MODIFY/REMOVE),
``changed_fields`` (String.Array), ``category``, ``brand``, ``cause`` (which master table's
write caused it: product, brand or price) and ``change_size`` (how many products that one
master write touched: 1 for a title, thousands for a brand rename).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, field_validator

# Fields of a model item that a change can touch, in a stable order.
MODEL_FIELDS = ("title", "description", "brand_id", "brand_name", "category", "images",
                "price", "currency")
CAUSES = ("product", "brand", "price")


class Product(BaseModel):
    """A product as the master system writes it to the products shadow table."""

    sku: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=500)
    description: str = ""
    brand_id: str = Field(min_length=1)
    category: str = Field(min_length=1, pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)*$")
    images: list[str] = Field(default_factory=list)


class Brand(BaseModel):
    brand_id: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Price(BaseModel):
    sku: str = Field(min_length=1)
    price: Decimal = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")

    @field_validator("price", mode="before")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.replace(".", "", 1).isdigit():
            raise ValueError("price must be a non-negative decimal number")
        return value


def idempotency_key(sku: str, version: int) -> str:
    return f"{sku}#{version}"


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    """Model fields whose value differs between two images (all present ones for an
    insert or a removal)."""
    if old is None or new is None:
        image = new if new is not None else old or {}
        return [f for f in MODEL_FIELDS if image.get(f) is not None]
    return [f for f in MODEL_FIELDS if old.get(f) != new.get(f)]


def plain(value: Any) -> Any:
    """A deserialised DynamoDB value as plain JSON data (Decimal → int or float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [plain(v) for v in value]
    return value


def change_message(change_type: str, old: dict[str, Any] | None,
                   new: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON body of one change: the product's state after it (before it, for a
    removal), plus what changed and the idempotency key."""
    image = plain(new if new is not None else old or {})
    version = int(image.get("version", 0)) + (1 if new is None else 0)
    fields = changed_fields(plain(old) if old else None, image if new is not None else None)
    return {
        "idempotency_key": idempotency_key(image["sku"], version),
        "sku": image["sku"], "version": version, "change_type": change_type,
        "changed_fields": fields, "cause": image.get("cause", "product"),
        "change_size": int(image.get("cause_size", 1)),
        "product": {k: image.get(k) for k in ("sku", *MODEL_FIELDS)},
    }


def message_attributes(message: dict[str, Any]) -> dict[str, dict[str, str]]:
    """SNS message attributes that receivers' filter policies select on."""
    product = message["product"]
    attributes = {
        "change_type": {"DataType": "String", "StringValue": message["change_type"]},
        "changed_fields": {"DataType": "String.Array",
                           "StringValue": json.dumps(message["changed_fields"])},
        "cause": {"DataType": "String", "StringValue": message["cause"]},
        "change_size": {"DataType": "Number", "StringValue": str(message["change_size"])},
        "idempotency_key": {"DataType": "String", "StringValue": message["idempotency_key"]},
    }
    if product.get("category"):
        attributes["category"] = {"DataType": "String", "StringValue": product["category"]}
    if product.get("brand_id"):
        attributes["brand"] = {"DataType": "String", "StringValue": product["brand_id"]}
    return attributes
