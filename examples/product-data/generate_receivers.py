"""Write the receivers' resources into ``template.yaml`` from ``receivers.json``.

The receivers are data (``layers/common/python/product_data/receivers.json``): adding the
21st receiver is one JSON entry and ``python generate_receivers.py``. For each receiver the
template gets a queue named ``<stack>-rcv-<receiver>`` with its dead-letter queue, the queue
policy that lets the changes topic send to it, and the topic subscription with the
receiver's filter policy; then, per-change receivers get an event source mapping to the
receiver function, batched ones a scheduled rule invoking the batcher with
``{"receiver": name}``. They are plain CloudFormation resources between the two marker
comments, so the template stays a normal one that deploys unchanged to AWS and can be read
(and linted) as it is. ``--check`` exits 1 if the template is not up to date (a test runs it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

APP_DIR = Path(__file__).resolve().parent
TEMPLATE = APP_DIR / "template.yaml"
CONFIG = APP_DIR / "layers" / "common" / "python" / "product_data" / "receivers.json"
BEGIN = "  # BEGIN generated receivers (python generate_receivers.py; do not edit by hand)\n"
END = "  # END generated receivers\n"
MAX_RECEIVES = 3
PER_CHANGE_VISIBILITY_S = 360  # six times the receiver function's timeout
BATCHED_VISIBILITY_S = 960  # longer than a batcher run


def _logical(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _resources(receiver: dict[str, Any]) -> dict[str, Any]:
    name, base = receiver["name"], _logical(receiver["name"])
    queue, dlq = f"{base}Queue", f"{base}DeadLetterQueue"
    batched = receiver["mode"] == "batched"
    subscription: dict[str, Any] = {
        "TopicArn": {"Ref": "ChangesTopic"}, "Protocol": "sqs",
        "Endpoint": {"Fn::GetAtt": [queue, "Arn"]}, "RawMessageDelivery": True}
    if receiver.get("filter_policy"):
        subscription["FilterPolicyScope"] = "MessageAttributes"
        subscription["FilterPolicy"] = receiver["filter_policy"]
    resources: dict[str, Any] = {
        dlq: {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": {"Fn::Sub": f"${{AWS::StackName}}-rcv-{name}-dlq"},
            "MessageRetentionPeriod": 1209600}},
        queue: {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": {"Fn::Sub": f"${{AWS::StackName}}-rcv-{name}"},
            "VisibilityTimeout": BATCHED_VISIBILITY_S if batched else PER_CHANGE_VISIBILITY_S,
            "MessageRetentionPeriod": 1209600,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                              "maxReceiveCount": MAX_RECEIVES}}},
        f"{base}QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
            "Queues": [{"Ref": queue}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [queue, "Arn"]},
                "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "ChangesTopic"}}}}]}}},
        f"{base}Subscription": {"Type": "AWS::SNS::Subscription",
                                "Properties": subscription},
    }
    if batched:
        rule = f"{base}Schedule"
        resources[rule] = {"Type": "AWS::Events::Rule", "Properties": {
            "Description": f"Exports the {name} receiver's changes",
            "ScheduleExpression": receiver["schedule"], "State": "ENABLED",
            "Targets": [{"Id": "batcher", "Arn": {"Fn::GetAtt": ["BatcherFunction", "Arn"]},
                         "Input": json.dumps({"receiver": name})}]}}
        resources[f"{base}SchedulePermission"] = {
            "Type": "AWS::Lambda::Permission", "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": "BatcherFunction"},
                "Principal": "events.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": [rule, "Arn"]}}}
    else:
        resources[f"{base}Mapping"] = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "ReceiverFunction"},
            "EventSourceArn": {"Fn::GetAtt": [queue, "Arn"]},
            "BatchSize": 100, "MaximumBatchingWindowInSeconds": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": 2}}}
    return resources


def generated_block(config_path: Path = CONFIG) -> str:
    receivers = json.loads(config_path.read_text())["receivers"]
    sys.path.insert(0, str(config_path.parent.parent))
    from product_data.receivers import load  # validates the whole file, all problems at once

    load(config_path)
    lines = [BEGIN]
    for receiver in receivers:
        lines.append(f"  # receiver {receiver['name']}: {receiver['mode']}, "
                     f"{receiver['format']}\n")
        text = yaml.safe_dump(_resources(receiver), sort_keys=False, width=100)
        lines.extend(f"  {line}\n" for line in text.splitlines())
    lines.append(END)
    return "".join(lines)


def render(template_text: str, block: str) -> str:
    start, end = template_text.index(BEGIN), template_text.index(END) + len(END)
    return template_text[:start] + block + template_text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if template.yaml is not up to date")
    args = parser.parse_args(argv)
    current = TEMPLATE.read_text()
    wanted = render(current, generated_block())
    if args.check:
        if wanted != current:
            print("template.yaml is out of date: run python generate_receivers.py",
                  file=sys.stderr)
            return 1
        return 0
    TEMPLATE.write_text(wanted)
    print(f"wrote the receivers of {CONFIG.name} into {TEMPLATE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
