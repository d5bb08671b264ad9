"""Daily OHLC bars from a pluggable market-data provider, cached in DynamoDB.

``providers`` defines the interface (``MarketDataProvider.daily_bars``) and its errors;
``calendar`` the trading days; ``synthetic`` the deterministic offline provider;
``nasdaq`` the adapter for Nasdaq Data Link's (formerly Quandl) EOD time-series API;
``config`` reads the SSM parameter that chooses and configures one; ``service`` puts the
DynamoDB cache (items with a TTL attribute) in front, so a repeated request does not spend
the provider's quota.
"""
