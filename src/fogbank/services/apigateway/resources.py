"""Resource-tree and method logic shared by the call-by-call operations and the importer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.services.apigateway.errors import (
    BadRequestException,
    ConflictException,
    NotFoundException,
)
from fogbank.services.apigateway.importer import ImportPlan
from fogbank.services.apigateway.store import RestApiStore

VALID_METHODS = {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "ANY"}
INTEGRATION_TYPES = {"HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY"}


class ResourceTree:
    """Operations on one store's resources; ``new_id(length)`` makes AWS-form ids (root
    resources 10 characters, other resources and authorizers 6)."""

    def __init__(self, store: RestApiStore, new_id: Callable[[int], str]) -> None:
        self.store = store
        self.new_id = new_id

    def resource(self, api_id: str, resource_id: str) -> dict[str, Any]:
        resource = self.store.get_resource(api_id, resource_id)
        if resource is None:
            raise NotFoundException("Invalid Resource identifier specified")
        return resource

    def create_root(self, api_id: str) -> dict[str, Any]:
        root = {"id": self.new_id(10), "path": "/", "resourceMethods": {}}
        self.store.put_resource(api_id, root)
        return root

    def create(self, api_id: str, parent_id: str, path_part: str) -> dict[str, Any]:
        parent = self.resource(api_id, parent_id)
        _check_path_part(path_part)
        siblings = [r for r in self.store.list_resources(api_id) if r.get("parentId") == parent_id]
        if any(r.get("pathPart") == path_part for r in siblings):
            raise ConflictException(
                f"Another resource with the same parent already has this name: {path_part}"
            )
        if path_part.endswith("+}") and any(
            r.get("pathPart", "").startswith("{") for r in siblings
        ):
            raise BadRequestException(
                "A sibling ({" + path_part[1:-2] + "}) of this resource already has a variable "
                "path part -- only one is allowed"
            )
        base = parent["path"].rstrip("/")
        resource = {
            "id": self.new_id(6),
            "parentId": parent_id,
            "pathPart": path_part,
            "path": f"{base}/{path_part}",
            "resourceMethods": {},
        }
        self.store.put_resource(api_id, resource)
        return resource

    def ensure_path(self, api_id: str, path: str) -> dict[str, Any]:
        """The resource for ``path``, creating missing ancestors (used by imports)."""
        by_path = {r["path"]: r for r in self.store.list_resources(api_id)}
        current = by_path["/"]
        for part in [p for p in path.split("/") if p]:
            base = current["path"].rstrip("/")
            child = by_path.get(f"{base}/{part}")
            if child is None:
                child = self.create(api_id, current["id"], part)
                by_path[child["path"]] = child
            current = child
        return current

    def delete(self, api_id: str, resource_id: str) -> None:
        resource = self.resource(api_id, resource_id)
        if "parentId" not in resource:
            raise BadRequestException("Cannot delete root resource")
        all_resources = self.store.list_resources(api_id)
        doomed = {resource_id}
        changed = True
        while changed:
            changed = False
            for r in all_resources:
                if r.get("parentId") in doomed and r["id"] not in doomed:
                    doomed.add(r["id"])
                    changed = True
        for rid in doomed:
            self.store.delete_resource(api_id, rid)

    def put_method(self, api_id: str, resource_id: str, method: dict[str, Any]) -> dict[str, Any]:
        verb = method["httpMethod"]
        if verb not in VALID_METHODS:
            raise BadRequestException(
                "Invalid HttpMethod specified. Valid options are "
                "GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY"
            )
        resource = self.resource(api_id, resource_id)
        resource.setdefault("resourceMethods", {})[verb] = method
        self.store.put_resource(api_id, resource)
        return method

    def method(
        self, api_id: str, resource_id: str, verb: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        resource = self.resource(api_id, resource_id)
        method = resource.get("resourceMethods", {}).get(verb)
        if method is None:
            raise NotFoundException("Invalid Method identifier specified")
        return resource, method

    def update_method(self, api_id: str, resource: dict[str, Any], method: dict[str, Any]) -> None:
        resource["resourceMethods"][method["httpMethod"]] = method
        self.store.put_resource(api_id, resource)

    def apply_plan(self, api_id: str, plan: ImportPlan) -> None:
        """Create the plan's authorizers, gateway responses, resources, methods and
        integrations."""
        for gateway_response in plan.gateway_responses:
            self.store.put_gateway_response(api_id, gateway_response)
        authorizer_ids: dict[str, str] = {}
        authorizer_types: dict[str, str] = {}
        existing = {a["name"]: a for a in self.store.list_authorizers(api_id)}
        for spec in plan.authorizers:
            authorizer = dict(spec, id=existing.get(spec["name"], {}).get("id") or self.new_id(6))
            self.store.put_authorizer(api_id, authorizer)
            authorizer_ids[spec["name"]] = authorizer["id"]
            authorizer_types[spec["name"]] = spec["type"]
        for path, methods in plan.paths:
            resource = self.ensure_path(api_id, path)
            for planned in methods:
                method: dict[str, Any] = {
                    "httpMethod": planned.http_method,
                    "authorizationType": _authorization_type(
                        authorizer_types.get(planned.authorizer_name or "")
                    ),
                    "apiKeyRequired": planned.api_key_required,
                    "methodResponses": planned.method_responses,
                }
                if planned.authorizer_name:
                    method["authorizerId"] = authorizer_ids[planned.authorizer_name]
                if planned.authorization_scopes:
                    method["authorizationScopes"] = planned.authorization_scopes
                if planned.operation_name:
                    method["operationName"] = planned.operation_name
                if planned.request_parameters:
                    method["requestParameters"] = planned.request_parameters
                if planned.integration is not None:
                    method["methodIntegration"] = planned.integration
                self.put_method(api_id, resource["id"], method)


def _authorization_type(authorizer_type: str | None) -> str:
    if authorizer_type is None:
        return "NONE"
    return "COGNITO_USER_POOLS" if authorizer_type == "COGNITO_USER_POOLS" else "CUSTOM"


def _check_path_part(path_part: str) -> None:
    if not path_part or "/" in path_part:
        raise BadRequestException("Resource's path part must be specified and must not contain '/'")
    if path_part.startswith("{") != path_part.endswith("}"):
        raise BadRequestException(
            "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning "
            "and the end."
        )
