"""API Gateway REST APIs (service ``apigateway``) and the data plane of REST and HTTP APIs.

``provider.py`` (REST APIs, resources, authorizers) with ``methods.py`` (methods,
integrations), ``stages.py`` (deployments, stages) and ``gateway.py`` (gateway responses) as
operation mixins → ``resources.py`` (resource tree) → ``store.py`` (SQLite).
``importer.py`` turns Swagger/OpenAPI bodies with ``x-amazon-apigateway-*`` extensions into
an import plan. ``source.py`` presents deployed stages to the data plane (``dataplane/``),
which also serves the HTTP APIs of ``apigatewayv2`` (wired with ``front.add_source``, or
found through the dispatcher).
"""
