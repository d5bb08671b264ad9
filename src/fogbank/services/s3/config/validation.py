"""Checks S3 applies to configuration documents before storing them (AWS's codes and
messages); each returns the document to store."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.s3.config.errors import (
    InvalidArgument,
    InvalidRequest,
    InvalidTag,
    MalformedPolicy,
    MalformedXML,
)

CORS_METHODS = frozenset({"GET", "PUT", "HEAD", "POST", "DELETE"})
MAX_CORS_RULES = 100
MAX_BUCKET_TAGS = 50


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedXML()
    return value


def check_cors(configuration: Any) -> list[dict[str, Any]]:
    if not isinstance(configuration, dict):
        raise MalformedXML()
    rules = _list(configuration.get("CORSRules"))
    if not rules or len(rules) > MAX_CORS_RULES:
        raise MalformedXML()
    for rule in rules:
        if not isinstance(rule, dict) or not rule.get("AllowedMethods") \
                or not rule.get("AllowedOrigins"):
            raise MalformedXML()
        for method in _list(rule["AllowedMethods"]):
            if method not in CORS_METHODS:
                raise InvalidRequest(
                    "Found unsupported HTTP method in CORS config. Unsupported method is "
                    f"{method}")
        for origin in _list(rule["AllowedOrigins"]):
            if str(origin).count("*") > 1:
                raise InvalidRequest(
                    f'AllowedOrigin "{origin}" can not have more than one wildcard.')
        for header in _list(rule.get("AllowedHeaders")):
            if str(header).count("*") > 1:
                raise InvalidRequest(
                    f'AllowedHeader "{header}" can not have more than one wildcard.')
        if len(str(rule.get("ID", ""))) > 255:
            raise InvalidArgument("The ID of a CORS rule cannot be longer than 255 characters")
    return [dict(rule) for rule in rules]


def check_tags(tagging: Any) -> list[dict[str, str]]:
    if not isinstance(tagging, dict) or "TagSet" not in tagging:
        raise MalformedXML()
    tags = _list(tagging.get("TagSet"))
    if len(tags) > MAX_BUCKET_TAGS:
        raise InvalidTag("Bucket tag count cannot be greater than 50")
    seen: set[str] = set()
    cleaned: list[dict[str, str]] = []
    for tag in tags:
        if not isinstance(tag, dict) or "Key" not in tag or "Value" not in tag:
            raise MalformedXML()
        key, value = str(tag["Key"]), str(tag["Value"])
        if key in seen:
            raise InvalidTag("Cannot provide multiple Tags with the same key")
        if not key or len(key) > 128:
            raise InvalidTag("The TagKey you have provided is invalid")
        if len(value) > 256:
            raise InvalidTag("The TagValue you have provided is invalid")
        if key.lower().startswith("aws:"):
            raise InvalidTag("System tags cannot be added/updated by requester")
        seen.add(key)
        cleaned.append({"Key": key, "Value": value})
    return cleaned


def check_policy(policy: Any) -> dict[str, Any]:
    text = policy.decode("utf-8", "replace") if isinstance(policy, bytes) else str(policy or "")
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not text.lstrip().startswith("{"):
        raise MalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
    statements = document.get("Statement")
    if statements is None:
        raise MalformedPolicy("Missing required field Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict):
            raise MalformedPolicy("Statement is not well formed")
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise MalformedPolicy("Invalid effect: " + str(statement.get("Effect")))
        if "Action" not in statement and "NotAction" not in statement:
            raise MalformedPolicy("Missing required field Action")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicy("Missing required field Principal")
    return {"text": text}


def policy_is_public(text: str) -> bool:
    """AWS's PolicyStatus: an Allow statement open to everyone without conditions."""
    document = json.loads(text)
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        principal = statement.get("Principal")
        if principal == "*" or (isinstance(principal, dict)
                                and "*" in _as_list(principal.get("AWS"))):
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_website(configuration: Any) -> dict[str, Any]:
    if not isinstance(configuration, dict):
        raise MalformedXML()
    redirect_all = configuration.get("RedirectAllRequestsTo")
    index = configuration.get("IndexDocument")
    if redirect_all is not None:
        if index is not None or configuration.get("ErrorDocument") is not None \
                or configuration.get("RoutingRules"):
            raise InvalidArgument("RedirectAllRequestsTo cannot be provided in conjunction "
                                  "with other Routing/Redirect configurations.",
                                  fields={"ArgumentName": "RedirectAllRequestsTo"})
        if not isinstance(redirect_all, dict) or not redirect_all.get("HostName"):
            raise MalformedXML()
        _check_protocol(redirect_all.get("Protocol"))
        return {"RedirectAllRequestsTo": dict(redirect_all)}
    if not isinstance(index, dict) or not index.get("Suffix"):
        raise InvalidArgument("A value for IndexDocument Suffix must be provided if "
                              "RedirectAllRequestsTo is empty",
                              fields={"ArgumentName": "IndexDocument"})
    suffix = str(index["Suffix"])
    if "/" in suffix:
        raise InvalidArgument("The IndexDocument Suffix is not well formed",
                              fields={"ArgumentName": "IndexDocument",
                                      "ArgumentValue": suffix})
    stored: dict[str, Any] = {"IndexDocument": {"Suffix": suffix}}
    error = configuration.get("ErrorDocument")
    if error is not None:
        if not isinstance(error, dict) or not error.get("Key"):
            raise MalformedXML()
        stored["ErrorDocument"] = {"Key": str(error["Key"])}
    rules = _list(configuration.get("RoutingRules"))
    for rule in rules:
        redirect = rule.get("Redirect") if isinstance(rule, dict) else None
        if not isinstance(redirect, dict):
            raise MalformedXML()
        if redirect.get("ReplaceKeyWith") and redirect.get("ReplaceKeyPrefixWith"):
            raise InvalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but "
                                 "not both.")
        _check_protocol(redirect.get("Protocol"))
        code = redirect.get("HttpRedirectCode")
        if code is not None and not (str(code).isdigit() and 300 <= int(code) <= 399):
            raise InvalidArgument("The provided HTTP redirect code is not valid. It should "
                                  "be a string containing a number between 300 and 399.",
                                  fields={"ArgumentName": "HttpRedirectCode",
                                          "ArgumentValue": str(code)})
    if rules:
        stored["RoutingRules"] = [dict(rule) for rule in rules]
    return stored


