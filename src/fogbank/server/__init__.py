"""The two HTTP fronts of a local cloud, as ASGI apps served by uvicorn.

``edge.EdgeApp`` (port 4566) serves every AWS API: it routes a request to its service
(``protocol.detect_service``), parses it with botocore's model, dispatches to the provider and
serialises the result or error. Service-owned HTTP endpoints (``/_aws/execute-api/...``,
CloudFormation's custom-resource ResponseURL) are matched by prefix first.
``front.ApiFrontApp`` (port 3000) serves the template's HTTP APIs without a stage prefix.
``runner.CloudServer`` binds the sockets, starts the cloud and both servers on one event loop.
"""
