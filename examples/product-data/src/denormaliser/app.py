"""Shadow tables' streams → the internal model table (the cascade's first step).

One function consumes the streams of the three master "shadow" tables; the record's
``eventSourceARN`` says which. Powertools' ``BatchProcessor`` hands over one record at a time
and reports the ones that raised in ``batchItemFailures``, so a poison record (one that does
not validate) fails alone: the mapping retries it, then sends it to the OnFailure dead-letter
queue and the shard moves on.

Every model write is conditional on changing something, and adds 1 to ``version``: a stream
record delivered twice, or a master write that changes nothing, writes nothing, so no change
is published for it.

- product written → the model item gets the product's fields, its brand's name and (only if
  it has none yet: the price's own records own it afterwards) its price.
- brand renamed → every model item of that brand gets the new name: one write, thousands of
  model changes (the flood), made by a small thread pool.
- price written → the model item's price and currency (skipped without a call when the
  model item does not exist yet or already has that price: the batch's model items are read
  first with BatchGetItem).

The common case of a product batch, a full refresh, is written with one TransactWriteItems
of the same conditional updates per batch; if it is cancelled (one product unchanged, say),
its records take the one-by-one path, which tells them apart.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError
from product_data.model import Brand, Price, Product

logger = Logger()
dynamodb = boto3.resource("dynamodb")
PRODUCTS_TABLE = os.environ["PRODUCTS_TABLE"]
BRANDS_TABLE = os.environ["BRANDS_TABLE"]
PRICES_TABLE = os.environ["PRICES_TABLE"]
MODEL_TABLE = os.environ["MODEL_TABLE"]
BRAND_INDEX = "by_brand"
FLOOD_THREADS = 8
TRANSACTION_ITEMS = 100
serializer = TypeSerializer()
model = dynamodb.Table(MODEL_TABLE)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _table_of(record: DynamoDBRecord) -> str:
    # arn:aws:dynamodb:region:account:table/<name>/stream/<label>
    return (record.event_source_arn or "").split(":table/", 1)[-1].split("/", 1)[0]


def _changed(fields: dict[str, Any]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A condition true when any of ``fields`` differs from the stored item."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    parts: list[str] = []
    for index, (name, value) in enumerate(fields.items()):
        names[f"#c{index}"] = name
        values[f":c{index}"] = value
        parts.append(f"attribute_not_exists(#c{index}) OR #c{index} <> :c{index}")
    return " OR ".join(f"({p})" for p in parts), names, values


def _update_params(sku: str, fields: dict[str, Any], cause: str, cause_size: int,
                   guard: str = "", guard_values: dict[str, Any] | None = None,
                   set_if_absent: dict[str, Any] | None = None) -> dict[str, Any]:
    """UpdateItem parameters setting ``fields`` on the model item if that changes it."""
    condition, names, values = _changed(fields)
    assignments = [f"#c{i} = :c{i}" for i in range(len(fields))]
    for index, (name, value) in enumerate((set_if_absent or {}).items()):
        names[f"#a{index}"] = name
        values[f":a{index}"] = value
        assignments.append(f"#a{index} = if_not_exists(#a{index}, :a{index})")
    values.update({":cause": cause, ":size": cause_size, ":now": int(time.time()), ":one": 1,
                   **(guard_values or {})})
    return {"Key": {"sku": sku},
            "UpdateExpression": "SET " + ", ".join(
                [*assignments, "cause = :cause", "cause_size = :size", "updated_at = :now"])
            + " ADD version :one",
            "ConditionExpression": f"({guard}) AND ({condition})" if guard else condition,
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}


def _update(sku: str, fields: dict[str, Any], cause: str, cause_size: int,
            guard: str = "", guard_values: dict[str, Any] | None = None,
            set_if_absent: dict[str, Any] | None = None) -> bool:
    """Set ``fields`` on the model item if that changes it; True when it did."""
    try:
        model.update_item(**_update_params(sku, fields, cause, cause_size, guard,
                                           guard_values, set_if_absent))
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False  # nothing to change (or not this handler's item any more)
        raise
    return True


class Lookups:
    """Brands and prices read once per invocation (not across: a rename must be seen)."""

    def __init__(self) -> None:
        self.brands: dict[str, str | None] = {}
        self.prices: dict[str, dict[str, Any]] = {}
        self.models: dict[str, dict[str, Any]] | None = None  # sku → price, currency

    @staticmethod
    def _batch_get(table: str, skus: list[str], projection: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        wanted = list(dict.fromkeys(skus))
        for start in range(0, len(wanted), 100):
            keys: dict[str, Any] = {table: {
                "Keys": [{"sku": s} for s in wanted[start:start + 100]],
                "ProjectionExpression": projection}}
            while keys:
                result = dynamodb.batch_get_item(RequestItems=keys)
                found.extend(result["Responses"].get(table, []))
                keys = result.get("UnprocessedKeys") or {}
        return found

    def prefetch_prices(self, skus: list[str]) -> None:
        for item in self._batch_get(PRICES_TABLE, skus, "sku, price, currency"):
            self.prices[item["sku"]] = item

    def prefetch_models(self, skus: list[str]) -> None:
        self.models = {item["sku"]: item
                       for item in self._batch_get(MODEL_TABLE, skus, "sku, price, currency")}

    def brand_name(self, brand_id: str) -> str | None:
        if brand_id not in self.brands:
            item = dynamodb.Table(BRANDS_TABLE).get_item(Key={"brand_id": brand_id}).get("Item")
            self.brands[brand_id] = str(item["name"]) if item and item.get("name") else None
        return self.brands[brand_id]


def _product_update(product: Product, lookups: Lookups) -> dict[str, Any]:
    fields: dict[str, Any] = product.model_dump(exclude={"sku"})
    brand_name = lookups.brand_name(product.brand_id)
    if brand_name is not None:
        fields["brand_name"] = brand_name
    price = lookups.prices.get(product.sku)
    absent = {"price": price["price"], "currency": price["currency"]} if price else None
    return _update_params(product.sku, fields, "product", 1, set_if_absent=absent)


def _write_products_together(records: list[dict[str, Any]], lookups: Lookups) -> set[str]:
    """The fast path: sequence numbers of product records written by a committed
    transaction (at most one record per sku; the rest take the one-by-one path)."""
    chosen: dict[str, tuple[str, dict[str, Any]]] = {}
    seen: set[str] = set()
    for raw in records:
        record = DynamoDBRecord(raw)
        if not record.event_name or record.event_name.name == "REMOVE":
            continue
        try:
            product = Product.model_validate(record.dynamodb.new_image)  # type: ignore
        except ValueError:
            continue
        if product.sku in seen:
            chosen.pop(product.sku, None)  # several writes of one product: keep their order
            continue
        seen.add(product.sku)
        chosen[product.sku] = (record.dynamodb.sequence_number,  # type: ignore
                               _product_update(product, lookups))
    done: set[str] = set()
    items = list(chosen.values())
    for start in range(0, len(items), TRANSACTION_ITEMS):
        chunk = items[start:start + TRANSACTION_ITEMS]
        actions = [{"Update": {
            **params, "TableName": MODEL_TABLE,
            "Key": {k: serializer.serialize(v) for k, v in params["Key"].items()},
            "ExpressionAttributeValues": {
                k: serializer.serialize(v)
                for k, v in params["ExpressionAttributeValues"].items()}}}
            for _, params in chunk]
        try:
            dynamodb.meta.client.transact_write_items(TransactItems=actions)
        except ClientError:
            continue
        done.update(sequence for sequence, _ in chunk)
    return done


def _on_product(record: DynamoDBRecord, lookups: Lookups) -> None:
    if record.event_name and record.event_name.name == "REMOVE":
        sku = str((record.dynamodb.keys or {})["sku"])
        try:
            model.delete_item(Key={"sku": sku}, ConditionExpression="attribute_exists(sku)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        return
    product = Product.model_validate(record.dynamodb.new_image)
    try:
        model.update_item(**_product_update(product, lookups))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def _brand_skus(brand_id: str) -> Iterator[str]:
    params: dict[str, Any] = {"IndexName": BRAND_INDEX,
                              "KeyConditionExpression": "brand_id = :b",
                              "ExpressionAttributeValues": {":b": brand_id}}
    while True:
        page = model.query(**params)
        yield from (str(item["sku"]) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _on_brand(record: DynamoDBRecord) -> None:
    if record.event_name and record.event_name.name == "REMOVE":
        return  # products keep the last name they had; a product's brand change moves them
    brand = Brand.model_validate(record.dynamodb.new_image)
    old = record.dynamodb.old_image or {}
    if old.get("name") == brand.name:
        return
    skus = list(_brand_skus(brand.brand_id))
    guard = "attribute_exists(sku) AND brand_id = :brand"
    with ThreadPoolExecutor(FLOOD_THREADS) as pool:
        changed = sum(pool.map(lambda sku: _update(
            sku, {"brand_name": brand.name}, "brand", len(skus), guard,
            {":brand": brand.brand_id}), skus))
    logger.info("brand renamed", extra={"brand_id": brand.brand_id, "products": len(skus),
                                        "changed": changed})


def _on_price(record: DynamoDBRecord, lookups: Lookups) -> None:
    if record.event_name and record.event_name.name == "REMOVE":
        return  # the model keeps its last known price until a new one is written
    price = Price.model_validate(record.dynamodb.new_image)
    if lookups.models is not None:
        known = lookups.models.get(price.sku)
        if known is None or (known.get("price") == price.price
                             and known.get("currency") == price.currency):
            return  # no model item yet (the product brings its price) or nothing to change
    _update(price.sku, {"price": price.price, "currency": price.currency}, "price", 1,
            "attribute_exists(sku)")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    lookups = Lookups()
    records = event.get("Records") or []
    table = records and _table_of(DynamoDBRecord(records[0]))
    skus = [str(DynamoDBRecord(r).dynamodb.keys["sku"])  # type: ignore[index,union-attr]
            for r in records] if table in (PRODUCTS_TABLE, PRICES_TABLE) else []
    if table == PRODUCTS_TABLE:
        lookups.prefetch_prices(skus)
        done = _write_products_together(records, lookups)
        records = [r for r in records if r["dynamodb"]["SequenceNumber"] not in done]
        if not records:
            return {"batchItemFailures": []}
        event = {**event, "Records": records}
    elif table == PRICES_TABLE:
        lookups.prefetch_models(skus)

    def record_handler(record: DynamoDBRecord) -> None:
        source = _table_of(record)
        if source == PRODUCTS_TABLE:
            _on_product(record, lookups)
        elif source == BRANDS_TABLE:
            _on_brand(record)
        elif source == PRICES_TABLE:
            _on_price(record, lookups)
        else:
            raise ValueError(f"record from an unexpected table {source!r}")

    return process_partial_response(event=event, record_handler=record_handler,
                                     processor=processor, context=context)
