"""API Gateway REST APIs (service ``apigateway``) and the data plane of REST and HTTP APIs.

``provider.py`` (REST APIs, resources, authorizers) with ``methods.py`` (methods,
integrations), ``stages.py`` (deployments, stages) and ``gateway.py`` (gateway responses) as
operation mixins → ``resources.py`` (resource tree) → ``store.py`` (SQLite).
``importer.py`` turns Swagger/OpenAPI bodies with ``x-amazon-apigateway-*`` extensions into
an import plan. ``source.py`` presents deployed stages to the data plane (``dataplane/``).

The data plane also serves the HTTP APIs of ``apigatewayv2``: in AWS, REST and HTTP APIs are
one service (signing name ``apigateway``) with one data plane. That is the one sanctioned
in-process seam between the two packages: ``apigatewayv2.source.HttpApiSource`` implements
``dataplane.model.ApiSource`` and is handed to ``ApiFront.add_source`` by the cloud's
wiring. Across it travel only ``dataplane.model``'s immutable definitions, built fresh from
each store (frozen dataclasses, tuples, read-only mappings) — never a store or a live
record — and ``apigatewayv2`` imports nothing from here but ``dataplane.model`` and
``shared.py`` (OpenAPI text reading, the API document store layout and ``ApiSource``
plumbing both packages use). Everything else between the packages goes through
``ctx.client.call``.
"""
