"""Full refresh: the master system writes its whole catalogue (N products) at once.

``python refresh.py --products 100000 [--endpoint-url http://127.0.0.1:4566]`` finds the
stack's tables from its outputs and writes the brands, then every price, then every product,
with BatchWriteItem from several threads (AWS's own client retries throttles; unprocessed
items are resent). Prices go first so that the denormaliser finds each product's price when
the product arrives and writes the model item once. A catalogue written again unchanged
produces no model change and so no delivery: the cascade only carries real changes.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent / "layers" / "common" / "python"))
from product_data import catalogue  # noqa: E402

STACK_NAME = "product-data"
WRITE_THREADS = 4
CHUNK_ITEMS = 1000  # items per thread task (40 BatchWriteItem calls)


def stack_outputs(cloudformation: Any, stack_name: str = STACK_NAME) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def write_items(dynamodb: Any, table_name: str, items: list[dict[str, Any]]) -> int:
    """BatchWriteItem in 25s, resending unprocessed items; the number written."""
    table = dynamodb.Table(table_name)
    with table.batch_writer() as writer:
        for item in items:
            writer.put_item(Item=item)
    return len(items)


def _parallel(dynamodb: Any, table_name: str, items: list[dict[str, Any]],
              threads: int) -> int:
    chunks = [items[i:i + CHUNK_ITEMS] for i in range(0, len(items), CHUNK_ITEMS)]
    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(lambda chunk: write_items(dynamodb, table_name, chunk), chunks))


def refresh(dynamodb: Any, outputs: dict[str, str], products: int,
            per_brand: int = catalogue.DEFAULT_PRODUCTS_PER_BRAND,
            threads: int = WRITE_THREADS) -> dict[str, int]:
    """Write the whole synthetic catalogue of ``products`` products; counts written."""
    written = {"brands": _parallel(dynamodb, outputs["BrandsTableName"],
                                   catalogue.brands(products, per_brand), threads)}
    written["prices"] = _parallel(dynamodb, outputs["PricesTableName"],
                                  [catalogue.price(i) for i in range(products)], threads)
    written["products"] = _parallel(dynamodb, outputs["ProductsTableName"],
                                    catalogue.products(products, per_brand), threads)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--per-brand", type=int, default=catalogue.DEFAULT_PRODUCTS_PER_BRAND)
    parser.add_argument("--endpoint-url", default="http://127.0.0.1:4566",
                        help="AWS endpoint (default: fogbank's edge); '' for real AWS")
    parser.add_argument("--stack", default=STACK_NAME)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args(argv)
    endpoint = args.endpoint_url or None
    local = {"aws_access_key_id": "test", "aws_secret_access_key": "test"} if endpoint else {}
    session = boto3.session.Session(region_name=args.region, **local)
    config = Config(retries={"mode": "standard", "total_max_attempts": 10},
                    max_pool_connections=WRITE_THREADS * 2)
    outputs = stack_outputs(session.client("cloudformation", endpoint_url=endpoint),
                            args.stack)
    dynamodb = session.resource("dynamodb", endpoint_url=endpoint, config=config)
    began = time.perf_counter()
    written = refresh(dynamodb, outputs, args.products, args.per_brand)
    print(f"refresh: wrote {written['brands']} brands, {written['prices']} prices and "
          f"{written['products']} products in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
