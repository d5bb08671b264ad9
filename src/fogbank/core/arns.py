"""ARN building and parsing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account_id: str
    resource: str

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:{self.service}:{self.region}:{self.account_id}:{self.resource}"
        )


def parse_arn(text: str) -> Arn | None:
    """Split an ARN into its parts, or ``None`` if ``text`` is not an ARN."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def arn(service: str, region: str, account_id: str, resource: str) -> str:
    return str(Arn("aws", service, region, account_id, resource))
