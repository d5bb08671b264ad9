"""Modules CloudFormation places next to inline (``ZipFile``) function code: ``cfnresponse``
for Python (``cfnresponse.py`` here) and ``cfn-response`` for Node.js (below)."""

from __future__ import annotations

from pathlib import Path

CFN_RESPONSE_JS = r"""
// The cfn-response module CloudFormation adds next to inline (ZipFile) Node.js code.
exports.SUCCESS = "SUCCESS";
exports.FAILED = "FAILED";

exports.send = function (event, context, responseStatus, responseData, physicalResourceId, noEcho) {
  return new Promise((resolve) => {
    const body = JSON.stringify({
      Status: responseStatus,
      Reason: "See the details in CloudWatch Log Stream: " + context.logStreamName,
      PhysicalResourceId: physicalResourceId || context.logStreamName,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: noEcho || false,
      Data: responseData,
    });
    const url = new URL(event.ResponseURL);
    const client = url.protocol === "https:" ? require("https") : require("http");
    const request = client.request({
      hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: "PUT",
      headers: { "content-type": "", "content-length": Buffer.byteLength(body) },
    }, (response) => {
      response.resume();
      response.on("end", () => resolve());
    });
    request.on("error", (error) => {
      console.log("send(..) failed executing https.request(..): " + error);
      resolve();
    });
    request.write(body);
    request.end();
  });
};
"""


def cfnresponse_py() -> str:
    return (Path(__file__).parent / "cfnresponse.py").read_text()
