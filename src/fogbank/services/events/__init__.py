"""Amazon EventBridge.

Flow: ``PutEvents`` (``put_events.py``) validates entries, wraps each in the EventBridge
envelope and, in one SQLite transaction, matches it against every enabled rule of its bus
(``patterns/``) and writes one outbox row per target with the payload the target's
Input / InputPath / InputTransformer produces (``transform.py``). The outbox
(``outbox.py``) is drained by a background ``Timer`` that sends through the internal client
(``targets.py``), retries with backoff on the injected clock and dead-letters to SQS.
Scheduled rules (``scheduled.py``) are another producer into the same outbox, timed by
``schedule_expressions.py`` (shared with EventBridge Scheduler). Buses, rules and targets:
``provider.py``, ``rules.py``, ``target_ops.py``; records: ``store.py``.
"""
