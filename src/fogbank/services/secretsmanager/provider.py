"""Secrets Manager provider: secret lifecycle and values (listing and tags in
``provider_support``)."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, ServiceContext, operation
from fogbank.services.secretsmanager import versions as stages
from fogbank.services.secretsmanager.errors import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceExistsException,
    ResourceNotFoundException,
    marked_for_deletion,
    secret_not_found,
)
from fogbank.services.secretsmanager.names import (
    SUFFIX_ALPHABET,
    check_length,
    check_name,
    check_tags,
    check_value,
    secret_arn,
)
from fogbank.services.secretsmanager.passwords import random_password
from fogbank.services.secretsmanager.provider_support import ListingOperations, day_start

DAY_S = 86400
DEFAULT_RECOVERY_DAYS = 30


class SecretsManagerProvider(ListingOperations):
    """Secrets Manager: secrets, versions with staging labels, scheduled deletion, tags.

    Secrets live in ``secretsmanager.db`` under the service's state directory and survive
    restarts; a secret whose recovery window has passed is purged the next time it is looked
    up or listed.

    Deviations from AWS:
    - No KMS: values are stored as given; ``KmsKeyId`` is stored and echoed only.
    - Rotation (RotateSecret, CancelRotateSecret), replication, resource policies and
      ValidateResourcePolicy are not emulated (the operations are not registered).
    - ``LastAccessedDate`` is kept per secret and per version, truncated to the day as AWS
      shows it.
    """

    service = "secretsmanager"

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)

    # -- helpers ---------------------------------------------------------------------------
    def secret(self, ctx: RequestContext, secret_id: str, *,
               allow_deleted: bool = False) -> dict[str, Any]:
        check_length(secret_id, "secretId", 1, 2048)
        doc = self.store.find(ctx.region, secret_id)
        if doc is None:
            raise secret_not_found()
        if doc.get("deleted_s") is not None and not allow_deleted:
            raise marked_for_deletion()
        return doc

    def _token(self, token: str | None) -> str:
        check_length(token, "clientRequestToken", 32, 64)
        return token or self.ids.uuid()

    def _reuse(self, doc: dict[str, Any], token: str | None, secret_string: str | None,
               secret_binary: bytes | None) -> bool:
        """Whether ``token`` names an existing version with the same value (an idempotent
        retry); raises if it names one with a different value."""
        if token is None or token not in doc["versions"]:
            return False
        if stages.same_value(doc["versions"][token], secret_string, secret_binary):
            return True
        raise ResourceExistsException(
            f"You can't use ClientRequestToken {token} because that value is already in use"
            f" for a version of secret {doc['arn']}.")

    # -- create / update -------------------------------------------------------------------
    @operation("CreateSecret")
    def create_secret(self, ctx: RequestContext, *, name: str,
                      client_request_token: str | None = None,
                      description: str | None = None, kms_key_id: str | None = None,
                      secret_binary: bytes | None = None, secret_string: str | None = None,
                      tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        check_name(name)
        check_length(description, "description", 0, 2048)
        check_length(kms_key_id, "kmsKeyId", 0, 2048)
        check_value(secret_string, secret_binary)
        check_tags(tags)
        has_value = secret_string is not None or secret_binary is not None
        existing = self.store.by_name(ctx.region, name)
        if existing is not None:
            if existing.get("deleted_s") is not None:
                raise InvalidRequestException("You can't create this secret because a secret"
                                              " with this name is already scheduled for"
                                              " deletion.")
            if has_value and self._reuse(existing, client_request_token, secret_string,
                                         secret_binary):
                return {"ARN": existing["arn"], "Name": name,
                        "VersionId": client_request_token}
            raise ResourceExistsException(
                f"The operation failed because the secret {name} already exists.")
        now = self.clock.now()
        suffix = self.ids.short(6, SUFFIX_ALPHABET)
        doc: dict[str, Any] = {
            "name": name, "arn": secret_arn(ctx.region, self.account_id, name, suffix),
            "description": description, "kms_key_id": kms_key_id,
            "tags": list(tags) if tags is not None else None,
            "created_s": now, "changed_s": now, "accessed_s": None, "deleted_s": None,
            "purge_s": None, "versions": {},
        }
        out: dict[str, Any] = {"ARN": doc["arn"], "Name": name}
        if has_value:
            version_id = self._token(client_request_token)
            stages.add_version(doc, version_id,
                               stages.new_version(secret_string, secret_binary, now),
                               [stages.CURRENT])
            out["VersionId"] = version_id
        self.store.save(ctx.region, doc)
        return out

    @operation("PutSecretValue")
    def put_secret_value(self, ctx: RequestContext, *, secret_id: str,
                         client_request_token: str | None = None,
                         secret_binary: bytes | None = None, secret_string: str | None = None,
                         version_stages: list[str] | None = None,
                         **_: Any) -> dict[str, Any]:
        check_value(secret_string, secret_binary)
        check_length(version_stages, "versionStages", 1, 20)
        if secret_string is None and secret_binary is None:
            raise InvalidRequestException("You must provide either SecretString or"
                                          " SecretBinary.")
        doc = self.secret(ctx, secret_id)
        labels = list(version_stages or [stages.CURRENT])
        if stages.holder(doc, stages.CURRENT) is None and stages.CURRENT not in labels:
            labels.append(stages.CURRENT)  # a secret's first version is always current
        if self._reuse(doc, client_request_token, secret_string, secret_binary):
            version_id = str(client_request_token)
        else:
            version_id = self._token(client_request_token)
            stages.add_version(doc, version_id,
                               stages.new_version(secret_string, secret_binary,
                                                  self.clock.now()), labels)
            doc["changed_s"] = self.clock.now()
            self.store.save(ctx.region, doc)
        return {"ARN": doc["arn"], "Name": doc["name"], "VersionId": version_id,
                "VersionStages": list(doc["versions"][version_id]["stages"])}

    @operation("UpdateSecret")
    def update_secret(self, ctx: RequestContext, *, secret_id: str,
                      client_request_token: str | None = None,
                      description: str | None = None, kms_key_id: str | None = None,
                      secret_binary: bytes | None = None, secret_string: str | None = None,
                      **_: Any) -> dict[str, Any]:
        check_length(description, "description", 0, 2048)
        check_value(secret_string, secret_binary)
        doc = self.secret(ctx, secret_id)
        out: dict[str, Any] = {"ARN": doc["arn"], "Name": doc["name"]}
        if description is not None:
            doc["description"] = description
        if kms_key_id is not None:
            doc["kms_key_id"] = kms_key_id
        if secret_string is not None or secret_binary is not None:
            if self._reuse(doc, client_request_token, secret_string, secret_binary):
                out["VersionId"] = client_request_token
            else:
                version_id = self._token(client_request_token)
                stages.add_version(doc, version_id,
                                   stages.new_version(secret_string, secret_binary,
                                                      self.clock.now()), [stages.CURRENT])
                out["VersionId"] = version_id
        doc["changed_s"] = self.clock.now()
        self.store.save(ctx.region, doc)
        return out

    # -- values ----------------------------------------------------------------------------
    def _version_for(self, doc: dict[str, Any], version_id: str | None,
                     version_stage: str | None) -> str:
        if version_id is not None:
            if version_id not in doc["versions"]:
                raise ResourceNotFoundException("Secrets Manager can't find the specified"
                                                f" secret value for VersionId: {version_id}")
            if version_stage and version_stage not in doc["versions"][version_id]["stages"]:
                raise InvalidRequestException("You provided a VersionStage that is not"
                                              " associated to the provided VersionId.")
            return version_id
        stage = version_stage or stages.CURRENT
        found = stages.holder(doc, stage)
        if found is None or not stages.has_value(doc["versions"][found]):
            raise ResourceNotFoundException("Secrets Manager can't find the specified secret"
                                            f" value for staging label: {stage}")
        return found

    def read_value(self, ctx: RequestContext, secret_id: str, version_id: str | None,
                   version_stage: str | None) -> dict[str, Any]:
        check_length(version_id, "versionId", 32, 64)
        check_length(version_stage, "versionStage", 1, 256)
        doc = self.secret(ctx, secret_id)
        chosen = self._version_for(doc, version_id, version_stage)
        version = doc["versions"][chosen]
        today = day_start(self.clock.now())
        if doc.get("accessed_s") != today or version.get("accessed_s") != today:
            doc["accessed_s"] = version["accessed_s"] = today
            self.store.save(ctx.region, doc)
        return {"ARN": doc["arn"], "Name": doc["name"], "VersionId": chosen,
                **stages.value_out(version), "VersionStages": list(version["stages"]),
                "CreatedDate": version["created_s"]}

    @operation("GetSecretValue")
    def get_secret_value(self, ctx: RequestContext, *, secret_id: str,
                         version_id: str | None = None, version_stage: str | None = None,
                         **_: Any) -> dict[str, Any]:
        return self.read_value(ctx, secret_id, version_id, version_stage)

    @operation("UpdateSecretVersionStage")
    def update_secret_version_stage(self, ctx: RequestContext, *, secret_id: str,
                                    version_stage: str,
                                    remove_from_version_id: str | None = None,
                                    move_to_version_id: str | None = None,
                                    **_: Any) -> dict[str, Any]:
        check_length(version_stage, "versionStage", 1, 256)
        doc = self.secret(ctx, secret_id)
        versions: dict[str, dict[str, Any]] = doc["versions"]
        for version_id in (remove_from_version_id, move_to_version_id):
            if version_id is not None and version_id not in versions:
                raise InvalidParameterException(f"Not a valid version: {version_id}")
        current_holder = stages.holder(doc, version_stage)
        if remove_from_version_id is not None and current_holder != remove_from_version_id:
            raise InvalidParameterException(f"Version stage {version_stage} not found in"
                                            f" version {remove_from_version_id}")
        if (move_to_version_id is not None and current_holder not in (None, move_to_version_id)
                and remove_from_version_id is None):
            raise InvalidParameterException(
                f"The parameter RemoveFromVersionId can't be empty. Staging label"
                f" {version_stage} is currently attached to version {current_holder}, so you"
                " must explicitly reference that version in RemoveFromVersionId.")
        if move_to_version_id is not None:
            stages.attach(doc, move_to_version_id, version_stage)
        elif remove_from_version_id is not None:
            versions[remove_from_version_id]["stages"].remove(version_stage)
        stages.drop_deprecated(doc)
        doc["changed_s"] = self.clock.now()
        self.store.save(ctx.region, doc)
        return {"ARN": doc["arn"], "Name": doc["name"]}

    # -- delete / restore ------------------------------------------------------------------
    @operation("DeleteSecret")
    def delete_secret(self, ctx: RequestContext, *, secret_id: str,
                      recovery_window_in_days: int | None = None,
                      force_delete_without_recovery: bool | None = None,
                      **_: Any) -> dict[str, Any]:
        if recovery_window_in_days is not None and not 7 <= recovery_window_in_days <= 30:
            raise InvalidParameterException("The RecoveryWindowInDays value must be between 7"
                                            " and 30 days (inclusive).")
        if recovery_window_in_days is not None and force_delete_without_recovery:
            raise InvalidParameterException("You can't use ForceDeleteWithoutRecovery in"
                                            " conjunction with RecoveryWindowInDays.")
        now = self.clock.now()
        if force_delete_without_recovery and self.store.find(ctx.region, secret_id) is None:
            # Forced deletion is idempotent: a secret that is already gone is not an error.
            name = secret_id.split(":")[-1] if secret_id.startswith("arn:") else secret_id
            return {"ARN": secret_id if secret_id.startswith("arn:") else secret_arn(
                ctx.region, self.account_id, name, self.ids.short(6, SUFFIX_ALPHABET)),
                "Name": name, "DeletionDate": now}
        doc = self.secret(ctx, secret_id, allow_deleted=True)
        if force_delete_without_recovery:
            self.store.delete(ctx.region, doc["name"])
            return {"ARN": doc["arn"], "Name": doc["name"], "DeletionDate": now}
        if doc.get("deleted_s") is not None:
            raise InvalidRequestException("You tried to perform the operation on a secret"
                                          " that's currently marked deleted.")
        doc["deleted_s"] = now
        doc["purge_s"] = now + (recovery_window_in_days or DEFAULT_RECOVERY_DAYS) * DAY_S
        self.store.save(ctx.region, doc)
        return {"ARN": doc["arn"], "Name": doc["name"], "DeletionDate": doc["purge_s"]}

    @operation("RestoreSecret")
    def restore_secret(self, ctx: RequestContext, *, secret_id: str,
                       **_: Any) -> dict[str, Any]:
        doc = self.secret(ctx, secret_id, allow_deleted=True)
        if doc.get("deleted_s") is not None:
            doc["deleted_s"] = doc["purge_s"] = None
            doc["changed_s"] = self.clock.now()
            self.store.save(ctx.region, doc)
        return {"ARN": doc["arn"], "Name": doc["name"]}

    # -- passwords -------------------------------------------------------------------------
    @operation("GetRandomPassword")
    def get_random_password(self, ctx: RequestContext, *, password_length: int | None = None,
                            exclude_characters: str | None = None,
                            exclude_numbers: bool | None = None,
                            exclude_punctuation: bool | None = None,
                            exclude_uppercase: bool | None = None,
                            exclude_lowercase: bool | None = None,
                            include_space: bool | None = None,
                            require_each_included_type: bool | None = None,
                            **_: Any) -> dict[str, Any]:
        password = random_password(
            self.rng, length=password_length, exclude_characters=exclude_characters,
            exclude_numbers=bool(exclude_numbers), exclude_punctuation=bool(exclude_punctuation),
            exclude_uppercase=bool(exclude_uppercase), exclude_lowercase=bool(exclude_lowercase),
            include_space=bool(include_space),
            require_each_included_type=require_each_included_type is not False)
        return {"RandomPassword": password}
