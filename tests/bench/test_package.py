"""The bench's packaging step, judged by aws-sam-translator: the packaged app still translates."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform

from bench.package import load_template, package

APP = Path(__file__).resolve().parents[2] / "bench" / "app"


class _Store:
    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def put_object(self, *, Bucket: str, Key: str, Body: bytes) -> None:  # noqa: N803
        self.objects[(Bucket, Key)] = Body


class _NoPolicies:
    def load(self) -> dict[str, Any]:
        return {}


@pytest.mark.parametrize("template_name", ["template.yaml", "template-explicit.yaml"])
def test_packaged_template_translates_with_code_in_s3(template_name: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    store = _Store()
    packaged = json.loads(package(APP / template_name, store, "artifacts"))
    assert packaged["Globals"]["Function"]["CodeUri"].startswith("s3://artifacts/")
    ((bucket, key), body), = store.objects.items()
    assert zipfile.ZipFile(io.BytesIO(body)).namelist() == ["app.py"]

    plain = transform(packaged, {}, _NoPolicies())
    functions = {name: r for name, r in plain["Resources"].items()
                 if r["Type"] == "AWS::Lambda::Function"}
    assert {f["Properties"]["FunctionName"] for f in functions.values()} == {
        "bench-ping", "bench-invoke"}
    for function in functions.values():
        assert function["Properties"]["Code"] == {"S3Bucket": bucket, "S3Key": key}
        assert function["Properties"]["Runtime"] == "python3.11"


def test_sam_template_declares_the_http_api_route() -> None:
    template = load_template(APP / "template.yaml")
    event = template["Resources"]["PingFunction"]["Properties"]["Events"]["Ping"]
    assert event == {"Type": "HttpApi", "Properties": {"Path": "/ping", "Method": "GET"}}


def test_short_tags_become_long_form(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("AWSTemplateFormatVersion: 2010-09-09\nA: !Ref X\nB: !GetAtt F.Arn\n"
                    "C: !Sub 'x-${X}'\nD: !Join [',', [a, b]]\n")
    assert load_template(path) == {
        "AWSTemplateFormatVersion": "2010-09-09", "A": {"Ref": "X"},
        "B": {"Fn::GetAtt": ["F", "Arn"]}, "C": {"Fn::Sub": "x-${X}"},
        "D": {"Fn::Join": [",", ["a", "b"]]}}
