"""A Lambda-backed custom resource answers through a real ResponseURL on the edge; a layer's
python/ directory is importable as /opt/python would be."""

from __future__ import annotations

from tests.conftest import APPS


def test_custom_resource_create_update_and_layer(app_copy, fogbank_run):
    app_dir = app_copy(APPS / "custom_resource")
    app = fogbank_run(app_dir)
    assert app.stack.status == "CREATE_COMPLETE"
    assert app.stack.outputs == {"SeedId": "seed-2", "SeedCount": "2"}
    reader = app.invoke("ReaderFunction", {})
    assert reader.payload == {"seed_id": "seed-2", "seed_count": "2", "loud": "LAYER!"}

    events = app.client("cloudformation").describe_stack_events(
        StackName=app.stack.stack_name)["StackEvents"]
    seed_events = [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "Seed"]
    assert "CREATE_COMPLETE" in seed_events

    stack = app.redeploy(parameters={"Items": "apple,banana,cherry"})
    assert stack.status == "UPDATE_COMPLETE"
    assert stack.outputs == {"SeedId": "seed-3", "SeedCount": "3"}
    logs = "\n".join(app.logs("SeederFunction"))
    assert "custom resource request Create Seed" in logs
    assert "custom resource request Update Seed" in logs


def test_failed_custom_resource_rolls_back_with_its_reason(app_copy, fogbank_run):
    app_dir = app_copy(APPS / "custom_resource")
    app = fogbank_run(app_dir, parameters={"Items": "apple,poison"})
    assert app.stack.status == "ROLLBACK_COMPLETE"
    reasons = app.failure_reasons()
    assert any("poison is not allowed" in reason for reason in reasons), reasons

