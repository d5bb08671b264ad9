"""IAM errors, named like their wire codes (IAM's are short: ``NoSuchEntity``)."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class NoSuchEntity(ServiceError):
    """The request referenced a resource entity that does not exist."""

    status = 404


class EntityAlreadyExists(ServiceError):
    """The request tried to create a resource that already exists."""

    status = 409


class DeleteConflict(ServiceError):
    """The entity cannot be deleted while other entities depend on it."""

    status = 409


class LimitExceeded(ServiceError):
    """The request would exceed a quota."""

    status = 409


class MalformedPolicyDocument(ServiceError):
    """The policy document is malformed."""

    status = 400


class InvalidInput(ServiceError):
    """An invalid or out-of-range value was supplied."""

    status = 400


class ValidationError(ServiceError):
    """A parameter failed its model constraint (IAM's code is ``ValidationError``)."""

    status = 400


def role_not_found(role_name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The role with name {role_name} cannot be found.")


def user_not_found(user_name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The user with name {user_name} cannot be found.")


def policy_not_found(policy_arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {policy_arn} was not found.")
