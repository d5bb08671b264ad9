"""Resource types fogbank does not emulate get stable, plausible placeholder values."""

from __future__ import annotations

from fogbank.services.cloudformation.resources.base import ResourceRequest
from fogbank.services.cloudformation.resources.placeholder import (
    placeholder_attribute,
    placeholder_id,
)


def request(logical_id: str = "Queue") -> ResourceRequest:
    return ResourceRequest(logical_id, "AWS::SQS::Queue", {}, "shop", "stack-id", "eu-west-1",
                           "000000000000")


def test_ref_is_stable_per_stack_and_logical_id():
    assert placeholder_id(request()) == placeholder_id(request())
    assert placeholder_id(request()).startswith("Queue-")
    assert placeholder_id(request()) != placeholder_id(request("Other"))


def test_get_att_by_attribute_kind():
    physical = placeholder_id(request())
    assert placeholder_attribute(request(), physical, "Arn") == (
        f"arn:aws:sqs:eu-west-1:000000000000:{physical}")
    assert placeholder_attribute(request(), physical, "QueueName") == physical
    assert placeholder_attribute(request(), physical, "QueueUrl") == f"{physical}.QueueUrl"
