"""Failures inside the engine, turned into stack events and ``ValidationError``s."""

from __future__ import annotations


class IntrinsicError(Exception):
    """An intrinsic function or condition that cannot be evaluated (a template mistake)."""


class ResourceFailure(Exception):
    """A resource handler failed; the message becomes the event's ResourceStatusReason."""


class NeedsReplacement(Exception):
    """Raised by a handler's ``update`` when the change requires a new physical resource."""
