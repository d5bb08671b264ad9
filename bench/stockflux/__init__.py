"""``python -m bench.stockflux``: the StockFlux market-data workload through the API.

Flow: copy ``examples/stockflux`` to a temporary directory (fresh state), ``fogbank up`` it on
free ports (``bench.peers.Fogbank``) - the stack seeds 5,000 securities - wait until the stream
consumer has indexed all of them, then time sequential requests over one keep-alive
connection: searches from a deterministic query mix (``queries``), OHLC (cache misses and
hits), news and a security with its recent OHLC (``measure``). ``report`` writes
``bench/RESULTS-stockflux.md`` and ``bench/stockflux/results-stockflux.json`` (gitignored).

No peer: the workload is an application (HTTP API, Lambda, DynamoDB, streams, SSM) - there
is nothing to compare it with side by side; the figure to read is the < 20 ms search p50.
"""
