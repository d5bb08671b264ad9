"""CloudWatch Logs: log groups, log streams and log events.

Flow: ``provider.LogsProvider`` validates a request and shapes the answer with AWS member
names; group/stream/tag operations live there, event operations (PutLogEvents,
GetLogEvents, FilterLogEvents and the non-AWS ``subscribe`` live-tail hook) in ``events.py``.
``store.LogsStore`` keeps everything in one SQLite file (WAL), one transaction per
PutLogEvents. ``filter_pattern`` compiles CloudWatch filter patterns to predicates.
"""

from fogbank.services.logs.provider import LogsProvider

__all__ = ["LogsProvider"]
