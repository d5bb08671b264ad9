"""BatchWriteItem's puts-only path (one lookup per partition key, one executemany) keeps the
table's statistics and items exactly as item-by-item writes would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.services.dynamodb.types import item_size_bytes


def _put(pk: str, sk: str, payload: str) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"pk": {"S": pk}, "sk": {"S": sk}, "v": {"S": payload}}}}


def test_puts_only_batches_replace_and_count_like_single_writes(
        ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table("S", "S")
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "v": {"S": "x" * 50}})
    batch = [_put("a", "1", "short"), _put("a", "2", "y" * 30), _put("b", "1", ""),
             _put("b", "9", "z" * 10)]
    answer = ddb.batch_write_item(RequestItems={table: batch},
                                  ReturnConsumedCapacity="TOTAL")
    assert answer["UnprocessedItems"] == {}
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0,
                                           "WriteCapacityUnits": 4.0}]
    items = ddb.scan(TableName=table)["Items"]
    assert sorted((i["pk"]["S"], i["sk"]["S"], i["v"]["S"]) for i in items) == [
        ("a", "1", "short"), ("a", "2", "y" * 30), ("b", "1", ""), ("b", "9", "z" * 10)]
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 4
    assert described["TableSizeBytes"] == sum(item_size_bytes(item) for item in items)
    # A batch with a delete takes the item-by-item path; the statistics still agree.
    ddb.batch_write_item(RequestItems={table: [
        {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"S": "2"}}}}, _put("c", "1", "w")]})
    items = ddb.scan(TableName=table)["Items"]
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == len(items) == 4
    assert described["TableSizeBytes"] == sum(item_size_bytes(item) for item in items)
