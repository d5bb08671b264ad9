"""A stack record is saved as the same document ``dataclasses.asdict`` would give, without
deep-copying the stack on every resource event."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fogbank.services.cloudformation.engine.model import ResourceState, StackRecord
from fogbank.services.cloudformation.store import CloudFormationStore


def sample_stack() -> StackRecord:
    stack = StackRecord(
        stack_id="arn:aws:cloudformation:us-east-1:000000000000:stack/s/1", stack_name="s",
        status="CREATE_IN_PROGRESS", creation_time=1.0,
        template={"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"A": [1]}}}},
        template_body="{}", parameters={"P": "v"}, outputs=[{"OutputKey": "K"}],
        tags=[{"Key": "k", "Value": "v"}])
    stack.resources["Q"] = ResourceState("Q", "AWS::SQS::Queue", "CREATE_COMPLETE", "url",
                                         properties={"A": [1]}, attributes={"Arn": "a"},
                                         definition={"Type": "AWS::SQS::Queue"})
    return stack


def test_to_dict_matches_asdict() -> None:
    stack = sample_stack()
    assert stack.to_dict() == dataclasses.asdict(stack)


def test_saved_stack_reads_back_equal(tmp_path: Path) -> None:
    store = CloudFormationStore(tmp_path)
    stack = sample_stack()
    store.save(stack)
    stack.resources["Q"].properties["A"].append(2)  # later changes are not in the saved copy
    loaded = store.by_id(stack.stack_id)
    assert loaded is not None
    assert loaded.resources["Q"].properties == {"A": [1]}
    store.save(stack)
    assert store.by_id(stack.stack_id) == stack