def _check_protocol(protocol: Any) -> None:
    if protocol is not None and protocol not in ("http", "https"):
        raise InvalidArgument("Invalid protocol, protocol can be http or https. "
                              "If not defined the protocol will be selected automatically.",
                              fields={"ArgumentName": "Protocol",
                                      "ArgumentValue": str(protocol)})


_LIFECYCLE_FILTERS = ("Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan")


def check_lifecycle(configuration: Any) -> list[dict[str, Any]]:
    """Lifecycle rules as S3 checks them (one of ``Filter``/``Prefix``, one filter kind,
    unique ids, positive days); stored, never applied."""
    rules = configuration.get("Rules") if isinstance(configuration, dict) else None
    if not rules or not isinstance(rules, list):
        raise MalformedXML()
    seen_ids: set[str] = set()
    for rule in rules:
        if not isinstance(rule, dict) or rule.get("Status") not in ("Enabled", "Disabled"):
            raise MalformedXML()
        if ("Filter" in rule) == ("Prefix" in rule):
            raise MalformedXML()
        filter_ = rule.get("Filter")
        if filter_ is not None and (not isinstance(filter_, dict) or sum(
                name in filter_ for name in _LIFECYCLE_FILTERS) > 1):
            raise MalformedXML()
        rule_id = str(rule.get("ID", ""))
        if len(rule_id) > 255:
            raise InvalidArgument("ID length should not exceed allowed limit of 255")
        if rule_id and rule_id in seen_ids:
            raise InvalidArgument("Rule ID must be unique. Found same ID for more than one "
                                  "rule")
        seen_ids.add(rule_id)
        expiration = rule.get("Expiration") or {}
        if expiration.get("ExpiredObjectDeleteMarker") is not None and (
                expiration.get("Days") is not None or expiration.get("Date") is not None):
            raise MalformedXML()
        for transition in rule.get("NoncurrentVersionTransitions") or []:
            if transition.get("NoncurrentDays") is None or not transition.get("StorageClass"):
                raise MalformedXML()
        for transition in rule.get("Transitions") or []:
            if not transition.get("StorageClass") or (transition.get("Days") is None
                                                       and transition.get("Date") is None):
                raise MalformedXML()
        if expiration.get("Days") is not None and int(expiration["Days"]) <= 0:
            raise InvalidArgument("'Days' for Expiration action must be a positive integer")
    return [dict(rule) for rule in rules]
