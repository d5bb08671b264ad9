"""One package per AWS service, named by botocore service name (``lambda_`` for the keyword).

Each holds a thin ``provider.py`` (validate → store → shape, one ``@operation`` method per
AWS operation), a fat ``store.py`` (SQLite-backed state and semantics) and ``errors.py``
(AWS error classes named like their wire code). Services talk to each other only through the
``InternalClient`` (``Dispatcher.call``), the way AWS services call each other.
"""
