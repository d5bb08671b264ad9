"""AWS Lambda: control plane plus local execution.

Flow: ``provider.py`` validates a request (``validation.py``) and records functions and
layer versions in ``store.py`` (SQLite under the service's state directory; code from
``code.py``: zips extracted next to it, hot-reload directories used in place). ``Invoke``
goes through ``invoke.py``, which turns a record into a ``runtime.FunctionSpec`` (hot-reload
fingerprint, requirements from ``requirements.py``, layer paths) and hands it to the
``runtime`` package's execution manager. ``Event`` invocations are persisted and delivered by
``async_delivery.py`` with AWS's retries, event age, destinations and dead-letter queues
(settings from ``async_config.py``, targets reached by ``destinations.py``). The
``mappings`` package owns event source mappings: the SQS and DynamoDB stream pollers. Each
invoke's log lines reach CloudWatch Logs through ``logs.py`` over the internal client.
"""
