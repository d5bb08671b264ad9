"""Helpers of the front-end tests: the site-deployment Lambda's modules loaded under names
of their own (other examples also have an ``app`` module), a one-function template that
deploys the page on its own, and Debian's Chromium launched through Playwright."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent
SITE_DEPLOY = EXAMPLE / "src" / "site_deploy"

# The front-end resources alone, as template.yaml declares them; BucketName and Stage are
# parameters so tests can replace the bucket and update the deployment in place.
SITE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  BucketName:
    Type: String
  Stage:
    Type: String
    Default: $default
Resources:
  SiteBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref BucketName
      WebsiteConfiguration:
        IndexDocument: index.html
        ErrorDocument: index.html
  SiteDeployFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      CodeUri: site_deploy/
      Handler: app.lambda_handler
      Timeout: 60
      Policies:
        - S3CrudPolicy:
            BucketName: !Ref SiteBucket
  SiteDeployment:
    Type: Custom::SiteDeployment
    Properties:
      ServiceToken: !GetAtt SiteDeployFunction.Arn
      BucketName: !Ref SiteBucket
      WebsiteURL: !GetAtt SiteBucket.WebsiteURL
      ApiId: abc123defg
      Region: !Ref AWS::Region
      Stage: !Ref Stage
Outputs:
  WebsiteUrl:
    Value: !GetAtt SiteDeployment.WebsiteUrl
  ApiUrl:
    Value: !GetAtt SiteDeployment.ApiUrl
"""


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_site_deploy() -> tuple[ModuleType, ModuleType]:
    """(app, urls) of ``src/site_deploy``; ``app`` imports ``urls`` as Lambda would."""
    urls = _load("stockflux_site_urls", SITE_DEPLOY / "urls.py")
    previous = sys.modules.get("urls")
    sys.modules["urls"] = urls
    try:
        app = _load("stockflux_site_app", SITE_DEPLOY / "app.py")
    finally:
        if previous is None:
            sys.modules.pop("urls", None)
        else:
            sys.modules["urls"] = previous
    return app, urls


def site_only_app(directory: Path) -> Path:
    """A directory holding the site-only template and a copy of ``src/site_deploy``."""
    shutil.copytree(SITE_DEPLOY, directory / "site_deploy",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (directory / "template.yaml").write_text(SITE_TEMPLATE)
    return directory / "template.yaml"


def website_host(url: str) -> str:
    """``http://host:port/...`` → ``host:port`` (sent as Host to the edge: test machines do
    not all resolve ``*.localhost``; browsers do)."""
    return url.split("/")[2]


def _missing(reason: str) -> None:
    """Skip outside CI; in CI (``CI`` set) the browser tests must run, so fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian ``chromium`` driven by Playwright — never ``playwright install``,
    which would download a browser from the internet."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _missing("Debian's chromium package is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path)
        try:
            yield browser
        finally:
            browser.close()
