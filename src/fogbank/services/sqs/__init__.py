"""Amazon SQS: standard and FIFO queues on SQLite.

Flow: the protocol layer parses JSON or query requests into operations of ``SqsProvider``
(``provider.py``), which is assembled from one class per concern — ``queue_ops`` (queues,
attributes, tags, purge), ``send`` (SendMessage[Batch]), ``receive`` (ReceiveMessage with long
polling, DeleteMessage, ChangeMessageVisibility), ``move_tasks`` (dead-letter redrive),
``permissions`` (Add/RemovePermission). They share ``core.SqsCore``: queue lookup by URL/ARN,
receipt handles and the long-poll waiters. Validation and checksums live in
``queue_attributes`` and ``messages``; ``store`` holds queues and messages in SQLite,
committed before any answer.
"""
