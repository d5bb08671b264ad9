"""REST API records in SQLite: APIs, resources (with their methods), authorizers,
deployments (frozen snapshots of resources and authorizers) and stages.

Records are kept in AWS's output shapes (member names as in botocore's model), so the
provider returns them as they are. Every write bumps ``generation`` so the data plane knows
to recompile its route tables.
"""

from __future__ import annotations

import copy
from typing import Any

from fogbank.services.apigateway.shared import ApiDocumentStore

API, RESOURCE, AUTHORIZER, DEPLOYMENT, STAGE, GATEWAY_RESPONSE = (
    "restapi",
    "resource",
    "authorizer",
    "deployment",
    "stage",
    "gatewayresponse",
)


class RestApiStore(ApiDocumentStore):
    API_KIND = API
    CHILD_KINDS = (RESOURCE, AUTHORIZER, DEPLOYMENT, STAGE, GATEWAY_RESPONSE)

    def _put(self, kind: str, key: str, doc: dict[str, Any]) -> None:
        self.docs.put(kind, key, doc)
        self.generation += 1

    def _delete(self, kind: str, key: str) -> bool:
        self.generation += 1
        return self.docs.delete(kind, key)

    # APIs
    def put_api(self, api: dict[str, Any]) -> None:
        self._put(API, api["id"], api)

    def delete_api(self, api_id: str) -> None:
        self._delete_children(api_id)
        self._delete(API, api_id)

    # Resources
    def put_resource(self, api_id: str, resource: dict[str, Any]) -> None:
        self._put(RESOURCE, f"{api_id}/{resource['id']}", resource)

    def get_resource(self, api_id: str, resource_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(RESOURCE, f"{api_id}/{resource_id}")
        return copy.deepcopy(doc) if doc else None

    def list_resources(self, api_id: str) -> list[dict[str, Any]]:
        return list(self.docs.values(RESOURCE, f"{api_id}/"))

    def delete_resource(self, api_id: str, resource_id: str) -> bool:
        return self._delete(RESOURCE, f"{api_id}/{resource_id}")

    # Authorizers
    def put_authorizer(self, api_id: str, authorizer: dict[str, Any]) -> None:
        self._put(AUTHORIZER, f"{api_id}/{authorizer['id']}", authorizer)

    def list_authorizers(self, api_id: str) -> list[dict[str, Any]]:
        return list(self.docs.values(AUTHORIZER, f"{api_id}/"))

    def get_authorizer(self, api_id: str, authorizer_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(AUTHORIZER, f"{api_id}/{authorizer_id}")
        return dict(doc) if doc else None

    def delete_authorizer(self, api_id: str, authorizer_id: str) -> bool:
        return self._delete(AUTHORIZER, f"{api_id}/{authorizer_id}")

    # Deployments: {"id", "description", "createdDate", "snapshot": {...}}
    def put_deployment(self, api_id: str, deployment: dict[str, Any]) -> None:
        self._put(DEPLOYMENT, f"{api_id}/{deployment['id']}", deployment)

    def get_deployment(self, api_id: str, deployment_id: str) -> dict[str, Any] | None:
        doc = self.docs.get(DEPLOYMENT, f"{api_id}/{deployment_id}")
        return dict(doc) if doc else None

    def list_deployments(self, api_id: str) -> list[dict[str, Any]]:
        return list(self.docs.values(DEPLOYMENT, f"{api_id}/"))

    def delete_deployment(self, api_id: str, deployment_id: str) -> bool:
        return self._delete(DEPLOYMENT, f"{api_id}/{deployment_id}")

    # Stages
    def put_stage(self, api_id: str, stage: dict[str, Any]) -> None:
        self._put(STAGE, f"{api_id}/{stage['stageName']}", stage)

    def get_stage(self, api_id: str, stage_name: str) -> dict[str, Any] | None:
        doc = self.docs.get(STAGE, f"{api_id}/{stage_name}")
        return copy.deepcopy(doc) if doc else None

    def list_stages(self, api_id: str) -> list[dict[str, Any]]:
        return list(self.docs.values(STAGE, f"{api_id}/"))

    def delete_stage(self, api_id: str, stage_name: str) -> bool:
        return self._delete(STAGE, f"{api_id}/{stage_name}")

    # Gateway responses, keyed by response type
    def put_gateway_response(self, api_id: str, response: dict[str, Any]) -> None:
        self._put(GATEWAY_RESPONSE, f"{api_id}/{response['responseType']}", response)

    def list_gateway_responses(self, api_id: str) -> list[dict[str, Any]]:
        return list(self.docs.values(GATEWAY_RESPONSE, f"{api_id}/"))

    def delete_gateway_response(self, api_id: str, response_type: str) -> bool:
        return self._delete(GATEWAY_RESPONSE, f"{api_id}/{response_type}")
