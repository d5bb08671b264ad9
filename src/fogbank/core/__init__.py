"""Shared building blocks with no knowledge of any AWS service.

``errors`` (the ``ServiceError`` base every AWS error class derives from), ``clock`` and
``ids`` (injected time and identifiers), ``db`` (SQLite in WAL mode), ``config`` (account,
region, ports, state paths).
"""
