"""STS errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ValidationError(ServiceError):
    """A parameter failed validation (STS's query-protocol code is ``ValidationError``)."""

    status = 400


class MalformedPolicyDocument(ServiceError):
    """The session policy is not valid JSON."""

    status = 400


class InvalidIdentityToken(ServiceError):
    """The web identity token could not be read."""

    status = 400


class ExpiredTokenException(ServiceError):
    """The web identity token has expired."""

    status = 400


class InvalidParameterValue(ServiceError):
    """A parameter value is not valid."""

    status = 400
