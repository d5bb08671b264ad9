"""SQS's query-protocol names (API 2012-11-05), which botocore's JSON-only SQS model lost.

Older clients (AWS CLI v1, boto3 < 1.34.90, other SDKs) still call SQS with
``Action=SendMessage&MessageAttribute.1.Name=...``; these names let the generic query codec
read those requests and write the XML responses such clients expect.
"""

from __future__ import annotations

from fogbank.protocol.naming import QueryName

SQS_QUERY_NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"

SQS_QUERY_NAMES: dict[str, QueryName] = {
    "Attributes": QueryName("Attribute"),
    "MessageAttributes": QueryName("MessageAttribute"),
    "MessageSystemAttributes": QueryName("MessageSystemAttribute"),
    "Tags": QueryName("Tag", "Key", "Value"),
    "tags": QueryName("Tag", "Key", "Value"),
    "AttributeNames": QueryName("AttributeName"),
    "MessageAttributeNames": QueryName("MessageAttributeName"),
    "MessageSystemAttributeNames": QueryName("MessageSystemAttributeName"),
    "TagKeys": QueryName("TagKey"),
    "AWSAccountIds": QueryName("AWSAccountId"),
    "Actions": QueryName("ActionName"),
    "Entries": QueryName("*"),
    "Successful": QueryName("*"),
    "Failed": QueryName("*"),
    "Results": QueryName("*"),
    "Messages": QueryName("Message"),
    "QueueUrls": QueryName("QueueUrl"),
    "queueUrls": QueryName("QueueUrl"),
    "StringListValues": QueryName("StringListValue"),
    "BinaryListValues": QueryName("BinaryListValue"),
}
