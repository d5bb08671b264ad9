"""``python -m bench.energy_billing``: the half-hourly billing workload through the real
pipeline of ``examples/energy-billing``.

Flow: ``server.py`` starts ``fogbank up`` on a copy of the example → ``load.py`` generates
the readings files (deterministic, ``billing.sample``), uploads them to S3 and waits until
every file is reported and the chunk queue is drained (S3 → ingest Lambda → SQS → worker
Lambdas → DynamoDB), sampling the server's memory meanwhile, then checks the stored item
count and runs the aggregation → ``serve.py`` times bills through the HTTP API →
``report.py`` prints the table and writes ``bench/RESULTS-energy-billing.md`` and
``bench/results-energy-billing.json``.
"""
