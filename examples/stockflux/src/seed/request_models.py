"""CloudFormation's request to the seed resource, validated with Powertools' parser.

Imported by ``app.parse_request`` on first use, not at init: pydantic and the parser's models
are most of this function's init (about 0.5 s warm, 2 s on a first run whose bytecode cache
is cold), while the function runs once per deployment and Lambda limits init to 10 s.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import (
    CloudFormationCustomResourceCreateModel,
    CloudFormationCustomResourceDeleteModel,
    CloudFormationCustomResourceUpdateModel,
)
from pydantic import BaseModel, ConfigDict, Field


class SeedProperties(BaseModel):
    """The resource's properties (ServiceToken, Region, Table), as the original had them."""

    model_config = ConfigDict(extra="allow")
    Table: str = Field(min_length=1)
    Region: str | None = None


class SeedCreate(CloudFormationCustomResourceCreateModel):
    resource_properties: SeedProperties = Field(..., alias="ResourceProperties")


class SeedUpdate(CloudFormationCustomResourceUpdateModel):
    resource_properties: SeedProperties = Field(..., alias="ResourceProperties")


class SeedDelete(CloudFormationCustomResourceDeleteModel):
    resource_properties: SeedProperties = Field(..., alias="ResourceProperties")


SeedRequest = SeedCreate | SeedUpdate | SeedDelete
MODELS: dict[str, type[SeedRequest]] = {"Create": SeedCreate, "Update": SeedUpdate,
                                        "Delete": SeedDelete}


def parse_request(event: dict[str, Any]) -> SeedRequest:
    """The validated request (a missing ``Table`` is a ValidationError)."""
    return parse(event=event, model=MODELS[event["RequestType"]])
