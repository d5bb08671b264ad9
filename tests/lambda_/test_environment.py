"""What a function sees: isolation from fogbank, Lambda's environment, code and layers."""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

from tests.lambda_.conftest import ROLE, LambdaHarness, zip_bytes

PROBE = """
    import os, subprocess, sys, tempfile

    def can_import(name):
        try:
            __import__(name)
            return True
        except ImportError:
            return False

    def boto3_client_works():
        import boto3
        from botocore.httpsession import get_cert_path
        return (boto3.client("s3").meta.region_name == os.environ["AWS_REGION"]
                and os.path.isfile(get_cert_path(True)))  # HTTPS still has its CA bundle

    def handler(event, context):
        tmp = tempfile.gettempdir()
        with open(os.path.join(tmp, "scratch.txt"), "w") as out:
            out.write(context.aws_request_id)
        return {
            "imports": {name: can_import(name) for name in
                        ("fogbank", "yaml", "pydantic", "boto3", "botocore", "urllib3",
                         "dateutil", "jmespath", "s3transfer", "json", "certifi",
                         "_distutils_hack")},
            "boto3_works": boto3_client_works(),
            "subprocess_python": subprocess.run(
                ["python3", "-c", "import sys, importlib.util as u; print(sys.version_info[:2],"
                 " 'leak' if u.find_spec('yaml') else 'isolated')"],
                capture_output=True, text=True).stdout.strip(),
            "environ": dict(os.environ),
            "cwd": os.getcwd(),
            "tmp": tmp,
            "path0": sys.path[0],
        }
"""


@pytest.fixture(scope="module")
def probe(lam: LambdaHarness) -> dict:
    os.environ["FOGBANK_TEST_SENTINEL"] = "leak"
    try:
        name = lam.create(PROBE, Environment={"Variables": {"GREETING": "hello"}},
                          MemorySize=256)
        return {"name": name, **json.loads(lam.invoke(name)["Payload"])}
    finally:
        del os.environ["FOGBANK_TEST_SENTINEL"]


def test_only_the_stdlib_and_the_runtime_bundle_are_importable(probe: dict) -> None:
    imports = probe["imports"]
    assert imports["fogbank"] is False
    assert imports["yaml"] is False
    assert imports["pydantic"] is False
    assert imports["certifi"] is False  # imported with boto3 in the zygote, then forgotten
    assert imports["_distutils_hack"] is False
    assert probe["boto3_works"] is True
    for bundled in ("boto3", "botocore", "urllib3", "dateutil", "jmespath", "s3transfer", "json"):
        assert imports[bundled] is True, bundled


