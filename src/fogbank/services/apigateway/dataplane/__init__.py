"""API Gateway data plane, serving REST APIs (v1) and HTTP APIs (v2).

Flow: control planes expose ``ApiSource``s (``model.py``: plain route definitions per API
stage) → ``ApiFront`` compiles them into ``RouteTable``s (``routing.py``) once per change →
per request: match → Lambda authorizer (``authorizers.py``) → event 1.0/2.0 (``events.py``) →
``lambda.Invoke`` via the internal client (``invoke.py``) → HTTP response
(``responses.py``), with HTTP API CORS in ``cors.py`` and JWT/Cognito claims in ``jwt.py``.

Entry points: ``ApiFront.handle(request, api_id=None, stage=None)`` (``api_id=None`` is the
local front of ``sam local start-api``: every API's routes, no stage segment, first
definition of a duplicated route wins), ``ApiFront.handle_execute_api_path`` for
``/_aws/execute-api/{api-id}/{stage}/{path}``, ``api_id_for_host`` and ``route_summary``.
"""
