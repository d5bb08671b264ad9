"""`fogbank up` shows where a bucket's static website is served: the resource table's URL
column carries ``http://{bucket}.s3-website.localhost:{port}/`` for buckets with website
hosting (and nothing for the others)."""

from __future__ import annotations

from pathlib import Path

import requests

from fogbank.cli import up

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      WebsiteConfiguration:
        IndexDocument: index.html
  Plain:
    Type: AWS::S3::Bucket
"""


def test_up_table_shows_the_website_url(tmp_path: Path, fogbank_run, capsys):
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    app = fogbank_run(tmp_path / "template.yaml")
    site = app.stack.physical_id("Site")
    plain = app.stack.physical_id("Plain")
    port = app.edge_url.rsplit(":", 1)[1]

    assert app.run(up._report(app._app, app.stack, False))
    lines = capsys.readouterr().out.splitlines()

    url = f"http://{site}.s3-website.localhost:{port}/"
    site_row = next(line for line in lines if line.startswith("Site "))
    plain_row = next(line for line in lines if line.startswith("Plain "))
    assert site_row.endswith(url)
    assert plain_row.rstrip().endswith(plain)
    # the URL really serves the website
    app.client("s3").put_object(Bucket=site, Key="index.html", Body=b"<p>hi</p>",
                                ContentType="text/html")
    page = requests.get(app.edge_url + "/", headers={"Host": url.split("/")[2]}, timeout=10)
    assert page.status_code == 200 and page.text == "<p>hi</p>"
