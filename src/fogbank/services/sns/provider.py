"""The SNS provider: topics, subscriptions and publishing (one mixin per concern)."""

from __future__ import annotations

from fogbank.services.sns.permissions import PermissionOperations
from fogbank.services.sns.publishing import PublishOperations
from fogbank.services.sns.subscriptions import SubscriptionOperations
from fogbank.services.sns.topics import TopicOperations


class SnsProvider(PublishOperations, SubscriptionOperations, PermissionOperations,
                  TopicOperations):
    """Amazon SNS: standard and FIFO topics, subscriptions with filter policies, and
    delivery to SQS, Lambda and HTTP/S endpoints.

    Topics, subscriptions and undelivered messages live in ``sns.db`` under the service's
    state directory. A Publish is acknowledged only after its outbox rows are committed;
    the first attempt to SQS and Lambda subscribers is made before Publish returns (so a
    test that publishes and then reads its queue sees the message), everything else and
    every retry is made by a background deliverer (started by ``start``) that resumes
    after a restart, so delivery is at least once.

    Deviations from AWS:
    - email, email-json, sms, application (mobile push) and firehose subscriptions are
      stored (email ones stay pending until ConfirmSubscription with their token; the
      SubscribeURL is logged) but nothing is sent to them: the message is logged instead.
      Publish with PhoneNumber is validated and logged, not sent.
    - Unsubscribing an HTTP/S endpoint sends it no UnsubscribeConfirmation.
    - SQS/Lambda deliveries that fail server-side are retried on AWS's schedule for
      AWS-managed endpoints (``retry.managed_delay_s``: 100,015 retries over ~23 days, on
      the injected clock, surviving restarts), without AWS's jitter; then the message goes
      to the RedrivePolicy dead-letter queue, if any. Client-side errors (queue or function
      gone) go there at once, as in AWS.
    - HTTP/S: any non-2xx answer is retried per the delivery policy; HTTPS certificates
      are not verified (local endpoints are self-signed); throttle policies are not applied.
    - Signatures are real RSA signatures (SHA1 for SignatureVersion 1, SHA256 for 2) when
      the ``cryptography`` package is installed, verifiable with the self-signed
      certificate at SigningCertURL on the edge; without it they are a well-formed base64
      placeholder of RSA-2048 length that verifies against nothing.
    - Topic policies (including AddPermission/RemovePermission statements) are stored and
      returned but not enforced; KMS encryption, data protection, message archiving/replay,
      delivery-status logging, SMS settings and mobile push are stored or not implemented.
    - Topics are found by ARN whatever region the request is sent to (AWS: NotFound
      outside the topic's region), so cross-region calls between services just work.
    - Filter policies are evaluated when the message is published (AWS: before delivery),
      so a policy changed afterwards does not affect messages already accepted.
    """
