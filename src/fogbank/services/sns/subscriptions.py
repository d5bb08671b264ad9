"""Subscription operations: subscribe (with HTTP/S confirmation), confirm, unsubscribe,
list, attributes."""

from __future__ import annotations

import logging
from typing import Any

from fogbank.core.arns import parse_arn
from fogbank.services.base import RequestContext, operation
from fogbank.services.sns.attributes import check_subscription_attribute, subscription_view
from fogbank.services.sns.common import SnsBase, page
from fogbank.services.sns.errors import (
    InvalidParameterException,
    invalid,
    required,
    subscription_not_found,
)
from fogbank.services.sns.messages import is_sms_endpoint
from fogbank.services.sns.store import Subscription

log = logging.getLogger("fogbank.sns")

PROTOCOLS = frozenset({"http", "https", "email", "email-json", "sms", "sqs", "application",
                       "lambda", "firehose"})
NEEDS_CONFIRMATION = frozenset({"http", "https", "email", "email-json"})
PENDING_ARN = "pending confirmation"
LIST_PENDING_ARN = "PendingConfirmation"


class SubscriptionOperations(SnsBase):
    @operation("Subscribe")
    def subscribe(self, ctx: RequestContext, *, topic_arn: str | None = None,
                  protocol: str | None = None,
                  endpoint: str | None = None, attributes: dict[str, str] | None = None,
                  return_subscription_arn: bool | None = None, **_: Any) -> dict[str, Any]:
        required(topic_arn=topic_arn, protocol=protocol)
        topic = self.require_topic(topic_arn)
        protocol = protocol or ""
        if protocol not in PROTOCOLS:
            raise invalid(f"Amazon SNS does not support this protocol string: {protocol}")
        if topic.fifo and protocol != "sqs":
            # FIFO topics deliver in order only to SQS queues.
            raise invalid(f"Invalid protocol type: {protocol}")
        endpoint = self._check_endpoint(protocol, endpoint or "", topic.fifo)
        stored: dict[str, str] = {}
        # The scope first: the policy is checked against it.
        for name, value in sorted((attributes or {}).items(),
                                  key=lambda item: item[0] != "FilterPolicyScope"):
            stored[name] = check_subscription_attribute(name, str(value), protocol=protocol,
                                                        current=stored)
        for existing in self.store.by_topic.get(topic.arn, {}).values():
            if existing.protocol == protocol and existing.endpoint == endpoint:
                if any(existing.attributes.get(k, "") != v for k, v in stored.items()
                       if not (k == "RawMessageDelivery" and v == "false")):
                    raise invalid("Attributes Reason: Subscription already exists with"
                                  " different attributes")
                shown = PENDING_ARN if existing.pending and not return_subscription_arn \
                    else existing.arn
                return {"SubscriptionArn": shown}
        pending = protocol in NEEDS_CONFIRMATION
        token = self.ids.hex(128) if pending else None
        subscription = Subscription(
            arn=f"{topic.arn}:{self.ids.uuid()}", topic_arn=topic.arn, protocol=protocol,
            endpoint=endpoint, owner=ctx.account_id, attributes=stored, pending=pending,
            token=token, created_s=self.clock.now())
        subscription.compile_filter()
        self.store.put_subscription(subscription)
        if protocol in ("http", "https"):
            self._send_confirmation(subscription)
        elif pending:
            log.info("SNS %s subscription %s to %s is pending; confirm it at %s", protocol,
                     endpoint, topic.arn, self.urls.confirm(topic.arn, str(token)))
        if pending and not return_subscription_arn:
            return {"SubscriptionArn": PENDING_ARN}
        return {"SubscriptionArn": subscription.arn}

    def _check_endpoint(self, protocol: str, endpoint: str, fifo_topic: bool) -> str:
        if protocol in ("sqs", "lambda", "firehose", "application"):
            parsed = parse_arn(endpoint)
            service = {"sqs": "sqs", "lambda": "lambda", "firehose": "firehose",
                       "application": "sns"}[protocol]
            if parsed is None or parsed.service != service:
                label = {"sqs": "SQS", "lambda": "Lambda", "firehose": "Firehose",
                         "application": "Application"}[protocol]
                raise invalid(f"{label} endpoint ARN")
            if protocol == "sqs" and parsed.resource.endswith(".fifo") and not fifo_topic:
                raise invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be"
                              " subscribed to standard SNS topics")
        elif protocol in ("http", "https"):
            if not endpoint.lower().startswith(f"{protocol}://") or len(endpoint) <= \
                    len(protocol) + 3:
                raise invalid("Endpoint must match the specified protocol")
        elif protocol in ("email", "email-json"):
            if "@" not in endpoint or endpoint.startswith("@") or endpoint.endswith("@"):
                raise invalid("Email address")
        elif protocol == "sms" and not is_sms_endpoint(endpoint):
            raise InvalidParameterException(f"Invalid SMS endpoint: {endpoint}")
        return endpoint

    def _send_confirmation(self, subscription: Subscription) -> None:
        payload = {"kind": "SubscriptionConfirmation", "message_id": self.ids.uuid(),
                   "token": subscription.token, "timestamp_s": self.clock.now()}
        self.deliverer.submit(self.store.enqueue([(subscription.arn, payload)],
                                                 self.clock.now()))

    @operation("ConfirmSubscription")
    def confirm_subscription(self, ctx: RequestContext, *, topic_arn: str | None = None,
                             token: str | None = None,
                             authenticate_on_unsubscribe: str | None = None,
                             **_: Any) -> dict[str, Any]:
        required(topic_arn=topic_arn, token=token)
        topic = self.require_topic(topic_arn)
        for subscription in self.store.by_topic.get(topic.arn, {}).values():
            if subscription.token and subscription.token == token:
                if subscription.pending:
                    subscription.pending = False
                    self.store.put_subscription(subscription)
                return {"SubscriptionArn": subscription.arn}
        raise invalid("Token")

    @operation("Unsubscribe")
    def unsubscribe(self, ctx: RequestContext, *, subscription_arn: str | None = None,
                    **_: Any) -> dict[str, Any]:
        required(subscription_arn=subscription_arn)
        assert subscription_arn is not None
        parsed = parse_arn(subscription_arn)
        if parsed is None or parsed.service != "sns":
            raise invalid("SubscriptionArn Reason: An ARN must have at least 6 elements,"
                          f" not {len((subscription_arn or '').split(':'))}")
        self.store.delete_subscription(subscription_arn)
        return {}

    def _listed(self, subscription: Subscription) -> dict[str, str]:
        return {"SubscriptionArn": LIST_PENDING_ARN if subscription.pending
                else subscription.arn,
                "Owner": subscription.owner, "Protocol": subscription.protocol,
                "Endpoint": subscription.endpoint, "TopicArn": subscription.topic_arn}

    @operation("ListSubscriptions")
    def list_subscriptions(self, ctx: RequestContext, *, next_token: str | None = None,
                           **_: Any) -> dict[str, Any]:
        prefix = f"arn:aws:sns:{ctx.region}:{ctx.account_id}:"
        subs = [s for s in self.store.subscriptions.values() if s.topic_arn.startswith(prefix)]
        return self._page(subs, next_token)

    @operation("ListSubscriptionsByTopic")
    def list_subscriptions_by_topic(self, ctx: RequestContext, *, topic_arn: str | None = None,
                                    next_token: str | None = None,
                                    **_: Any) -> dict[str, Any]:
        topic = self.require_topic(topic_arn)
        return self._page(list(self.store.by_topic.get(topic.arn, {}).values()), next_token)

    def _page(self, subs: list[Subscription], next_token: str | None) -> dict[str, Any]:
        chunk, token = page(subs, next_token, lambda sub: sub.arn)
        result: dict[str, Any] = {"Subscriptions": [self._listed(sub) for sub in chunk]}
        if token:
            result["NextToken"] = token
        return result

    def _subscription(self, arn: str | None) -> Subscription:
        required(subscription_arn=arn)
        if parse_arn(arn or "") is None:
            raise invalid("SubscriptionArn")
        subscription = self.store.subscriptions.get(str(arn))
        if subscription is None:
            raise subscription_not_found()
        return subscription

    @operation("GetSubscriptionAttributes")
    def get_subscription_attributes(self, ctx: RequestContext, *,
                                    subscription_arn: str | None = None,
                                    **_: Any) -> dict[str, Any]:
        sub = self._subscription(subscription_arn)
        topic = self.store.topics.get(sub.topic_arn)
        return {"Attributes": subscription_view(
            arn=sub.arn, topic_arn=sub.topic_arn, owner=sub.owner, protocol=sub.protocol,
            endpoint=sub.endpoint, pending=sub.pending, stored=sub.attributes,
            topic_delivery_policy=topic.attributes.get("DeliveryPolicy") if topic else None)}

    @operation("SetSubscriptionAttributes")
    def set_subscription_attributes(self, ctx: RequestContext, *,
                                    subscription_arn: str | None = None,
                                    attribute_name: str | None = None,
                                    attribute_value: str | None = None,
                                    **_: Any) -> dict[str, Any]:
        required(subscription_arn=subscription_arn, attribute_name=attribute_name)
        assert attribute_name is not None
        sub = self._subscription(subscription_arn)
        value = check_subscription_attribute(attribute_name, attribute_value or "",
                                             protocol=sub.protocol, current=sub.attributes)
        attributes = dict(sub.attributes)
        attributes[attribute_name] = value
        if not value:
            attributes.pop(attribute_name, None)
        sub.attributes = attributes
        sub.compile_filter()
        self.store.put_subscription(sub)
        return {}

