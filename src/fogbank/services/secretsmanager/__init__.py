"""Secrets Manager.

Flow: ``provider.SecretsManagerProvider`` validates a request, finds the secret through
``store.SecretStore`` (by name, full ARN or partial ARN, purging secrets whose recovery window
has passed), applies version and staging-label rules from ``versions``, and shapes the result.
``listing`` evaluates ListSecrets filters and ``passwords`` implements GetRandomPassword (also
used by CloudFormation's ``GenerateSecretString``).
"""

from fogbank.services.secretsmanager.provider import SecretsManagerProvider

__all__ = ["SecretsManagerProvider"]
