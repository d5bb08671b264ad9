"""Market data of StockFlux, shared by its functions as a Lambda layer (``/opt/python``).

Flow:
- ``universe`` generates the deterministic seed universe (curated real companies from
  ``curated`` plus plausible generated ones); ``market_seed`` writes it to the securities
  table at stack creation.
- ``text`` normalises symbols, names and queries (case and diacritics folded); ``search_index``
  turns a security into the token-prefix items of the search index table (written by the
  ``search_indexer`` stream consumer) and plans and ranks a query over them (the
  ``securities`` function).
- ``ohlc`` holds the market-data provider interface, the synthetic provider, the
  Nasdaq Data Link (Quandl EOD) adapter, the provider chosen by an SSM parameter and the
  DynamoDB cache with a TTL in front of it.
- ``news_feed`` holds the news feed interface and the synthetic offline feed that the
  scheduled ingest reads.
- ``dynamo`` converts between DynamoDB AttributeValues and Python values and retries
  BatchWriteItem; ``custom_resource`` answers CloudFormation for the custom resources.

Only the standard library and boto3 are used, so the layer works in any Python runtime.
"""
