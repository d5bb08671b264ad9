"""AWS::S3::Bucket and AWS::S3::BucketPolicy → s3 operations.

CloudFormation's bucket properties differ from the API's shapes: ``CorsRules[].MaxAge`` is
``MaxAgeSeconds``, ``ExposedHeaders`` is ``ExposeHeaders``; notification configurations
name one ``Event`` and filter with ``Filter.S3Key.Rules[{Name, Value}]`` where the API takes
``Events`` and ``Filter.Key.FilterRules``; website documents are plain strings. The
converters below map one to the other. SAM's ``Events: {Type: S3}`` arrives here already
expanded into the bucket's ``NotificationConfiguration`` (and a Lambda permission).

A new ``BucketName`` replaces the bucket; every other section is updated in place (put the
new one, or delete it when removed). Deleting a bucket that still has objects fails, as in
AWS (``BucketNotEmpty``)."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    drop_none,
    is_not_found,
    physical_name,
    pick,
)

log = logging.getLogger("fogbank.cloudformation.s3")

# Regions whose website endpoint is ``s3-website-<region>`` (the others use a dot).
_DASH_WEBSITE_REGIONS = frozenset({"us-east-1", "us-west-1", "us-west-2", "ap-southeast-1",
                                   "ap-southeast-2", "ap-northeast-1", "eu-west-1",
                                   "sa-east-1", "us-gov-west-1"})


def _int(value: Any) -> int | None:
    return None if value is None else int(str(value))


def cors_rules(config: dict[str, Any]) -> dict[str, Any]:
    return {"CORSRules": [drop_none({
        "ID": rule.get("Id"),
        "AllowedHeaders": rule.get("AllowedHeaders"),
        "AllowedMethods": rule.get("AllowedMethods"),
        "AllowedOrigins": rule.get("AllowedOrigins"),
        "ExposeHeaders": rule.get("ExposedHeaders"),
        "MaxAgeSeconds": _int(rule.get("MaxAge")),
    }) for rule in config.get("CorsRules") or []]}


def website(config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if config.get("IndexDocument"):
        out["IndexDocument"] = {"Suffix": config["IndexDocument"]}
    if config.get("ErrorDocument"):
        out["ErrorDocument"] = {"Key": config["ErrorDocument"]}
    if config.get("RedirectAllRequestsTo"):
        out["RedirectAllRequestsTo"] = pick(config["RedirectAllRequestsTo"],
                                            "HostName", "Protocol")
    rules = []
    for rule in config.get("RoutingRules") or []:
        converted: dict[str, Any] = {"Redirect": pick(
            rule.get("RedirectRule") or {}, "HostName", "HttpRedirectCode", "Protocol",
            "ReplaceKeyPrefixWith", "ReplaceKeyWith")}
        if rule.get("RoutingRuleCondition"):
            converted["Condition"] = pick(rule["RoutingRuleCondition"],
                                          "HttpErrorCodeReturnedEquals", "KeyPrefixEquals")
        rules.append(converted)
    if rules:
        out["RoutingRules"] = rules
    return out


def _filter(config: dict[str, Any]) -> dict[str, Any] | None:
    rules = ((config.get("Filter") or {}).get("S3Key") or {}).get("Rules")
    if not rules:
        return None
    return {"Key": {"FilterRules": [pick(rule, "Name", "Value") for rule in rules]}}


_NOTIFICATION_LISTS = (("LambdaConfigurations", "LambdaFunctionConfigurations", "Function",
                        "LambdaFunctionArn"),
                       ("QueueConfigurations", "QueueConfigurations", "Queue", "QueueArn"),
                       ("TopicConfigurations", "TopicConfigurations", "Topic", "TopicArn"))


def notification(config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cfn_list, api_list, cfn_target, api_target in _NOTIFICATION_LISTS:
        entries = [drop_none({api_target: entry.get(cfn_target),
                              "Events": [entry.get("Event")],
                              "Filter": _filter(entry)})
                   for entry in config.get(cfn_list) or []]
        if entries:
            out[api_list] = entries
    bridge = config.get("EventBridgeConfiguration") or {}
    if bridge and str(bridge.get("EventBridgeEnabled", True)).lower() == "true":
        out["EventBridgeConfiguration"] = {}
    return out


def encryption(config: dict[str, Any]) -> dict[str, Any]:
    return {"Rules": [drop_none({
        "ApplyServerSideEncryptionByDefault": rule.get("ServerSideEncryptionByDefault"),
        "BucketKeyEnabled": (None if rule.get("BucketKeyEnabled") is None
                             else str(rule["BucketKeyEnabled"]).lower() == "true"),
    }) for rule in config.get("ServerSideEncryptionConfiguration") or []]}


def public_access_block(config: dict[str, Any]) -> dict[str, Any]:
    return {name: str(value).lower() == "true" for name, value in config.items()}


def lifecycle(config: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in config.get("Rules") or []:
        expiration = drop_none({"Days": _int(rule.get("ExpirationInDays")),
                                "Date": rule.get("ExpirationDate")})
        converted = drop_none({
            "ID": rule.get("Id"), "Status": rule.get("Status"),
            "Filter": {"Prefix": rule.get("Prefix", "")},
            "Expiration": expiration or None,
            "NoncurrentVersionExpiration": (
                {"NoncurrentDays": _int(rule["NoncurrentVersionExpirationInDays"])}
                if rule.get("NoncurrentVersionExpirationInDays") is not None else None),
            "AbortIncompleteMultipartUpload": (
                {"DaysAfterInitiation": _int(rule["AbortIncompleteMultipartUpload"].get(
                    "DaysAfterInitiation"))} if rule.get("AbortIncompleteMultipartUpload")
                else None),
        })
        rules.append(converted)
    return {"Rules": rules}


_CANNED_ACLS = {"Private": "private", "PublicRead": "public-read",
                "PublicReadWrite": "public-read-write",
                "AuthenticatedRead": "authenticated-read",
                "LogDeliveryWrite": "log-delivery-write",
                "BucketOwnerRead": "bucket-owner-read",
                "BucketOwnerFullControl": "bucket-owner-full-control"}

# CloudFormation property → (put operation, its payload member, converter, delete operation),
# applied in this order (ownership controls before an ACL, as S3 requires).
Section = tuple[str, str, Callable[[Any], Any], str | None]
SECTIONS: dict[str, Section] = {
    "Tags": ("PutBucketTagging", "Tagging",
             lambda tags: {"TagSet": [pick(tag, "Key", "Value") for tag in tags]},
             "DeleteBucketTagging"),
    "VersioningConfiguration": ("PutBucketVersioning", "VersioningConfiguration",
                                lambda config: pick(config, "Status"), None),
    "CorsConfiguration": ("PutBucketCors", "CORSConfiguration", cors_rules,
                          "DeleteBucketCors"),
    "WebsiteConfiguration": ("PutBucketWebsite", "WebsiteConfiguration", website,
                             "DeleteBucketWebsite"),
    "BucketEncryption": ("PutBucketEncryption", "ServerSideEncryptionConfiguration",
                         encryption, "DeleteBucketEncryption"),
    "PublicAccessBlockConfiguration": ("PutPublicAccessBlock",
                                       "PublicAccessBlockConfiguration", public_access_block,
                                       "DeletePublicAccessBlock"),
    "OwnershipControls": ("PutBucketOwnershipControls", "OwnershipControls",
                          lambda config: {"Rules": [pick(rule, "ObjectOwnership")
                                                    for rule in config.get("Rules") or []]},
                          "DeleteBucketOwnershipControls"),
    "AccessControl": ("PutBucketAcl", "ACL", lambda canned: _CANNED_ACLS.get(
        str(canned), str(canned)), None),
    "LifecycleConfiguration": ("PutBucketLifecycleConfiguration", "LifecycleConfiguration",
                               lifecycle, "DeleteBucketLifecycle"),
    "NotificationConfiguration": ("PutBucketNotificationConfiguration",
                                  "NotificationConfiguration", notification, None),
}


def bucket_attributes(name: str, region: str) -> dict[str, Any]:
    website_host = (f"s3-website-{region}" if region in _DASH_WEBSITE_REGIONS
                    else f"s3-website.{region}")
    return {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.{website_host}.amazonaws.com",
    }


def _warn_unapplied(request: ResourceRequest) -> None:
    ignored = sorted(set(request.properties) - set(SECTIONS) - _CREATE_PROPERTIES)
    if ignored:
        log.warning("%s (AWS::S3::Bucket): properties not emulated, ignored: %s",
                    request.logical_id, ", ".join(ignored))


_CREATE_PROPERTIES = frozenset({"BucketName", "ObjectLockEnabled"})


class BucketHandler(ResourceHandler):
    resource_type = "AWS::S3::Bucket"
    replace_on = frozenset({"BucketName", "ObjectLockEnabled"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        _warn_unapplied(request)
        name = str(props.get("BucketName") or physical_name(request, services, 63, lower=True))
        params: dict[str, Any] = {"Bucket": name}
        if request.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": request.region}
        if str(props.get("ObjectLockEnabled", "")).lower() == "true":
            params["ObjectLockEnabledForBucket"] = True
        await services.client.call("s3", "CreateBucket", params, region=request.region)
        try:
            for section in SECTIONS:
                if props.get(section) is not None:
                    await self._apply(name, section, props[section], None, services, request)
        except ServiceError:
            with contextlib.suppress(ServiceError):
                await services.client.call("s3", "DeleteBucket", {"Bucket": name},
                                           region=request.region)
            raise
        return ResourceResult(name, bucket_attributes(name, request.region))

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = str(request.physical_id)
        old = request.old_properties or {}
        _warn_unapplied(request)
        for section in SECTIONS:
            new_value = request.properties.get(section)
            if new_value != old.get(section):
                await self._apply(name, section, new_value, old.get(section), services,
                                  request)
        return ResourceResult(name, bucket_attributes(name, request.region))

    async def _apply(self, name: str, section: str, value: Any, old_value: Any,
                     services: HandlerServices, request: ResourceRequest) -> None:
        put, member, convert, delete = SECTIONS[section]
        if value is None:
            if section == "VersioningConfiguration":
                if (old_value or {}).get("Status") != "Enabled":
                    return
                value = {"Status": "Suspended"}
            elif section == "NotificationConfiguration":
                value = {}
            elif section == "AccessControl":
                value = "Private"
            elif delete is not None:
                await services.client.call("s3", delete, {"Bucket": name},
                                           region=request.region)
                return
        await services.client.call("s3", put, {"Bucket": name, member: convert(value)},
                                   region=request.region)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await services.client.call("s3", "DeleteBucket", {"Bucket": request.physical_id},
                                       region=request.region)
        except ServiceError as error:
            if not is_not_found(error):
                raise


class BucketPolicyHandler(ResourceHandler):
    resource_type = "AWS::S3::BucketPolicy"
    replace_on = frozenset({"Bucket"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        bucket = str(request.properties.get("Bucket"))
        document = request.properties.get("PolicyDocument")
        policy = document if isinstance(document, str) else json.dumps(document)
        await services.client.call("s3", "PutBucketPolicy", {"Bucket": bucket,
                                                             "Policy": policy},
                                   region=request.region)
        return ResourceResult(bucket)

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return await self.create(request, services)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await services.client.call("s3", "DeleteBucketPolicy",
                                       {"Bucket": request.physical_id}, region=request.region)
        except ServiceError as error:
            if not is_not_found(error):
                raise


S3_HANDLERS: list[ResourceHandler] = [BucketHandler(), BucketPolicyHandler()]