def test_environment_is_lambdas_not_fogbanks(probe: dict, lam: LambdaHarness) -> None:
    environ = probe["environ"]
    name = probe["name"]
    assert "FOGBANK_TEST_SENTINEL" not in environ
    assert environ["GREETING"] == "hello"
    assert environ["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert environ["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert environ["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert "[$LATEST]" in environ["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert environ["AWS_REGION"] == environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert environ["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert environ["_HANDLER"] == "app.handler"
    assert environ["TZ"] == ":UTC"
    assert environ["LAMBDA_TASK_ROOT"] == probe["cwd"] == probe["path0"]
    assert environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "LAMBDA_RUNTIME_DIR", "PATH", "LANG", "LD_LIBRARY_PATH"):
        assert environ[key], key


def test_python_on_path_is_the_runtimes_without_fogbanks_packages(probe: dict) -> None:
    major, minor = sys.version_info[:2]
    assert probe["subprocess_python"] == f"({major}, {minor}) isolated"
    assert not probe["environ"]["PATH"].startswith(str(Path(sys.executable).parent))


def test_tempfile_and_tmpdir_point_into_a_per_environment_directory(
        probe: dict, lam: LambdaHarness) -> None:
    """Only TMPDIR/tempfile are private: a literal ``/tmp/x`` is the host's /tmp (a
    documented deviation; a private mount needs root)."""
    assert probe["environ"]["TMPDIR"] == probe["tmp"]
    assert Path(probe["tmp"]).resolve().is_relative_to(lam.state_dir.resolve())
    assert (Path(probe["tmp"]) / "scratch.txt").is_file()


def test_reserved_and_oversized_variables_are_rejected(lam: LambdaHarness, expect_error) -> None:
    directory = lam.code_dir({"app.py": "def handler(e, c):\n    return 1\n"})
    base = dict(Runtime="python3.11", Role=ROLE, Handler="app.handler",
                Code={"S3Bucket": "hot-reload", "S3Key": str(directory)})
    big = {"Variables": {"BIG": "x" * 4100}}
    error = expect_error("InvalidParameterValueException", "CreateFunction",
                         FunctionName=lam.unique(), Environment=big, **base)
    assert error.message.startswith(
        "Lambda was unable to configure your environment variables because the environment"
        " variables you have provided exceeded the 4KB limit. String measured: {\"BIG\":")
    expect_error("InvalidParameterValueException", "CreateFunction", FunctionName=lam.unique(),
                 Environment={"Variables": {"AWS_REGION": "x"}}, **base)
    name = lam.unique()
    lam.call("CreateFunction", FunctionName=name, **base)
    expect_error("InvalidParameterValueException", "UpdateFunctionConfiguration",
                 FunctionName=name, Environment=big)


def test_hot_reload_picks_up_edits_on_the_next_invoke(lam: LambdaHarness) -> None:
    name = lam.create("def handler(e, c):\n    return 'v1'\n")
    assert json.loads(lam.invoke(name)["Payload"]) == "v1"
    record = lam.provider.store.get_function(name)
    assert record is not None
    code_dir = Path(record.code.path)
    (code_dir / "app.py").write_text("def handler(e, c):\n    return 'version two'\n")
    assert json.loads(lam.invoke(name)["Payload"]) == "version two"
    helper = code_dir / "helper.py"
    second_ns = 1_700_000_000 * 10**9  # pin mtimes: same whole second, different ns
    helper.write_text("VALUE = 'helper'\n")
    os.utime(helper, ns=(second_ns + 100, second_ns + 100))
    (code_dir / "app.py").write_text(
        "import helper\ndef handler(e, c):\n    return helper.VALUE\n")
    assert json.loads(lam.invoke(name)["Payload"]) == "helper"
    helper.write_text("VALUE = 'HELPER'\n")  # same size: Python's pyc check can't tell
    os.utime(helper, ns=(second_ns + 200, second_ns + 200))
    assert json.loads(lam.invoke(name)["Payload"]) == "HELPER"


def test_zip_code_and_update_function_code(lam: LambdaHarness) -> None:
    name = lam.unique()
    archive = zip_bytes({"pkg/__init__.py": "", "pkg/mod.py": "def run(e, c):\n    return 'zip'\n"})
    created = lam.call("CreateFunction", FunctionName=name, Runtime="python3.11", Role=ROLE,
                       Handler="pkg/mod.run", Code={"ZipFile": archive})
    import base64
    import hashlib

    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(archive).digest()).decode()
    assert created["CodeSize"] == len(archive)
    assert json.loads(lam.invoke(name)["Payload"]) == "zip"
    second = zip_bytes({"pkg/__init__.py": "", "pkg/mod.py": "def run(e, c):\n    return 2\n"})
    updated = lam.call("UpdateFunctionCode", FunctionName=name, ZipFile=second)
    assert updated["CodeSha256"] != created["CodeSha256"]
    assert updated["RevisionId"] != created["RevisionId"]
    assert json.loads(lam.invoke(name)["Payload"]) == 2


def test_bad_zip_and_missing_s3_object(lam: LambdaHarness, expect_error) -> None:
    base = dict(Runtime="python3.11", Role=ROLE, Handler="app.handler")
    error = expect_error("InvalidParameterValueException", "CreateFunction",
                         FunctionName=lam.unique(), Code={"ZipFile": b"not a zip"}, **base)
    assert error.message.startswith("Could not unzip uploaded file.")
    error = expect_error("InvalidParameterValueException", "CreateFunction",
                         FunctionName=lam.unique(),
                         Code={"S3Bucket": "bucket", "S3Key": "code.zip"}, **base)
    assert error.message.startswith("Error occurred while GetObject. S3 Error Code:")


def test_layer_python_directory_is_on_sys_path(lam: LambdaHarness) -> None:
    layer_dir = lam.code_dir({"python/shared_util.py": "WHO = 'dir layer'\n"})
    dir_layer = lam.call("PublishLayerVersion", LayerName="shared",
                         Content={"S3Bucket": "hot-reload", "S3Key": str(layer_dir)})
    zip_layer = lam.call("PublishLayerVersion", LayerName="zipped", Content={
        "ZipFile": zip_bytes({"python/lib/python3.11/site-packages/zipped_util.py": "X = 1\n"})})
    name = lam.create("""
        import shared_util, zipped_util
        def handler(e, c):
            return [shared_util.WHO, zipped_util.X]
    """, Layers=[dir_layer["LayerVersionArn"], zip_layer["LayerVersionArn"]])
    assert json.loads(lam.invoke(name)["Payload"]) == ["dir layer", 1]
    config = lam.call("GetFunctionConfiguration", FunctionName=name)
    assert [layer["Arn"] for layer in config["Layers"]] == [
        dir_layer["LayerVersionArn"], zip_layer["LayerVersionArn"]]


def _tiny_wheel(directory: Path) -> Path:
    """A hand-built pure-Python wheel, so the requirements test needs no network."""
    wheel = directory / "tinypkg_fogbank-1.0-py3-none-any.whl"
    files = {
        "tinypkg_fogbank/__init__.py": "GREETING = 'from a wheel'\n",
        "tinypkg_fogbank-1.0.dist-info/METADATA":
            "Metadata-Version: 2.1\nName: tinypkg-fogbank\nVersion: 1.0\n",
        "tinypkg_fogbank-1.0.dist-info/WHEEL":
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},,\n" for path in files) + "tinypkg_fogbank-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
        archive.writestr("tinypkg_fogbank-1.0.dist-info/RECORD", record)
    return wheel


def test_requirements_txt_is_installed_once_into_the_cache(lam: LambdaHarness,
                                                           tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _tiny_wheel(wheels)
    requirements = f"--no-index\n--find-links {wheels}\ntinypkg-fogbank==1.0\n"
    name = lam.create("""
        import tinypkg_fogbank
        def handler(e, c):
            return tinypkg_fogbank.GREETING
    """, files={"requirements.txt": requirements})
    result = lam.invoke(name)
    assert json.loads(result["Payload"]) == "from a wheel", result["Payload"]
    installed = list((lam.cache_dir / "requirements").iterdir())
    assert len([p for p in installed if not p.name.startswith(".")]) == 1
    second = lam.create("import tinypkg_fogbank\ndef handler(e, c):\n    return 2\n",
                        files={"requirements.txt": requirements})
    assert json.loads(lam.invoke(second)["Payload"]) == 2
    assert len(list((lam.cache_dir / "requirements").iterdir())) == len(installed)


def test_failed_requirements_install_is_a_clear_invoke_error(lam: LambdaHarness) -> None:
    name = lam.create("def handler(e, c):\n    return 1\n",
                      files={"requirements.txt": "--no-index\nno-such-package-fogbank==9\n"})
    result = lam.invoke(name)
    assert result["FunctionError"] == "Unhandled"
    error = json.loads(result["Payload"])
    assert "pip install" in error["errorMessage"]
    assert "no-such-package-fogbank" in error["errorMessage"]
