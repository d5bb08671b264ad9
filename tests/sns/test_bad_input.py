"""Every operation, called with nothing or with wrongly typed members, answers with an
AWS-style error (never an InternalFailure)."""

from __future__ import annotations

import pytest

from fogbank.core.errors import InternalFailure, ServiceError
from tests.sns.harness import Cloudlet, run

GARBAGE: list[dict] = [
    {},
    {"Name": "", "TopicArn": "", "SubscriptionArn": "", "ResourceArn": "", "Message": ""},
    {"Name": "t", "Attributes": {"DisplayName": None}, "Tags": [{"Value": "v"}]},
    {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Message": "m",
     "MessageAttributes": {"a": "not a dict"}},
    {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Message": "m",
     "MessageAttributes": {"a": {"DataType": "String.Array", "StringValue": "[1, [2]]"}}},
    {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Protocol": "sqs",
     "Endpoint": "arn:aws:sqs:us-east-1:000000000000:q",
     "Attributes": {"FilterPolicy": "[1]", "DeliveryPolicy": "{"}},
    {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t",
     "PublishBatchRequestEntries": [{"Id": "a"}, {"Id": "b", "Message": "m",
                                                  "MessageStructure": "xml"}]},
    {"SubscriptionArn": "arn:aws:sns:us-east-1:000000000000:t:nope",
     "AttributeName": "FilterPolicy", "AttributeValue": '{"a": [{"numeric": [">"]}]}'},
    {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "AttributeName": "Policy",
     "AttributeValue": "not json"},
]


@pytest.mark.parametrize("params", GARBAGE)
def test_no_operation_crashes(tmp_path, params):
    cloud = Cloudlet(tmp_path)
    run(cloud.sns_call("CreateTopic", Name="t"))
    run(cloud.sns_call("Subscribe", TopicArn="arn:aws:sns:us-east-1:000000000000:t",
                       Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:000000000000:q"))
    for operation in sorted(cloud.sns.operations()):
        try:
            run(cloud.sns_call(operation, **params))
        except InternalFailure as failure:  # pragma: no cover - the failure is the report
            pytest.fail(f"{operation}({params}) crashed: {failure.message}")
        except ServiceError:
            pass
