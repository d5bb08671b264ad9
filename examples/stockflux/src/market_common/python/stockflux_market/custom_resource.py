"""Answering CloudFormation for a custom resource backed by Lambda: the response document
PUT to the pre-signed ``ResponseURL`` (what ``cfn-response`` does for inline functions)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

REASON_MAX_CHARS = 3000  # CloudFormation truncates longer reasons anyway
RESPONSE_TIMEOUT_S = 30


def answer_cloudformation(event: dict[str, Any], status: str, reason: str, physical_id: str,
                          data: dict[str, Any]) -> None:
    """Send ``SUCCESS`` or ``FAILED`` (with ``reason``) for the request ``event``."""
    body = json.dumps({
        "Status": status, "Reason": reason[:REASON_MAX_CHARS],
        "PhysicalResourceId": physical_id,
        "StackId": event["StackId"], "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"], "Data": data,
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": ""})
    with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_S) as response:  # noqa: S310
        response.read()
