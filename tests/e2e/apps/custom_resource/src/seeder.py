"""A custom resource handler answering CloudFormation through its ResponseURL, as
cfnresponse does, and a reader of what the stack passed on."""

import json
import os
import time
import urllib.request

from shared_words import shout

FAIL_ON = "poison"


def handler(event, context):
    print("custom resource request", event["RequestType"], event["LogicalResourceId"])
    time.sleep(float(event["ResourceProperties"].get("DelaySeconds", 0)))
    items = event["ResourceProperties"].get("Items", [])
    status = "FAILED" if FAIL_ON in items else "SUCCESS"
    body = {
        "Status": status,
        "Reason": f"{FAIL_ON} is not allowed" if status == "FAILED" else "seeded",
        "PhysicalResourceId": f"seed-{len(items)}",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Count": str(len(items)), "Loud": [shout(item) for item in items]},
    }
    request = urllib.request.Request(event["ResponseURL"], data=json.dumps(body).encode(),
                                     method="PUT", headers={"Content-Type": ""})
    with urllib.request.urlopen(request, timeout=10) as reply:
        reply.read()
    return body


def read(event, context):
    return {"seed_id": os.environ["SEED_ID"], "seed_count": os.environ["SEED_COUNT"],
            "loud": shout("layer")}
