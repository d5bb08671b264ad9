"""The examples deploy unchanged to AWS: cfn-lint (AWS's own template linter) finds no error
in them, nor in the plain CloudFormation fogbank's SAM transform makes of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cfnlint.api import lint, lint_file

from fogbank.templates import load_template
from tests.conftest import EXAMPLES

TEMPLATES = sorted(EXAMPLES.glob("*/template.yaml"))


def errors(matches: list) -> list[str]:
    return [str(match) for match in matches if match.rule.id.startswith("E")]


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.parent.name for t in TEMPLATES])
def test_example_passes_cfn_lint(template: Path):
    assert errors(lint_file(template)) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.parent.name for t in TEMPLATES])
def test_processed_example_passes_cfn_lint(template: Path):
    processed = load_template(template).processed
    # the local hot-reload code location is ours, not AWS's: give cfn-lint an S3 location
    for resource in processed["Resources"].values():
        code = resource.get("Properties", {}).get("Code") or {}
        if code.get("S3Bucket") == "hot-reload":
            code.update(S3Bucket="artifacts", S3Key="code.zip")
    assert errors(lint(json.dumps(processed))) == []
