"""Edits take effect without a restart: source files on the next invoke, template changes as
a stack update (a diff of resources)."""

from __future__ import annotations

import time

import requests

from tests.conftest import APPS


def test_source_edit_takes_effect_on_next_invoke(app_copy, fogbank_run):
    app_dir = app_copy(APPS / "lambda_cases")
    app = fogbank_run(app_dir)
    assert app.invoke("OkFunction", {}).payload["greeting"] == "hello"
    source = app_dir / "src" / "cases.py"
    source.write_text(source.read_text().replace('os.environ.get("GREETING")', '"edited"'))
    assert app.invoke("OkFunction", {}).payload["greeting"] == "edited"


def test_template_change_is_applied_as_a_stack_update(app_copy, fogbank_run):
    app_dir = app_copy(APPS / "lambda_cases")
    app = fogbank_run(app_dir)
    template = app_dir / "template.yaml"
    ok_name = app.function_name("OkFunction")
    text = template.read_text()
    text = text.replace("GREETING: hello", "GREETING: updated")
    text = text.replace("  ClientFunction:\n",
                        "  ExtraFunction:\n    Type: AWS::Serverless::Function\n"
                        "    Properties:\n      Handler: cases.ok\n  ClientFunction:\n")
    text = text.replace("  CrashFunction:\n    Type: AWS::Serverless::Function\n"
                        "    Properties:\n      Handler: cases.crash\n", "")
    template.write_text(text)
    time.sleep(0.01)
    stack = app.redeploy()
    assert stack.status == "UPDATE_COMPLETE", stack.reason
    assert app.function_name("OkFunction") == ok_name  # updated in place, not replaced
    assert app.invoke("OkFunction", {}).payload["greeting"] == "updated"
    assert app.invoke("ExtraFunction", {}).ok
    names = {f["FunctionName"] for f in app.client("lambda").list_functions()["Functions"]}
    assert not any("CrashFunction" in name for name in names)


def test_second_up_resumes_previous_state(app_copy, fogbank_run, tmp_path):
    app_dir = app_copy(APPS / "lambda_cases")
    state_dir = tmp_path / "state"
    first = fogbank_run(app_dir, state_dir=state_dir)
    name = first.function_name("OkFunction")
    first.client("logs").create_log_group(logGroupName="kept-between-runs")
    first.stop()
    second = fogbank_run(app_dir, state_dir=state_dir)
    assert second.function_name("OkFunction") == name
    groups = second.client("logs").describe_log_groups(logGroupNamePrefix="kept")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["kept-between-runs"]
    assert requests.get(second.edge_url + "/_fogbank/health", timeout=5).ok
