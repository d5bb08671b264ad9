"""DynamoDB bench: fogbank against moto's server mode and dynalite, side by side in one run.

Flow: ``__main__`` parses options and makes sure the peers' environments exist (``install``:
moto in ``bench/.venv``, dynalite under ``bench/.node``); it measures the canned-response
ceiling (``canned``) and then each server (``servers``: one class each, start/stop by PID) with
``steps.measure_server``: tables and a 20,000-item preload over a keep-alive client (``conn``),
wrk replaying pre-built signed requests (``wire`` builds them, ``workload`` says what they ask),
boto3 GetItem loops and the seed load in worker processes (``worker``), month-range queries.
``report`` prints the table and writes ``bench/results-dynamodb.json`` and
``bench/RESULTS-dynamodb.md``.
"""
