"""Amazon SNS.

Flow: ``provider.SnsProvider`` (operations split into ``topics``, ``subscriptions``,
``publishing``) validates requests and keeps records in ``store.SnsStore`` (SQLite +
in-memory indexes). Publish checks the message (``messages``), picks the subscriptions whose
``filter_policy`` matches, and writes one outbox row per subscription; ``delivery.Deliverer``
drains the outbox in the background, shaping what each endpoint receives (``envelope``,
signed by ``signing``) and sending it over the internal client (SQS SendMessage, Lambda
Invoke) or HTTP (``http_delivery``), retrying per ``retry`` and dead-lettering failures.
"""
