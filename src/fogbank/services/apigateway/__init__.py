"""API Gateway REST APIs (service ``apigateway``).

``provider.py`` (operations) → ``resources.py``/``stages.py`` (resource tree, deployments,
stages) → ``store.py`` (SQLite). ``importer.py`` turns Swagger/OpenAPI bodies with
``x-amazon-apigateway-*`` extensions into an import plan. ``source.py`` presents deployed
stages to the data plane (``dataplane/``), which also serves the HTTP APIs of
``apigatewayv2`` once that provider's source is added with ``front.add_source``.
"""
