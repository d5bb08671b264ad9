"""Shared code of the product-data functions (the app's layer).

- ``model``: the internal model's fields, how a change is described (changed fields,
  idempotency key, SNS message attributes).
- ``catalogue``: a deterministic synthetic master catalogue (brands, products, prices) used
  by the full refresh, the tests and the benchmark.
- ``receivers``: the receivers configuration (``receivers.json``, data, not code) and how a
  receiver renders a change as JSON or CSV.
"""
