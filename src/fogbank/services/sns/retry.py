"""How long to wait before the next delivery attempt.

HTTP/S endpoints follow the effective delivery policy (``healthyRetryPolicy``: no-delay,
min-delay, backoff and max-delay phases). AWS-managed endpoints (SQS, Lambda) retry three
times at once, twice after a second, then back off to 20 s; AWS keeps going for 23 days,
fogbank stops after ``MANAGED_DELAYS_S`` (about a minute) and moves the message to the
dead-letter queue if the subscription has one.
"""

from __future__ import annotations

import json
from typing import Any

MANAGED_DELAYS_S = (0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0)
MANAGED_PROTOCOLS = frozenset({"sqs", "lambda", "firehose"})

DEFAULT_HTTP_POLICY: dict[str, Any] = {
    "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
    "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear",
}
MAX_HTTP_RETRIES = 100


def default_effective_delivery_policy() -> dict[str, Any]:
    return {"http": {"defaultHealthyRetryPolicy": dict(DEFAULT_HTTP_POLICY),
                     "disableSubscriptionOverrides": False,
                     "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}}


def effective_http_policy(topic_policy: str | None, subscription_policy: str | None
                          ) -> dict[str, Any]:
    """The healthy retry policy in force: subscription over topic over defaults."""
    policy = dict(DEFAULT_HTTP_POLICY)
    topic_doc = _load(topic_policy).get("http", {})
    policy.update(topic_doc.get("defaultHealthyRetryPolicy") or {})
    if not topic_doc.get("disableSubscriptionOverrides"):
        policy.update(_load(subscription_policy).get("healthyRetryPolicy") or {})
    return policy


def _load(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def next_delay_s(protocol: str, attempts_made: int, http_policy: dict[str, Any] | None
                 ) -> float | None:
    """Seconds until retry number ``attempts_made`` (1-based), or ``None`` when out of
    retries."""
    if protocol in MANAGED_PROTOCOLS or http_policy is None:
        index = attempts_made - 1
        return MANAGED_DELAYS_S[index] if index < len(MANAGED_DELAYS_S) else None
    retries = min(int(http_policy.get("numRetries", 3)), MAX_HTTP_RETRIES)
    if attempts_made > retries:
        return None
    no_delay = int(http_policy.get("numNoDelayRetries", 0))
    min_retries = int(http_policy.get("numMinDelayRetries", 0))
    max_retries = int(http_policy.get("numMaxDelayRetries", 0))
    low = float(http_policy.get("minDelayTarget", 20))
    high = max(low, float(http_policy.get("maxDelayTarget", 20)))
    if attempts_made <= no_delay:
        return 0.0
    if attempts_made <= no_delay + min_retries:
        return low
    backoff_count = max(retries - no_delay - min_retries - max_retries, 0)
    step = attempts_made - no_delay - min_retries
    if step > backoff_count:
        return high
    if backoff_count <= 1:
        return low
    fraction = (step - 1) / (backoff_count - 1)
    function = str(http_policy.get("backoffFunction", "linear"))
    if function in ("geometric", "exponential") and low > 0:
        return float(low * (high / low) ** fraction)
    return low + (high - low) * fraction
