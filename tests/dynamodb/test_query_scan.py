"""Query and Scan: order, pagination, Limit vs filter, the 1 MB page, Select, indexes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.dynamodb.test_tables import error_of

NUMBERS = ["-1000", "-2.5", "-2", "-0.001", "0", "0.001", "1", "1.5", "2", "10", "1e20", "99"]


def keys_of(items, name="sk"):
    return [next(iter(item[name].values())) for item in items]


def all_pages(call, **kwargs):
    items, pages = [], 0
    while True:
        page = call(**kwargs)
        pages += 1
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items, pages
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_number_sort_keys_query_in_numeric_order(ddb, make_table):
    table = make_table("S", "N")
    for number in NUMBERS:
        ddb.put_item(TableName=table, Item={"pk": {"S": "n"}, "sk": {"N": number}})
    query = {"TableName": table, "KeyConditionExpression": "pk = :p",
             "ExpressionAttributeValues": {":p": {"S": "n"}}}
    expected = sorted(NUMBERS, key=Decimal)
    got = keys_of(ddb.query(**query)["Items"])
    assert [Decimal(n) for n in got] == [Decimal(n) for n in expected]
    backwards = keys_of(ddb.query(**query, ScanIndexForward=False)["Items"])
    assert backwards == got[::-1]
    between = ddb.query(TableName=table, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                        ExpressionAttributeValues={":p": {"S": "n"}, ":a": {"N": "-2"},
                                                   ":b": {"N": "1.5"}})
    assert [Decimal(n) for n in keys_of(between["Items"])] == [
        Decimal(n) for n in expected if Decimal("-2") <= Decimal(n) <= Decimal("1.5")]


def test_binary_and_string_order(ddb, make_table):
    table = make_table("S", "B")
    blobs = [b"\xff", b"\x00", b"\x7f\x01", b"\x7f", b"a"]
    for blob in blobs:
        ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "sk": {"B": blob}})
    got = keys_of(ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": {"S": "b"}})["Items"])
    assert got == sorted(blobs)
    strings_table = make_table("S", "S")
    words = ["é", "z", "Z", "a", "ab", "\U0001f600", "\uffff"]
    for word in words:
        ddb.put_item(TableName=strings_table, Item={"pk": {"S": "s"}, "sk": {"S": word}})
    got = keys_of(ddb.query(TableName=strings_table, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": {"S": "s"}})["Items"])
    assert got == sorted(words, key=lambda w: w.encode("utf-8"))
    prefixed = ddb.query(TableName=strings_table,
                         KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
                         ExpressionAttributeValues={":p": {"S": "s"}, ":a": {"S": "a"}})
    assert keys_of(prefixed["Items"]) == ["a", "ab"]


@pytest.fixture(scope="module")
def filled(ddb, make_table) -> str:
    table = make_table("S", "N")
    requests = [{"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(i)},
                                         "even": {"BOOL": i % 2 == 0}, "pad": {"S": "x" * 10}}}}
                for i in range(50)]
    for start in range(0, 50, 25):
        ddb.batch_write_item(RequestItems={table: requests[start:start + 25]})
    return table


def test_limit_and_exclusive_start_key(ddb, filled):
    items, pages = all_pages(ddb.query, TableName=filled, KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"S": "p"}}, Limit=7)
    assert [int(n) for n in keys_of(items)] == list(range(50))
    assert pages == 8  # 7 full pages and a last page of 1, as Limit reached returns a LEK
    page = ddb.query(TableName=filled, KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "p"}}, Limit=3)
    assert page["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "2"}}


def test_start_key_outside_the_key_condition(ddb, filled):
    code, message = error_of(ddb.query, TableName=filled, KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"S": "p"}},
                             ExclusiveStartKey={"pk": {"S": "other"}, "sk": {"N": "1"}})
    assert message == ("The provided starting key is outside query boundaries based on "
                       "provided conditions")
    code, message = error_of(ddb.query, TableName=filled,
                             KeyConditionExpression="pk = :p AND sk > :n",
                             ExpressionAttributeValues={":p": {"S": "p"}, ":n": {"N": "10"}},
                             ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "3"}})
    assert code == "ValidationException"


def test_filter_applies_after_limit(ddb, filled):
    page = ddb.query(TableName=filled, KeyConditionExpression="pk = :p",
                     FilterExpression="even = :t",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":t": {"BOOL": True}}, Limit=5)
    assert page["ScannedCount"] == 5 and page["Count"] == 3
    assert keys_of(page["Items"]) == ["0", "2", "4"]


def test_select_count_and_projection(ddb, filled):
    counted = ddb.query(TableName=filled, KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "p"}}, Select="COUNT")
    assert counted["Count"] == 50 and "Items" not in counted
    projected = ddb.query(TableName=filled, KeyConditionExpression="pk = :p AND sk < :n",
                          ExpressionAttributeValues={":p": {"S": "p"}, ":n": {"N": "2"}},
                          ProjectionExpression="sk, #e", ExpressionAttributeNames={"#e": "even"})
    assert projected["Items"] == [{"sk": {"N": "0"}, "even": {"BOOL": True}},
                                  {"sk": {"N": "1"}, "even": {"BOOL": False}}]
    code, message = error_of(ddb.query, TableName=filled, KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"S": "p"}},
                             Select="ALL_PROJECTED_ATTRIBUTES")
    assert code == "ValidationException"


def test_one_megabyte_page(ddb, make_table):
    table = make_table("S", "N")
    blob = "x" * (100 * 1024)
    for i in range(15):
        ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "sk": {"N": str(i)},
                                            "v": {"S": blob}})
    first = ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "big"}})
    assert 9 <= first["Count"] <= 11 and "LastEvaluatedKey" in first
    items, pages = all_pages(ddb.scan, TableName=table)
    assert len(items) == 15 and pages == 2


def test_scan_pagination_and_parallel_segments(ddb, make_table):
    table = make_table("S")
    for i in range(40):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
    items, _ = all_pages(ddb.scan, TableName=table, Limit=6)
    assert sorted(keys_of(items, "pk")) == sorted(f"k{i}" for i in range(40))
    parts = [all_pages(ddb.scan, TableName=table, Segment=s, TotalSegments=4)[0]
             for s in range(4)]
    assert sorted(k for part in parts for k in keys_of(part, "pk")) == sorted(
        f"k{i}" for i in range(40))
    assert sum(1 for part in parts if part) >= 2
    code, message = error_of(ddb.scan, TableName=table, Segment=4, TotalSegments=4)
    assert code == "ValidationException"


@pytest.fixture(scope="module")
def indexed(ddb, make_table) -> str:
    table = make_table(
        "S", "N",
        extra_definitions=[{"AttributeName": "g", "AttributeType": "S"},
                           {"AttributeName": "rank", "AttributeType": "N"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "keys", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                {"AttributeName": "rank", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "incl", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["color"]}}],
        LocalSecondaryIndexes=[
            {"IndexName": "byRank", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                  {"AttributeName": "rank", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "ALL"}}])
    for i in range(10):
        item = {"pk": {"S": "p"}, "sk": {"N": str(i)}, "color": {"S": f"c{i}"},
                "other": {"S": "o"}, "rank": {"N": str(100 - i)}}
        if i != 3:
            item["g"] = {"S": "G" if i < 6 else "H"}  # item 3 is not in the sparse GSIs
        ddb.put_item(TableName=table, Item=item)
    return table


def test_gsi_projection_and_sparseness(ddb, indexed):
    keys_only = ddb.query(TableName=indexed, IndexName="keys", KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": {"S": "G"}})
    assert [item["rank"]["N"] for item in keys_only["Items"]] == ["95", "96", "98", "99", "100"]
    assert set(keys_only["Items"][0]) == {"pk", "sk", "g", "rank"}
    included = ddb.query(TableName=indexed, IndexName="incl", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "H"}})
    assert set(included["Items"][0]) == {"pk", "sk", "g", "color"}
    assert included["Count"] == 4
    code, message = error_of(ddb.query, TableName=indexed, IndexName="keys",
                             KeyConditionExpression="g = :g", Select="ALL_ATTRIBUTES",
                             ExpressionAttributeValues={":g": {"S": "G"}})
    assert "projection type is not ALL" in message


def test_index_maintained_on_update_and_delete(ddb, indexed):
    key = {"pk": {"S": "p"}, "sk": {"N": "3"}}
    ddb.update_item(TableName=indexed, Key=key, UpdateExpression="SET g = :g",
                    ExpressionAttributeValues={":g": {"S": "G"}})
    ranks = lambda: [i["rank"]["N"] for i in ddb.query(  # noqa: E731
        TableName=indexed, IndexName="keys", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "G"}})["Items"]]
    assert "97" in ranks()
    ddb.delete_item(TableName=indexed, Key=key)
    assert "97" not in ranks()
    code, message = error_of(ddb.put_item, TableName=indexed, Item={**key, "g": {"N": "1"}})
    assert "Type mismatch for Index Key g Expected: S Actual: N IndexName:" in message


def test_index_pagination_key_includes_table_key(ddb, indexed):
    page = ddb.query(TableName=indexed, IndexName="keys", KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": "G"}}, Limit=2)
    assert set(page["LastEvaluatedKey"]) == {"pk", "sk", "g", "rank"}
    items, _ = all_pages(ddb.query, TableName=indexed, IndexName="keys",
                         KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "G"}}, Limit=2)
    assert len(items) == 4 or len(items) == 5
    scanned, _ = all_pages(ddb.scan, TableName=indexed, IndexName="incl", Limit=3)
    assert all("other" not in item for item in scanned)


def test_lsi_query_descending(ddb, indexed):
    result = ddb.query(TableName=indexed, IndexName="byRank", ScanIndexForward=False,
                       KeyConditionExpression="pk = :p AND #r >= :r",
                       ExpressionAttributeNames={"#r": "rank"},
                       ExpressionAttributeValues={":p": {"S": "p"}, ":r": {"N": "98"}})
    assert [item["rank"]["N"] for item in result["Items"]] == ["100", "99", "98"]
    assert result["Items"][0]["other"] == {"S": "o"}


def test_query_errors(ddb, indexed):
    code, message = error_of(ddb.query, TableName=indexed, KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"N": "1"}})
    assert message == ("One or more parameter values were invalid: Condition parameter type "
                       "does not match schema type")
    code, message = error_of(ddb.query, TableName=indexed, IndexName="nope",
                             KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"S": "p"}})
    assert message == "The table does not have the specified index: nope"


def test_filter_on_key_attributes_is_rejected_in_query_only(ddb, filled):
    code, message = error_of(ddb.query, TableName=filled, KeyConditionExpression="pk = :p",
                             FilterExpression="sk > :n",
                             ExpressionAttributeValues={":p": {"S": "p"}, ":n": {"N": "1"}})
    assert message == ("Filter Expression can only contain non-primary key attributes: "
                       "Primary key attribute: sk")
    scanned = ddb.scan(TableName=filled, FilterExpression="sk > :n",
                       ExpressionAttributeValues={":n": {"N": "47"}})
    assert scanned["Count"] == 2


def test_item_collection_metrics_on_lsi_tables(ddb, indexed):
    put = ddb.put_item(TableName=indexed, ReturnItemCollectionMetrics="SIZE",
                       Item={"pk": {"S": "p"}, "sk": {"N": "77"}, "rank": {"N": "1"}})
    assert put["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": {"S": "p"}},
                                            "SizeEstimateRangeGB": [0.0, 1.0]}
    deleted = ddb.delete_item(TableName=indexed, Key={"pk": {"S": "p"}, "sk": {"N": "77"}},
                              ReturnItemCollectionMetrics="SIZE")
    assert deleted["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": "p"}}
