"""Full-text search over the token-prefix index (the design is in
``stockflux_market.search_index``): one ``Query`` per search."""

from __future__ import annotations

from typing import Any

from stockflux_market.search_index import plan, rank_results
from stockflux_market.text import words

PROJECTION = "#rank, securityId, symbol, exchange, #name"
MAX_PAGES = 20  # a filtered read of one partition; 1 MB pages


class SecuritySearch:
    def __init__(self, dynamodb: Any, index_table: str) -> None:
        self.dynamodb = dynamodb
        self.index_table = index_table

    def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        query_plan = plan(words(query))
        if query_plan is None:
            return []
        params: dict[str, Any] = {
            "TableName": self.index_table,
            "KeyConditionExpression": "#prefix = :prefix",
            "ProjectionExpression": PROJECTION,
            "ExpressionAttributeNames": {"#prefix": "prefix", "#rank": "rank", "#name": "name"},
            "ExpressionAttributeValues": {":prefix": {"S": query_plan.partition}},
        }
        if query_plan.exact:
            params["Limit"] = limit
        else:
            conditions = []
            for position, word in enumerate(query_plan.filter_words):
                conditions.append(f"contains(wordline, :w{position})")
                params["ExpressionAttributeValues"][f":w{position}"] = {"S": " " + word}
            params["FilterExpression"] = " AND ".join(conditions)
        items: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            page = self.dynamodb.query(**params)
            items.extend({name: attr["S"] for name, attr in item.items()}
                         for item in page.get("Items", []))
            if query_plan.exact or "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return rank_results(query_plan, items, limit)
