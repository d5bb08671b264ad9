"""SSM Parameter Store.

Flow: ``provider.SsmProvider`` validates each request (``names`` holds AWS's name, label and
constraint rules), reads and writes parameters through ``store.ParameterStore`` (one JSON
document per parameter with its last 100 versions and its tags, in SQLite under the service's
state directory) and shapes the answer; ``filters`` evaluates DescribeParameters' and
GetParametersByPath's ``ParameterFilters``; ``secrets_reference`` answers GetParameter of
``/aws/reference/secretsmanager/...`` by calling Secrets Manager.
"""

from fogbank.services.ssm.provider import SsmProvider

__all__ = ["SsmProvider"]
