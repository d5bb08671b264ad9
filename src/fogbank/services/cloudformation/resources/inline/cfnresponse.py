"""The ``cfnresponse`` module CloudFormation adds next to inline (``ZipFile``) Python code:
``send(event, context, status, data)`` PUTs the custom resource response to ``ResponseURL``."""

import json
import urllib.request

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event, context, responseStatus, responseData, physicalResourceId=None,  # type: ignore[no-untyped-def]  # noqa: E501
         noEcho=False, reason=None):
    log_stream = getattr(context, "log_stream_name", "local")
    body = {
        "Status": responseStatus,
        "Reason": reason or f"See the details in CloudWatch Log Stream: {log_stream}",
        "PhysicalResourceId": physicalResourceId or log_stream,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": noEcho,
        "Data": responseData,
    }
    payload = json.dumps(body).encode()
    request = urllib.request.Request(
        event["ResponseURL"], data=payload, method="PUT",
        headers={"Content-Type": "", "Content-Length": str(len(payload))})
    try:
        with urllib.request.urlopen(request) as response:
            print("Status code:", response.status)
    except Exception as error:
        print("send(..) failed executing http.request(..):", error)
