"""SQS over the query protocol (older clients): requests as the AWS docs show them, and
XML responses with the 2012-11-05 element names."""

from __future__ import annotations

from xml.etree import ElementTree

from fogbank.protocol import HttpRequest, ProtocolLayer

QUEUE_URL = "http://127.0.0.1:4566/000000000000/jobs"
NS = {"sqs": "http://queue.amazonaws.com/doc/2012-11-05/"}
FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}


def query_request(body: str) -> HttpRequest:
    return HttpRequest("POST", "/", headers=dict(FORM), body=body.encode())


def test_send_message_with_attributes(layer: ProtocolLayer) -> None:
    request = query_request(
        "Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F"
        "000000000000%2Fjobs&MessageBody=hello+world&DelaySeconds=5"
        "&MessageAttribute.1.Name=color&MessageAttribute.1.Value.DataType=String"
        "&MessageAttribute.1.Value.StringValue=blue"
        "&MessageAttribute.2.Name=raw&MessageAttribute.2.Value.DataType=Binary"
        "&MessageAttribute.2.Value.BinaryValue=AAE%3D")
    assert layer.detect_service(request) == "sqs"
    assert layer.request_protocol("sqs", request) == "query"
    assert layer.parse_request("sqs", request) == ("SendMessage", {
        "QueueUrl": QUEUE_URL, "MessageBody": "hello world", "DelaySeconds": 5,
        "MessageAttributes": {
            "color": {"DataType": "String", "StringValue": "blue"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        }})


def test_receive_and_batch_requests(layer: ProtocolLayer) -> None:
    receive = query_request(
        f"Action=ReceiveMessage&QueueUrl={QUEUE_URL}&AttributeName.1=All"
        "&MessageAttributeName.1=color&MaxNumberOfMessages=10&WaitTimeSeconds=0")
    assert layer.parse_request("sqs", receive) == ("ReceiveMessage", {
        "QueueUrl": QUEUE_URL, "AttributeNames": ["All"], "MessageAttributeNames": ["color"],
        "MaxNumberOfMessages": 10, "WaitTimeSeconds": 0})
    batch = query_request(
        f"Action=SendMessageBatch&QueueUrl={QUEUE_URL}"
        "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x"
        "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y"
        "&SendMessageBatchRequestEntry.2.DelaySeconds=3")
    assert layer.parse_request("sqs", batch)[1]["Entries"] == [
        {"Id": "a", "MessageBody": "x"}, {"Id": "b", "MessageBody": "y", "DelaySeconds": 3}]
    create = query_request("Action=CreateQueue&QueueName=jobs&Attribute.1.Name=VisibilityTimeout"
                           "&Attribute.1.Value=40&Tag.1.Key=team&Tag.1.Value=core")
    assert layer.parse_request("sqs", create) == ("CreateQueue", {
        "QueueName": "jobs", "Attributes": {"VisibilityTimeout": "40"},
        "tags": {"team": "core"}})


def test_receive_message_response_is_2012_11_05_xml(layer: ProtocolLayer) -> None:
    result = {"Messages": [{
        "MessageId": "m-1", "ReceiptHandle": "rh", "MD5OfBody": "md5", "Body": "hi <there>",
        "Attributes": {"SenderId": "000000000000", "ApproximateReceiveCount": "1"},
        "MessageAttributes": {"color": {"DataType": "String", "StringValue": "blue"}},
    }]}
    response = layer.serialize_result("sqs", "ReceiveMessage", result, "req-q",
                                      protocol="query")
    assert response.header("Content-Type") == "text/xml"
    root = ElementTree.fromstring(response.body)
    assert root.tag == f"{{{NS['sqs']}}}ReceiveMessageResponse"
    message = root.find("sqs:ReceiveMessageResult/sqs:Message", NS)
    assert message is not None
    assert message.findtext("sqs:Body", namespaces=NS) == "hi <there>"
    attributes = {a.findtext("sqs:Name", namespaces=NS): a.findtext("sqs:Value", namespaces=NS)
                  for a in message.findall("sqs:Attribute", NS)}
    assert attributes == {"SenderId": "000000000000", "ApproximateReceiveCount": "1"}
    attribute = message.find("sqs:MessageAttribute", NS)
    assert attribute is not None
    assert attribute.findtext("sqs:Name", namespaces=NS) == "color"
    assert attribute.findtext("sqs:Value/sqs:StringValue", namespaces=NS) == "blue"
    assert root.findtext("sqs:ResponseMetadata/sqs:RequestId", namespaces=NS) == "req-q"


def test_list_queues_and_batch_responses(layer: ProtocolLayer) -> None:
    response = layer.serialize_result("sqs", "ListQueues", {"QueueUrls": [QUEUE_URL, "u2"]},
                                      "r", protocol="query")
    root = ElementTree.fromstring(response.body)
    assert [e.text for e in root.findall("sqs:ListQueuesResult/sqs:QueueUrl", NS)] == [
        QUEUE_URL, "u2"]
    batch = layer.serialize_result("sqs", "SendMessageBatch", {
        "Successful": [{"Id": "a", "MessageId": "m", "MD5OfMessageBody": "x"}],
        "Failed": [{"Id": "b", "SenderFault": True, "Code": "Bad"}]}, "r", protocol="query")
    root = ElementTree.fromstring(batch.body)
    result = root.find("sqs:SendMessageBatchResult", NS)
    assert result is not None
    assert result.findtext("sqs:SendMessageBatchResultEntry/sqs:Id", namespaces=NS) == "a"
    assert result.findtext("sqs:BatchResultErrorEntry/sqs:SenderFault", namespaces=NS) == "true"


def test_json_requests_still_use_json(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/", headers={"x-amz-target": "AmazonSQS.ListQueues",
                                                "content-type": "application/x-amz-json-1.0"},
                          body=b'{"QueueNamePrefix": "jo"}')
    assert layer.request_protocol("sqs", request) == "json"
    assert layer.parse_request("sqs", request) == ("ListQueues", {"QueueNamePrefix": "jo"})


def test_query_request_posted_to_the_queue_url(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/000000000000/jobs", headers={
        **FORM, "host": "127.0.0.1:4566"}, body=b"Action=DeleteMessage&ReceiptHandle=rh")
    assert layer.parse_request("sqs", request) == ("DeleteMessage", {
        "QueueUrl": QUEUE_URL, "ReceiptHandle": "rh"})
