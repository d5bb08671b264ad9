"""The ``fogbank`` command: validate, invoke without a running up, reset, user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import APPS


def fogbank(*args: str, cwd: Path | None = None, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "fogbank.cli.main", *args], cwd=cwd,
                          input=stdin, capture_output=True, timeout=300)


def test_validate_good_template(app_copy):
    app = app_copy(APPS / "lambda_cases")
    result = fogbank("validate", str(app))
    assert result.returncode == 0, result.stdout + result.stderr
    assert b"valid" in result.stdout


def test_validate_reports_every_problem_with_location(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Broken:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.11\n"
        "      Handler: app.handler\n"
        "      CodeUri: missing-dir/\n"
        "  Dangling:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      LogGroupName: !Ref NoSuchThing\n"
    )
    result = fogbank("validate", str(tmp_path))
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "Broken" in out and "CodeUri" in out
    assert "Dangling" in out and "NoSuchThing" in out
    assert "Traceback" not in out + result.stderr.decode()


def test_invoke_without_running_up(app_copy):
    app = app_copy(APPS / "lambda_cases")
    result = fogbank("invoke", "OkFunction", "--event", "-", "--template", str(app),
                     stdin=b'{"from": "stdin"}')
    assert result.returncode == 0, result.stderr.decode()
    payload = json.loads(result.stdout)
    assert payload["event"] == {"from": "stdin"}
    assert b"START RequestId" in result.stderr


def test_invoke_function_error_exits_non_zero(app_copy):
    app = app_copy(APPS / "lambda_cases")
    result = fogbank("invoke", "ErrorFunction", "--template", str(app))
    assert result.returncode == 1
    assert json.loads(result.stdout)["errorType"] == "OrderRejected"


def test_user_errors_are_one_sentence(tmp_path):
    result = fogbank("up", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("fogbank: ") and "Traceback" not in err
    bad_event = tmp_path / "event.json"
    bad_event.write_text("{nope")
    result = fogbank("invoke", "X", "--event", str(bad_event), "--template", str(APPS / "minimal"))
    assert result.returncode == 1
    assert "not valid JSON" in result.stderr.decode()


def test_reset_deletes_state(app_copy):
    app = app_copy(APPS / "minimal")
    (app / ".fogbank").mkdir()
    (app / ".fogbank" / "x.db").write_text("")
    result = fogbank("reset", str(app))
    assert result.returncode == 0
    assert not (app / ".fogbank").exists()


def test_logs_shows_what_an_invoke_wrote(app_copy):
    app = app_copy(APPS / "lambda_cases")
    assert fogbank("invoke", "OkFunction", "--template", str(app)).returncode == 0
    result = fogbank("logs", "OkFunction", "--template", str(app))
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "START RequestId" in out and "REPORT RequestId" in out
    assert "ok handler got" in out
    missing = fogbank("logs", "NoSuchFunction", "--template", str(app))
    assert missing.returncode == 1
    assert missing.stderr.decode().startswith("fogbank: no logs for function NoSuchFunction")


def test_up_reports_every_template_problem_at_once(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.13\n"
        "      Handler: app.handler\n"
        "      CodeUri: nowhere/\n"
        "  Logs:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      LogGroupName: !Ref Missing\n"
    )
    result = fogbank("up", str(tmp_path), "--port-edge", "0", "--port-api", "0")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "Resources.Fn.Properties.CodeUri" in err and "Missing" in err
    assert "2 problems found" in err and "Traceback" not in err
