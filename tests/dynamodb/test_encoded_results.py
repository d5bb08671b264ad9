"""GetItem, Query and Scan over the wire send stored items without decoding them
(``EncodedJson``); what boto3 reads must equal the provider's ordinary dict answer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from fogbank.server.runner import CloudServer
from fogbank.services.dynamodb.items import ItemOperations
from fogbank.services.dynamodb.query import QueryOperations

ITEMS = [
    {"pk": {"S": "p"}, "sk": {"S": "a"}, "n": {"N": "1.5"}, "text": {"S": "grüße ✓ \"q\""}},
    {"pk": {"S": "p"}, "sk": {"S": "b"}, "bin": {"B": b"\x00\xffbin"},
     "set": {"BS": [b"x", b"y"]}, "m": {"M": {"B": {"S": "not binary"}, "l": {"L": [
         {"B": b"nested"}, {"NULL": True}, {"BOOL": False}]}}}},
    {"pk": {"S": "p"}, "sk": {"S": "c"}, "ns": {"NS": ["1", "2.5"]}, "ss": {"SS": ["u", "v"]}},
]


def _client(port: int) -> Any:
    return boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1}))


def _without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "ResponseMetadata"}


def test_wire_answers_equal_the_decoded_answers(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    encoded: list[str] = []
    for owner, name in ((ItemOperations, "_get_item_encoded"), (QueryOperations, "_encoded_page")):
        original = getattr(owner, name)

        def spy(self: Any, *args: Any, _original: Any = original, _name: str = name) -> Any:
            encoded.append(_name)
            return _original(self, *args)
        monkeypatch.setattr(owner, name, spy)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("GetItem", {"TableName": "enc", "Key": {"pk": {"S": "p"}, "sk": {"S": "a"}}}),
        ("GetItem", {"TableName": "enc", "Key": {"pk": {"S": "p"}, "sk": {"S": "b"}},
                     "ReturnConsumedCapacity": "INDEXES", "ConsistentRead": True}),
        ("GetItem", {"TableName": "enc", "Key": {"pk": {"S": "p"}, "sk": {"S": "zz"}}}),
        ("GetItem", {"TableName": "enc", "Key": {"pk": {"S": "p"}, "sk": {"S": "zz"}},
                     "ReturnConsumedCapacity": "TOTAL"}),
        ("GetItem", {"TableName": "enc", "Key": {"pk": {"S": "p"}, "sk": {"S": "b"}},
                     "ProjectionExpression": "bin"}),
        ("Query", {"TableName": "enc", "KeyConditionExpression": "pk = :p",
                   "ExpressionAttributeValues": {":p": {"S": "p"}}}),
        ("Query", {"TableName": "enc", "KeyConditionExpression": "pk = :p", "Limit": 2,
                   "ExpressionAttributeValues": {":p": {"S": "p"}},
                   "ReturnConsumedCapacity": "TOTAL"}),
        ("Query", {"TableName": "enc", "KeyConditionExpression": "pk = :p AND sk > :s",
                   "ExpressionAttributeValues": {":p": {"S": "p"}, ":s": {"S": "z"}}}),
        ("Query", {"TableName": "enc", "KeyConditionExpression": "pk = :p",
                   "FilterExpression": "attribute_exists(bin)",
                   "ExpressionAttributeValues": {":p": {"S": "p"}}}),
        ("Scan", {"TableName": "enc", "Limit": 1}),
        ("Scan", {"TableName": "enc", "ReturnConsumedCapacity": "INDEXES"}),
    ]

    async def scenario() -> None:
        server = CloudServer(tmp_path, edge_port=0, api_port=0)
        await server.start()
        try:
            dispatcher = server.cloud.dispatcher
            await dispatcher.call("dynamodb", "CreateTable", {
                "TableName": "enc", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "sk", "KeyType": "RANGE"}]})
            for item in ITEMS:
                await dispatcher.call("dynamodb", "PutItem", {"TableName": "enc", "Item": item})
            client = _client(server.config.edge_port)
            for operation, params in calls:
                expected = await dispatcher.call("dynamodb", operation, params)
                method = getattr(client, {"GetItem": "get_item", "Query": "query",
                                          "Scan": "scan"}[operation])
                wire = await asyncio.to_thread(method, **params)
                assert _without_metadata(wire) == expected, (operation, params)
        finally:
            await server.stop()

    asyncio.run(scenario())
    # every wire call but the projected GetItem and the filtered Query took the encoded path
    assert encoded.count("_get_item_encoded") == 4 and encoded.count("_encoded_page") == 5
