"""Gateway responses of REST APIs: API Gateway's own error answers and their
customisations (served by ``dataplane/gateway_responses.py`` once deployed)."""

from __future__ import annotations

from typing import Any

from fogbank.services.apigateway.errors import BadRequestException, NotFoundException
from fogbank.services.apigateway.store import RestApiStore
from fogbank.services.base import Provider, RequestContext, operation

# Response type → default status code (None: the status of the error it stands for).
DEFAULT_STATUS: dict[str, str | None] = {
    "ACCESS_DENIED": "403",
    "API_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_FAILURE": "500",
    "BAD_REQUEST_PARAMETERS": "400",
    "BAD_REQUEST_BODY": "400",
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "EXPIRED_TOKEN": "403",
    "INTEGRATION_FAILURE": "504",
    "INTEGRATION_TIMEOUT": "504",
    "INVALID_API_KEY": "403",
    "INVALID_SIGNATURE": "403",
    "MISSING_AUTHENTICATION_TOKEN": "403",
    "QUOTA_EXCEEDED": "429",
    "REQUEST_TOO_LARGE": "413",
    "RESOURCE_NOT_FOUND": "404",
    "THROTTLED": "429",
    "UNAUTHORIZED": "401",
    "UNSUPPORTED_MEDIA_TYPE": "415",
    "WAF_FILTERED": "403",
}
DEFAULT_TEMPLATE = {"application/json": '{"message":$context.error.messageString}'}


def default_response(response_type: str) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "responseType": response_type,
        "defaultResponse": True,
        "responseParameters": {},
        "responseTemplates": dict(DEFAULT_TEMPLATE),
    }
    if DEFAULT_STATUS[response_type] is not None:
        shaped["statusCode"] = DEFAULT_STATUS[response_type]
    return shaped


class GatewayResponseOperations(Provider):
    store: RestApiStore

    def _api(self, api_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def _customised(self, api_id: str) -> dict[str, dict[str, Any]]:
        return {r["responseType"]: r for r in self.store.list_gateway_responses(api_id)}

    @staticmethod
    def _check_type(response_type: str) -> None:
        if response_type not in DEFAULT_STATUS:
            raise BadRequestException(f"Invalid response type specified: {response_type}")

    @operation("PutGatewayResponse")
    def put_gateway_response(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        response_type: str,
        status_code: str | None = None,
        response_parameters: dict[str, str] | None = None,
        response_templates: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        self._check_type(response_type)
        response: dict[str, Any] = {
            "responseType": response_type,
            "defaultResponse": False,
            "responseParameters": dict(response_parameters or {}),
            "responseTemplates": dict(response_templates or {}),
        }
        if status_code is not None:
            response["statusCode"] = status_code
        self.store.put_gateway_response(rest_api_id, response)
        return response

    @operation("GetGatewayResponse")
    def get_gateway_response(
        self, ctx: RequestContext, *, rest_api_id: str, response_type: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        self._check_type(response_type)
        return self._customised(rest_api_id).get(response_type) or default_response(response_type)

    @operation("GetGatewayResponses")
    def get_gateway_responses(
        self, ctx: RequestContext, *, rest_api_id: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        customised = self._customised(rest_api_id)
        return {"items": [customised.get(t) or default_response(t) for t in DEFAULT_STATUS]}

    @operation("DeleteGatewayResponse")
    def delete_gateway_response(
        self, ctx: RequestContext, *, rest_api_id: str, response_type: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        self._check_type(response_type)
        if not self.store.delete_gateway_response(rest_api_id, response_type):
            raise NotFoundException("Invalid Gateway Response identifier specified")
        return {}
