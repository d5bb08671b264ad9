"""Raw query-protocol requests as older SDKs send them (form POSTs to the queue URL), the XML
answers read with botocore's own query parser; and message-attribute digests for arbitrary
attributes, judged by moto's independent implementation."""

from __future__ import annotations

import hashlib
from typing import Any

import requests
from botocore.parsers import QueryParser
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sqs.test_messages import documented_md5, moto_md5

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
        "SignedHeaders=host, Signature=x")


def post(url: str, form: dict[str, str]) -> requests.Response:
    return requests.post(url, data=form, timeout=10, headers={"Authorization": AUTH})


def parse(sqs_query: Any, operation: str, reply: requests.Response) -> dict[str, Any]:
    shape = sqs_query.meta.service_model.operation_model(operation).output_shape
    parsed: dict[str, Any] = QueryParser().parse(
        {"body": reply.content, "headers": dict(reply.headers), "status_code":
         reply.status_code}, shape)
    return parsed


def test_form_posts_to_the_queue_url(app: Any, sqs_query: Any, make_queue: Any) -> None:
    url = make_queue()
    reply = post(url, {"Action": "SendMessage", "Version": "2012-11-05",
                       "MessageBody": "from an old sdk",
                       "MessageAttribute.1.Name": "colour",
                       "MessageAttribute.1.Value.DataType": "String",
                       "MessageAttribute.1.Value.StringValue": "blue"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/xml")
    sent = parse(sqs_query, "SendMessage", reply)
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"from an old sdk").hexdigest()
    assert sent["MD5OfMessageAttributes"] == documented_md5(
        {"colour": {"DataType": "String", "StringValue": "blue"}})
    reply = post(url, {"Action": "ReceiveMessage", "AttributeName.1": "All",
                       "MessageAttributeName.1": "All", "MaxNumberOfMessages": "5"})
    received = parse(sqs_query, "ReceiveMessage", reply)["Messages"]
    assert received[0]["Body"] == "from an old sdk"
    assert received[0]["MessageAttributes"]["colour"]["StringValue"] == "blue"
    reply = post(url, {"Action": "DeleteMessageBatch",
                       "DeleteMessageBatchRequestEntry.1.Id": "a",
                       "DeleteMessageBatchRequestEntry.1.ReceiptHandle":
                           received[0]["ReceiptHandle"]})
    assert parse(sqs_query, "DeleteMessageBatch", reply)["Successful"] == [{"Id": "a"}]


def test_query_errors_are_xml_with_legacy_codes(app: Any) -> None:
    reply = post(app.edge_url + "/", {"Action": "GetQueueUrl", "QueueName": "nope"})
    assert reply.status_code == 400
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in reply.text
    assert "<Type>Sender</Type>" in reply.text


attribute_names = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
values = st.one_of(
    st.builds(lambda t, s: {"DataType": t, "StringValue": s},
              st.sampled_from(["String", "String.custom", "Number"]),
              st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1)),
    st.builds(lambda b: {"DataType": "Binary", "BinaryValue": b}, st.binary(min_size=1)),
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(attribute_names, values, min_size=1, max_size=10))
def test_attribute_digest_matches_independent_implementations(attributes: dict[str, Any]
                                                              ) -> None:
    from fogbank.services.sqs.messages import md5_of_attributes

    assert md5_of_attributes(attributes) == documented_md5(attributes) == moto_md5(attributes)
