"""How long to wait before the next delivery attempt.

HTTP/S endpoints follow the effective delivery policy (``healthyRetryPolicy``: no-delay,
min-delay, backoff and max-delay phases). AWS-managed endpoints (SQS, Lambda) follow SNS's
fixed policy for them ("Amazon SNS message delivery retries"): 3 retries without delay, 2
retries 1 s apart, 10 retries backing off exponentially from 1 s to 20 s, then 100,000
retries 20 s apart — about 23 days — after which the message goes to the subscription's
dead-letter queue, if it has one. Delays are exact (AWS adds jitter).
"""

from __future__ import annotations

import json
from typing import Any

MANAGED_PROTOCOLS = frozenset({"sqs", "lambda", "firehose"})
MANAGED_IMMEDIATE_RETRIES = 3
MANAGED_PRE_BACKOFF_RETRIES, MANAGED_PRE_BACKOFF_DELAY_S = 2, 1.0
MANAGED_BACKOFF_RETRIES, MANAGED_BACKOFF_MIN_S, MANAGED_BACKOFF_MAX_S = 10, 1.0, 20.0
MANAGED_POST_BACKOFF_RETRIES, MANAGED_POST_BACKOFF_DELAY_S = 100_000, 20.0

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
        return managed_delay_s(attempts_made)
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


def managed_delay_s(retry_number: int) -> float | None:
    """Seconds before retry ``retry_number`` (1-based) to an AWS-managed endpoint, or
    ``None`` once the policy is exhausted."""
    step = retry_number
    if step <= MANAGED_IMMEDIATE_RETRIES:
        return 0.0
    step -= MANAGED_IMMEDIATE_RETRIES
    if step <= MANAGED_PRE_BACKOFF_RETRIES:
        return MANAGED_PRE_BACKOFF_DELAY_S
    step -= MANAGED_PRE_BACKOFF_RETRIES
    if step <= MANAGED_BACKOFF_RETRIES:
        fraction = (step - 1) / (MANAGED_BACKOFF_RETRIES - 1)
        return float(MANAGED_BACKOFF_MIN_S
                     * (MANAGED_BACKOFF_MAX_S / MANAGED_BACKOFF_MIN_S) ** fraction)
    step -= MANAGED_BACKOFF_RETRIES
    if step <= MANAGED_POST_BACKOFF_RETRIES:
        return MANAGED_POST_BACKOFF_DELAY_S
    return None
