"""Where subscribers reach this cloud's SNS: SubscribeURL, UnsubscribeURL and the signing
certificate, all on the edge."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Urls:
    """Where subscribers reach this cloud's SNS (the edge)."""

    edge_url: str

    def unsubscribe(self, subscription_arn: str) -> str:
        return _unsubscribe_url(self.edge_url, subscription_arn)

    def confirm(self, topic_arn: str, token: str) -> str:
        return (f"{self.edge_url}/?Action=ConfirmSubscription&TopicArn={quote(topic_arn, safe=':')}"
                f"&Token={token}")

    def certificate(self, cert_name: str) -> str:
        return f"{self.edge_url}{CERT_PREFIX}{cert_name}"


CERT_PREFIX = "/_fogbank/sns/"


@functools.lru_cache(maxsize=1024)
def _unsubscribe_url(edge_url: str, subscription_arn: str) -> str:
    return f"{edge_url}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe=':')}"
