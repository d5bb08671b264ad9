"""Amazon EventBridge Scheduler.

``provider.py`` validates schedules and schedule groups and keeps them in ``store.py``
(SQLite). ``runner.py`` fires enabled schedules on the injected clock — expressions are
parsed by EventBridge's ``schedule_expressions`` (``at``/``rate``/``cron`` in a time zone) —
and queues each invocation in a durable outbox (EventBridge's ``outbox.Outbox``), which
sends the schedule's Input as is to the target through the internal client, retrying per
the target's RetryPolicy and dead-lettering to SQS.
"""
