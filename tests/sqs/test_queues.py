"""Queue operations over the wire (both protocols): create, attributes, list, tags, purge,
errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(params=["json", "query"])
def client(request: pytest.FixtureRequest, sqs: Any, sqs_query: Any) -> Any:
    return sqs if request.param == "json" else sqs_query


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_is_idempotent_with_same_attributes(client: Any, app: Any) -> None:
    attributes = {"VisibilityTimeout": "10", "DelaySeconds": "5"}
    url = client.create_queue(QueueName="same-attrs", Attributes=attributes)["QueueUrl"]
    assert url == f"{app.edge_url}/000000000000/same-attrs"
    assert client.create_queue(QueueName="same-attrs", Attributes=attributes)["QueueUrl"] == url
    assert client.create_queue(QueueName="same-attrs")["QueueUrl"] == url
    with pytest.raises(ClientError) as caught:
        client.create_queue(QueueName="same-attrs", Attributes={"VisibilityTimeout": "60"})
    assert error_of(caught)[0] == "QueueAlreadyExists"
    client.delete_queue(QueueUrl=url)


@pytest.mark.parametrize("name, attributes, message", [
    ("", {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
             "length"),
    ("p" * 81, {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to "
                   "80 in length"),
    ("!@£$queue", {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 "
                      "to 80 in length"),
    ("no-suffix", {"FifoQueue": "true"}, "The name of a FIFO queue can only include "
                                         "alphanumeric characters"),
    ("suffix.fifo", {}, "Can only include alphanumeric characters"),
])
def test_create_rejects_bad_names(sqs: Any, name: str, attributes: dict[str, str],
                                  message: str) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName=name, Attributes=attributes)
    code, text = error_of(caught)
    assert code == "InvalidParameterValue"
    assert text.startswith(message)


@pytest.mark.parametrize("attributes, code", [
    ({"VisibilityTimeout": "43201"}, "InvalidAttributeValue"),
    ({"DelaySeconds": "-1"}, "InvalidAttributeValue"),
    ({"MaximumMessageSize": "1023"}, "InvalidAttributeValue"),
    ({"MessageRetentionPeriod": "59"}, "InvalidAttributeValue"),
    ({"ReceiveMessageWaitTimeSeconds": "21"}, "InvalidAttributeValue"),
    ({"Bogus": "1"}, "InvalidAttributeName"),
    ({"ContentBasedDeduplication": "true"}, "InvalidAttributeName"),
    ({"RedrivePolicy": json.dumps({"deadLetterTargetArn":
                                   "arn:aws:sqs:us-east-1:000000000000:missing",
                                   "maxReceiveCount": 3})}, "InvalidParameterValue"),
])
def test_create_rejects_bad_attributes(client: Any, attributes: dict[str, str],
                                       code: str) -> None:
    with pytest.raises(ClientError) as caught:
        client.create_queue(QueueName="bad-attributes", Attributes=attributes)
    assert error_of(caught)[0] == code


def test_get_and_set_attributes(client: Any, make_queue: Any) -> None:
    url = make_queue()
    everything = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    name = url.rsplit("/", 1)[1]
    assert everything["QueueArn"] == f"arn:aws:sqs:us-east-1:000000000000:{name}"
    assert everything["VisibilityTimeout"] == "30"
    assert everything["MaximumMessageSize"] == "1048576"
    assert everything["MessageRetentionPeriod"] == "345600"
    assert everything["SqsManagedSseEnabled"] == "true"
    assert "FifoQueue" not in everything
    client.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "7",
                                                          "Policy": '{"Version":"2012-10-17"}'})
    some = client.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "VisibilityTimeout", "Policy"])["Attributes"]
    assert some == {"VisibilityTimeout": "7", "Policy": '{"Version":"2012-10-17"}'}
    with pytest.raises(ClientError) as caught:
        client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "not-existing"])
    assert error_of(caught) == ("InvalidAttributeName", "Unknown Attribute not-existing.")
    with pytest.raises(ClientError) as caught:
        client.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "true"})
    assert error_of(caught)[0] == "InvalidAttributeName"


def test_counts(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="visible")
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=600)
    sqs.send_message(QueueUrl=url, MessageBody="in flight")
    sqs.receive_message(QueueUrl=url)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (counts["ApproximateNumberOfMessages"], counts["ApproximateNumberOfMessagesNotVisible"],
            counts["ApproximateNumberOfMessagesDelayed"]) == ("1", "1", "1")


def test_unknown_queues(client: Any, app: Any) -> None:
    for call in (lambda: client.get_queue_url(QueueName="not-exists"),
                 lambda: client.get_queue_attributes(
                     QueueUrl="http://whatever-incorrect-queue-address"),
                 lambda: client.send_message(QueueUrl=f"{app.edge_url}/000000000000/nope",
                                             MessageBody="x"),
                 lambda: client.get_queue_url(QueueName="cfn-dead-letters",
                                              QueueOwnerAWSAccountId="111111111111")):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught) == ("AWS.SimpleQueueService.NonExistentQueue",
                                    "The specified queue does not exist.")
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_any_host_in_the_queue_url_finds_the_queue(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    elsewhere = "https://sqs.us-east-1.amazonaws.com/" + url.split("/", 3)[3]
    sqs.send_message(QueueUrl=elsewhere, MessageBody="x")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "x"


def test_list_queues_with_prefix_and_pages(client: Any) -> None:
    urls = [client.create_queue(QueueName=f"listing-{i}")["QueueUrl"] for i in range(5)]
    assert client.list_queues(QueueNamePrefix="listing-")["QueueUrls"] == urls
    assert "QueueUrls" not in client.list_queues(QueueNamePrefix="nothing-like-this")
    pages: list[str] = []
    kwargs: dict[str, Any] = {"QueueNamePrefix": "listing-", "MaxResults": 2}
    while True:
        page = client.list_queues(**kwargs)
        pages.extend(page["QueueUrls"])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert pages == urls
    for url in urls:
        client.delete_queue(QueueUrl=url)
    assert "QueueUrls" not in client.list_queues(QueueNamePrefix="listing-")


def test_tags(client: Any, make_queue: Any) -> None:
    url = client.create_queue(QueueName="tagged", tags={"a": "1"})["QueueUrl"]
    client.tag_queue(QueueUrl=url, Tags={"b": "2", "a": "3"})
    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"a": "3", "b": "2"}
    client.untag_queue(QueueUrl=url, TagKeys=["a"])
    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"b": "2"}
    with pytest.raises(ClientError) as caught:
        client.tag_queue(QueueUrl=url, Tags={f"k{i}": "v" for i in range(50)})
    assert error_of(caught) == ("InvalidParameterValue", "Too many tags added for queue tagged.")
    client.untag_queue(QueueUrl=url, TagKeys=["b"])
    assert "Tags" not in client.list_queue_tags(QueueUrl=url)
    client.delete_queue(QueueUrl=url)


def test_purge(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "p"}
                                                  for i in range(5)])
    sqs.purge_queue(QueueUrl=url)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    with pytest.raises(ClientError) as caught:
        sqs.purge_queue(QueueUrl=url)
    name = url.rsplit("/", 1)[1]
    assert error_of(caught) == ("AWS.SimpleQueueService.PurgeQueueInProgress",
                                f"Only one PurgeQueue operation on {name} is allowed every "
                                "60 seconds.")


def test_delete_queue(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="short-lived")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="gone")
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(ClientError):
        sqs.receive_message(QueueUrl=url)
    url = sqs.create_queue(QueueName="short-lived")["QueueUrl"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.delete_queue(QueueUrl=url)


def test_malformed_requests_get_aws_errors(app: Any) -> None:
    import requests

    for body, headers in (
        (b"{not json", {"X-Amz-Target": "AmazonSQS.SendMessage",
                        "Content-Type": "application/x-amz-json-1.0"}),
        (b'{"QueueUrl": 5}', {"X-Amz-Target": "AmazonSQS.SendMessage",
                              "Content-Type": "application/x-amz-json-1.0"}),
        (b"Action=SendMessage&QueueUrl=x", {"Content-Type":
                                            "application/x-www-form-urlencoded"}),
        (b"Action=NoSuchThing", {"Content-Type": "application/x-www-form-urlencoded"}),
    ):
        headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/"
                                    "aws4_request, SignedHeaders=host, Signature=x")
        reply = requests.post(app.edge_url + "/", data=body, headers=headers, timeout=10)
        assert 400 <= reply.status_code < 500, reply.text
        assert b"Error" in reply.content or b"__type" in reply.content


def test_permissions(client: Any, make_queue: Any) -> None:
    url = make_queue()
    name = url.rsplit("/", 1)[1]
    client.add_permission(QueueUrl=url, Label="one", AWSAccountIds=["111111111111"],
                          Actions=["*"])
    client.add_permission(QueueUrl=url, Label="two", AWSAccountIds=["222211111111"],
                          Actions=["SendMessage", "ReceiveMessage"])
    policy = json.loads(client.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
        "Attributes"]["Policy"])
    assert policy["Id"] == f"arn:aws:sqs:us-east-1:000000000000:{name}/SQSDefaultPolicy"
    assert [s["Sid"] for s in policy["Statement"]] == ["one", "two"]
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert policy["Statement"][1]["Action"] == ["SQS:SendMessage", "SQS:ReceiveMessage"]
    with pytest.raises(ClientError) as caught:
        client.add_permission(QueueUrl=url, Label="one", AWSAccountIds=["111111111111"],
                              Actions=["SendMessage"])
    assert error_of(caught) == ("InvalidParameterValue", "Value one for parameter Label is "
                                                         "invalid. Reason: Already exists.")
    with pytest.raises(ClientError) as caught:
        client.add_permission(QueueUrl=url, Label="x", AWSAccountIds=["111111111111"],
                              Actions=["SendMessage"] * 8)
    assert error_of(caught) == ("OverLimit", "8 Actions were found, maximum allowed is 7.")
    client.remove_permission(QueueUrl=url, Label="two")
    client.remove_permission(QueueUrl=url, Label="one")
    assert "Attributes" not in client.get_queue_attributes(QueueUrl=url,
                                                           AttributeNames=["Policy"])
    with pytest.raises(ClientError) as caught:
        client.remove_permission(QueueUrl=url, Label="one")
    assert error_of(caught)[0] == "InvalidParameterValue"


def test_missing_required_parameters(app: Any, make_queue: Any) -> None:
    import requests

    url = make_queue()
    for operation, body in (("DeleteMessage", {"QueueUrl": url}),
                            ("SendMessage", {"MessageBody": "x"}),
                            ("ChangeMessageVisibility", {"QueueUrl": url, "ReceiptHandle": "x"}),
                            ("CreateQueue", {}), ("SetQueueAttributes", {"QueueUrl": url})):
        reply = requests.post(app.edge_url + "/", data=json.dumps(body), timeout=10, headers={
            "X-Amz-Target": f"AmazonSQS.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/"
                             "aws4_request, SignedHeaders=host, Signature=x"})
        assert reply.status_code == 400, (operation, reply.text)
        assert reply.json()["__type"] == "MissingParameter", (operation, reply.text)
