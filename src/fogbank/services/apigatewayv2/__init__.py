"""API Gateway v2 HTTP APIs (service ``apigatewayv2``).

``provider.py`` (operations, quick create) → ``store.py`` (SQLite); ``importer.py`` reads
OpenAPI bodies (``ImportApi``/``ReimportApi``, what SAM's ``AWS::Serverless::HttpApi``
becomes); ``stages.py`` and ``updates.py`` hold stage/deployment and update operations.

Serving requests: REST and HTTP APIs share one data plane, as in AWS (one service, signing
name ``apigateway``): ``fogbank.services.apigateway.dataplane``. The one sanctioned
in-process seam between this package and that one is ``source.py``: ``HttpApiSource``
implements the data plane's ``ApiSource`` protocol (a ``generation`` counter and
``definitions()``), importing nothing from ``apigateway`` but the plain-data
``dataplane.model`` (and, like ``importer.py`` and ``store.py``, the helpers of
``apigateway.shared``); every call builds fresh immutable definitions (frozen dataclasses,
tuples, read-only mappings) and the store stays private. It is wired once, by the cloud:
``apigateway_provider.front.add_source(apigatewayv2_provider.source)``. Nothing else crosses
between the two packages except through ``ctx.client.call``.
"""
