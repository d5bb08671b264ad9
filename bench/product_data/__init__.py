"""``python -m bench.product_data``: a full refresh of N products through the product-data
example on fogbank, end to end (shadow tables → streams → denormaliser → model → stream →
publisher → SNS filter policies → SQS → per-change receivers and scheduled batch exports),
proving zero lost and zero duplicated deliveries after deduplication by idempotency key.

- ``server``: ``fogbank up`` on a copy of ``examples/product-data``, stopped by PID.
- ``flow``: the refresh, progress sampling (counts, RSS), the batchers standing in for their
  schedules, and the final per-receiver accounting.
- ``report``: stdout table, JSON and ``bench/RESULTS-product-data.md``.
"""
