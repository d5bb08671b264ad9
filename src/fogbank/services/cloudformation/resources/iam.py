"""AWS::IAM::Role/Policy/ManagedPolicy → iam CreateRole, PutRolePolicy, CreatePolicy, ..."""

from __future__ import annotations

import json
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    is_not_found,
    physical_name,
    pick,
)


def policy_text(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def _inline_policies(properties: dict[str, Any]) -> dict[str, str]:
    return {str(policy["PolicyName"]): policy_text(policy.get("PolicyDocument", {}))
            for policy in properties.get("Policies") or [] if isinstance(policy, dict)}


async def _ignore_missing(services: HandlerServices, operation: str,
                          params: dict[str, Any]) -> None:
    try:
        await services.client.call("iam", operation, params)
    except ServiceError as error:
        if not is_not_found(error):
            raise


class RoleHandler(ResourceHandler):
    resource_type = "AWS::IAM::Role"
    replace_on = frozenset({"RoleName", "Path"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        name = props.get("RoleName") or physical_name(request, services, 64)
        params = {"RoleName": name,
                  "AssumeRolePolicyDocument": policy_text(props.get("AssumeRolePolicyDocument",
                                                                    {})),
                  **pick(props, "Path", "Description", "MaxSessionDuration",
                         "PermissionsBoundary", "Tags")}
        result = await services.client.call("iam", "CreateRole", params)
        role = result.get("Role", {})
        for arn in props.get("ManagedPolicyArns") or []:
            await services.client.call("iam", "AttachRolePolicy",
                                       {"RoleName": name, "PolicyArn": arn})
        for policy_name, document in _inline_policies(props).items():
            await services.client.call("iam", "PutRolePolicy", {
                "RoleName": name, "PolicyName": policy_name, "PolicyDocument": document})
        return ResourceResult(name, {"Arn": role.get("Arn"), "RoleId": role.get("RoleId")})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props, old = request.properties, request.old_properties or {}
        name = str(request.physical_id)
        if props.get("AssumeRolePolicyDocument") != old.get("AssumeRolePolicyDocument"):
            await services.client.call("iam", "UpdateAssumeRolePolicy", {
                "RoleName": name,
                "PolicyDocument": policy_text(props.get("AssumeRolePolicyDocument", {}))})
        if pick(props, "Description", "MaxSessionDuration") != pick(
                old, "Description", "MaxSessionDuration"):
            await services.client.call("iam", "UpdateRole", {
                "RoleName": name, **pick(props, "Description", "MaxSessionDuration")})
        new_arns, old_arns = set(props.get("ManagedPolicyArns") or []), set(
            old.get("ManagedPolicyArns") or [])
        for arn in sorted(old_arns - new_arns):
            await _ignore_missing(services, "DetachRolePolicy",
                                  {"RoleName": name, "PolicyArn": arn})
        for arn in sorted(new_arns - old_arns):
            await services.client.call("iam", "AttachRolePolicy",
                                       {"RoleName": name, "PolicyArn": arn})
        new_inline, old_inline = _inline_policies(props), _inline_policies(old)
        for policy_name in sorted(set(old_inline) - set(new_inline)):
            await _ignore_missing(services, "DeleteRolePolicy",
                                  {"RoleName": name, "PolicyName": policy_name})
        for policy_name, document in new_inline.items():
            if old_inline.get(policy_name) != document:
                await services.client.call("iam", "PutRolePolicy", {
                    "RoleName": name, "PolicyName": policy_name, "PolicyDocument": document})
        return ResourceResult(name, dict(request.old_attributes))

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        name = str(request.physical_id)
        props = request.properties
        for arn in props.get("ManagedPolicyArns") or []:
            await _ignore_missing(services, "DetachRolePolicy",
                                  {"RoleName": name, "PolicyArn": arn})
        for policy_name in _inline_policies(props):
            await _ignore_missing(services, "DeleteRolePolicy",
                                  {"RoleName": name, "PolicyName": policy_name})
        await services.client.call("iam", "DeleteRole", {"RoleName": name})


class PolicyHandler(ResourceHandler):
    """An inline policy put on each of ``Roles``, ``Users`` and ``Groups``."""

    resource_type = "AWS::IAM::Policy"
    replace_on = frozenset({"PolicyName"})
    TARGETS = (("Roles", "RoleName", "Role"), ("Users", "UserName", "User"),
               ("Groups", "GroupName", "Group"))

    async def _put(self, properties: dict[str, Any], services: HandlerServices) -> None:
        document = policy_text(properties.get("PolicyDocument", {}))
        for key, member, noun in self.TARGETS:
            for target in properties.get(key) or []:
                await services.client.call("iam", f"Put{noun}Policy", {
                    member: target, "PolicyName": properties.get("PolicyName"),
                    "PolicyDocument": document})

    async def _remove(self, properties: dict[str, Any], services: HandlerServices,
                      keep: dict[str, Any] | None = None) -> None:
        for key, member, noun in self.TARGETS:
            kept = set((keep or {}).get(key) or [])
            for target in properties.get(key) or []:
                if target not in kept:
                    await _ignore_missing(services, f"Delete{noun}Policy", {
                        member: target, "PolicyName": properties.get("PolicyName")})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        await self._put(request.properties, services)
        return ResourceResult(physical_name(request, services, 64), {})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        await self._remove(request.old_properties or {}, services, keep=request.properties)
        await self._put(request.properties, services)
        return ResourceResult(str(request.physical_id), {})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await self._remove(request.properties, services)


class ManagedPolicyHandler(ResourceHandler):
    resource_type = "AWS::IAM::ManagedPolicy"
    replace_on = frozenset({"ManagedPolicyName", "Path", "Description"})
    TARGETS = (("Roles", "RoleName", "Role"), ("Users", "UserName", "User"),
               ("Groups", "GroupName", "Group"))

    async def _attach(self, arn: str, properties: dict[str, Any], services: HandlerServices,
                      skip: dict[str, Any] | None = None) -> None:
        for key, member, noun in self.TARGETS:
            done = set((skip or {}).get(key) or [])
            for target in properties.get(key) or []:
                if target not in done:
                    await services.client.call("iam", f"Attach{noun}Policy",
                                               {member: target, "PolicyArn": arn})

    async def _detach(self, arn: str, properties: dict[str, Any], services: HandlerServices,
                      keep: dict[str, Any] | None = None) -> None:
        for key, member, noun in self.TARGETS:
            kept = set((keep or {}).get(key) or [])
            for target in properties.get(key) or []:
                if target not in kept:
                    await _ignore_missing(services, f"Detach{noun}Policy",
                                          {member: target, "PolicyArn": arn})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        name = props.get("ManagedPolicyName") or physical_name(request, services, 128)
        result = await services.client.call("iam", "CreatePolicy", {
            "PolicyName": name, "PolicyDocument": policy_text(props.get("PolicyDocument", {})),
            **pick(props, "Path", "Description")})
        policy = result.get("Policy", {})
        arn = str(policy.get("Arn"))
        await self._attach(arn, props, services)
        return ResourceResult(arn, {"PolicyArn": arn, "PolicyId": policy.get("PolicyId"),
                                    "DefaultVersionId": policy.get("DefaultVersionId")})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        arn = str(request.physical_id)
        props, old = request.properties, request.old_properties or {}
        attributes = dict(request.old_attributes)
        if props.get("PolicyDocument") != old.get("PolicyDocument"):
            result = await services.client.call("iam", "CreatePolicyVersion", {
                "PolicyArn": arn, "PolicyDocument": policy_text(props.get("PolicyDocument", {})),
                "SetAsDefault": True})
            attributes["DefaultVersionId"] = result.get("PolicyVersion", {}).get("VersionId")
        await self._detach(arn, old, services, keep=props)
        await self._attach(arn, props, services, skip=old)
        return ResourceResult(arn, attributes)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        arn = str(request.physical_id)
        await self._detach(arn, request.properties, services)
        await services.client.call("iam", "DeletePolicy", {"PolicyArn": arn})


IAM_HANDLERS: list[ResourceHandler] = [RoleHandler(), PolicyHandler(), ManagedPolicyHandler()]
