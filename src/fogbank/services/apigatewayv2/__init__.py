"""API Gateway v2 HTTP APIs (service ``apigatewayv2``).

``provider.py`` (operations, quick create) → ``store.py`` (SQLite); ``importer.py`` reads
OpenAPI bodies (``ImportApi``/``ReimportApi``, what SAM's ``AWS::Serverless::HttpApi``
becomes). Requests are served by the shared API Gateway data plane
(``fogbank.services.apigateway.dataplane``): ``source.py`` presents this store to it, wired
with ``apigateway_provider.front.add_source(apigatewayv2_provider.source)``.
"""
