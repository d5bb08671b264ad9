"""Resource handlers: a resource type → handler map the engine consults (``HANDLERS``).

Each handler turns resolved properties into calls on other services through the internal
client only. ``Custom::*`` types use the custom resource handler (``handler_for``); types
with no handler are not emulated and get placeholders (``placeholder``).
"""

from __future__ import annotations

from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
)
from fogbank.services.cloudformation.resources.registry import HANDLERS, HandlerMap

__all__ = ["HANDLERS", "HandlerMap", "HandlerServices", "ResourceHandler", "ResourceRequest",
           "ResourceResult"]
