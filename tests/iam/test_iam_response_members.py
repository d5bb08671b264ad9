"""Which optional members each IAM answer carries, as AWS answers them."""

from __future__ import annotations

import json
from typing import Any

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def test_managed_policy_members_differ_by_operation(cloud: Any) -> None:
    created = cloud.iam("CreatePolicy", PolicyName="tagged", PolicyDocument=DOCUMENT,
                        Path="/app/", Description="reads objects",
                        Tags=[{"Key": "team", "Value": "data"}])["Policy"]
    # CreatePolicy never echoes the description, but does give the tags it was given.
    assert "Description" not in created
    assert created["Tags"] == [{"Key": "team", "Value": "data"}]
    fetched = cloud.iam("GetPolicy", PolicyArn=created["Arn"])["Policy"]
    assert fetched["Description"] == "reads objects"
    assert fetched["Tags"] == [{"Key": "team", "Value": "data"}]
    listed = cloud.iam("ListPolicies", PathPrefix="/app/")["Policies"]
    assert len(listed) == 1 and "Description" not in listed[0] and "Tags" not in listed[0]


def test_untagged_policy_has_an_empty_tag_list_only_in_get_policy(cloud: Any) -> None:
    created = cloud.iam("CreatePolicy", PolicyName="plain", PolicyDocument=DOCUMENT)["Policy"]
    assert "Tags" not in created and "Description" not in created
    fetched = cloud.iam("GetPolicy", PolicyArn=created["Arn"])["Policy"]
    assert fetched["Tags"] == [] and "Description" not in fetched
