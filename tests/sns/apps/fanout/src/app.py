import json


def handler(event, context):
    print("EVENT " + json.dumps(event))
    return {"ok": True}
