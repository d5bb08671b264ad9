"""Event source mappings: the pollers Lambda owns.

Flow: ``ops.py`` (mixed into ``LambdaProvider``) validates a Create/Update request
(``validation.py``) and keeps the ``MappingRecord`` (``model.py``) durable in Lambda's
store (``store.py``, with per-shard checkpoints). ``pollers.py`` runs one poller per
enabled mapping from ``Provider.start()`` until ``stop()``: ``sqs_poller.py`` long-polls
the queue with ``ReceiveMessage`` (five workers, more while a backlog lasts) and deletes
what the function handled; ``stream_poller.py`` reads each DynamoDB stream shard with
``GetRecords``, checkpoints after every finished batch, retries/bisects failed batches and
sends exhausted ones to the mapping's OnFailure destination (tumbling windows in
``windows.py``). Both filter records with ``filters.py`` (EventBridge's pattern matcher),
shape events with ``records.py`` and invoke the function synchronously through the
provider. Sources are reached through the internal client with AWS operations only.
"""
