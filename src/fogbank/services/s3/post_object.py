"""Browser-form uploads (``POST /<bucket>`` with ``multipart/form-data``, what
``generate_presigned_post`` prepares): the form's fields become the object's key, content
headers, metadata and tags; the policy's expiration and ``content-length-range`` condition
are enforced (signatures are not verified). Not an operation of the API model, so the edge
hook hands it here before routing."""

from __future__ import annotations

import base64
import binascii
import json
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

from fogbank.core.errors import CommonServiceError
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.values import parse_timestamp
from fogbank.protocol.xml_codec import escape_text
from fogbank.services.base import RequestContext
from fogbank.services.s3.errors import (
    AccessDenied,
    EntityTooLarge,
    EntityTooSmall,
    InvalidArgument,
    MalformedXML,
)
from fogbank.services.s3.objects import ObjectOperations

_CONTENT_FIELDS = {"content-type": "content_type", "cache-control": "cache_control",
                   "content-disposition": "content_disposition",
                   "content-encoding": "content_encoding", "expires": "expires",
                   "content-language": "content_language",
                   "x-amz-storage-class": "storage_class",
                   "x-amz-website-redirect-location": "website_redirect_location",
                   "content-md5": "content_md5"}


def is_form_upload(request: HttpRequest) -> bool:
    return (request.method == "POST" and not request.query_string
            and request.headers.get("content-type", "").startswith("multipart/form-data"))


def parse_form(request: HttpRequest) -> tuple[dict[str, str], bytes, str | None]:
    """``(fields with lower-cased names, file content, file name)`` of a form upload."""
    head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not message.is_multipart():
        raise MalformedPOSTRequest()
    fields: dict[str, str] = {}
    file_content: bytes | None = None
    filename: str | None = None
    for part in message.iter_parts():
        assert isinstance(part, Message)
        name = (part.get_param("name", header="content-disposition") or "")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if str(name).lower() == "file":
            file_content = data
            filename = part.get_filename()
            break  # S3 ignores fields after the file
        fields[str(name).lower()] = data.decode("utf-8")
    if file_content is None:
        raise InvalidArgument("POST requires exactly one file upload per request.",
                              fields={"ArgumentName": "file", "ArgumentValue": "0"})
    return fields, file_content, filename


class MalformedPOSTRequest(CommonServiceError):
    def __init__(self) -> None:
        super().__init__("MalformedPOSTRequest", "The body of your POST request is not "
                         "well-formed multipart/form-data.")


class PostObjectOperations(ObjectOperations):
    """Form uploads (mixin of ``S3Provider``)."""

    async def post_object(self, bucket: str, request: HttpRequest,
                          request_id: str) -> HttpResponse:
        self.require_bucket(bucket)
        fields, content, filename = parse_form(request)
        key = fields.get("key")
        if not key:
            raise InvalidArgument("Bucket POST must contain a field named 'key'.  If it is "
                                  "specified, please check the order of the fields.",
                                  fields={"ArgumentName": "key", "ArgumentValue": ""})
        if "${filename}" in key:
            key = key.replace("${filename}", filename or "")
        self._check_policy(fields.get("policy"), len(content))
        params: dict[str, Any] = {}
        for field, param in _CONTENT_FIELDS.items():
            if field in fields:
                params[param] = fields[field]
        if "expires" in params:
            try:
                params["expires"] = parse_timestamp(params["expires"])
            except (TypeError, ValueError):
                del params["expires"]
        metadata = {name[len("x-amz-meta-"):]: value for name, value in fields.items()
                    if name.startswith("x-amz-meta-")}
        if metadata:
            params["metadata"] = metadata
        if "tagging" in fields:
            params["tagging"] = _tags_query(fields["tagging"])
        ctx = RequestContext(service="s3", operation="PostObject", region=self.ctx.region,
                             account_id=self.ctx.account_id, request_id=request_id,
                             headers={})
        result = await self.store_object(ctx, bucket, key, content, params,
                                         "ObjectCreated:Post")
        return _answer(request, fields, bucket, key, result)

    def _check_policy(self, policy: str | None, size: int) -> None:
        if not policy:
            return
        try:
            document = json.loads(base64.b64decode(policy))
        except (binascii.Error, ValueError):
            raise InvalidArgument("Invalid Policy: Invalid JSON.",
                                  fields={"ArgumentName": "policy"}) from None
        expiration = document.get("expiration") if isinstance(document, dict) else None
        if expiration:
            try:
                deadline = parse_timestamp(expiration).timestamp()
            except (TypeError, ValueError):
                raise InvalidArgument("Invalid Policy: Invalid 'expiration' value: "
                                      f"'{expiration}'", fields={"ArgumentName": "policy"}
                                      ) from None
            if self.ctx.clock.now() > deadline:
                raise AccessDenied("Invalid according to Policy: Policy expired.")
        for condition in document.get("conditions") or []:
            if isinstance(condition, list) and len(condition) == 3 and str(
                    condition[0]).lower() == "content-length-range":
                low, high = int(condition[1]), int(condition[2])
                if size < low:
                    raise EntityTooSmall(fields={"ProposedSize": size,
                                                 "MinSizeAllowed": low})
                if size > high:
                    raise EntityTooLarge(fields={"ProposedSize": size,
                                                 "MaxSizeAllowed": high})


def _tags_query(document: str) -> str:
    """The ``tagging`` form field (a ``<Tagging>`` document) as an x-amz-tagging value."""
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError:
        raise MalformedXML() from None
    pairs = []
    for tag in root.iter():
        if tag.tag.rsplit("}", 1)[-1] == "Tag":
            values = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in tag}
            pairs.append((values.get("Key", ""), values.get("Value", "")))
    return urlencode(pairs)


def _answer(request: HttpRequest, fields: dict[str, str], bucket: str, key: str,
            result: dict[str, Any]) -> HttpResponse:
    etag = str(result["ETag"])
    host = request.headers.get("host", "s3.amazonaws.com")
    location = f"http://{host}/{bucket}/{quote(key)}"
    headers = [("ETag", etag), ("Location", location)]
    if "VersionId" in result:
        headers.append(("x-amz-version-id", str(result["VersionId"])))
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        joiner = "&" if "?" in redirect else "?"
        target = redirect + joiner + urlencode({"bucket": bucket, "key": key, "etag": etag})
        response = HttpResponse(303, headers)
        response.set_header("Location", target)
        return response
    status = fields.get("success_action_status", "204")
    if status == "201":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
                f"<Location>{escape_text(location)}</Location>"
                f"<Bucket>{escape_text(bucket)}</Bucket><Key>{escape_text(key)}</Key>"
                f"<ETag>{escape_text(etag)}</ETag></PostResponse>").encode()
        return HttpResponse(201, headers + [("Content-Type", "application/xml")], body)
    return HttpResponse(200 if status == "200" else 204, headers)
