"""The bucket subresource operations (``?cors``, ``?tagging``, ``?policy``, ``?website``,
``?encryption``, ``?ownershipControls``, ``?publicAccessBlock``, ``?lifecycle``): validate,
store one JSON document per bucket and kind, give it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.config import validation
from fogbank.services.s3.config.errors import (
    MalformedXML,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchLifecycleConfiguration,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchTagSet,
    NoSuchWebsiteConfiguration,
    OwnershipControlsNotFoundError,
)
from fogbank.services.s3.config.store import ConfigStore

# What a bucket has when nothing was set (S3's defaults since 2023).
DEFAULT_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
    "SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}
DEFAULT_OWNERSHIP = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
DEFAULT_PUBLIC_ACCESS_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                               "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
REMOVED = "__removed__"  # marks a default configuration that was deleted
OWNERSHIP_VALUES = frozenset({"BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"})


class SubresourceOperations:
    """Mixin of ``S3Provider`` (see the package docstring for what it relies on)."""

    db: Any
    ctx: Any
    require_bucket: Callable[[str], Any]  # given by S3Provider (raises NoSuchBucket)

    @property
    def config_store(self) -> ConfigStore:
        store = self.__dict__.get("_config_store")
        if store is None:
            store = self.__dict__["_config_store"] = ConfigStore(self.db)
        return store

    def _read(self, bucket: str, kind: str) -> Any | None:
        self.require_bucket(bucket)
        return self.config_store.get(bucket, kind)

    def _write(self, bucket: str, kind: str, document: Any) -> None:
        self.require_bucket(bucket)
        self.config_store.put(bucket, kind, document)

    def _defaulted(self, bucket: str, kind: str, default: dict[str, Any],
                   missing: Exception) -> dict[str, Any]:
        """A configuration new buckets have by default, until it is deleted."""
        stored = self._read(bucket, kind)
        if stored is None:
            return default
        if stored.get(REMOVED):
            raise missing
        return dict(stored)

    def _drop(self, bucket: str, kind: str) -> None:
        self.require_bucket(bucket)
        self.config_store.delete(bucket, kind)

    # -- CORS --------------------------------------------------------------------------

    @operation("PutBucketCors")
    def put_bucket_cors(self, ctx: RequestContext, *, bucket: str,
                        cors_configuration: Any = None, **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        self._write(bucket, "cors", validation.check_cors(cors_configuration))
        return {}

    @operation("GetBucketCors")
    def get_bucket_cors(self, ctx: RequestContext, *, bucket: str, **_: Any
                        ) -> dict[str, Any]:
        rules = self._read(bucket, "cors")
        if rules is None:
            raise NoSuchCORSConfiguration("The CORS configuration does not exist",
                                          fields={"BucketName": bucket})
        return {"CORSRules": rules}

    @operation("DeleteBucketCors")
    def delete_bucket_cors(self, ctx: RequestContext, *, bucket: str, **_: Any
                           ) -> dict[str, Any]:
        self._drop(bucket, "cors")
        return {}

    # -- tagging -----------------------------------------------------------------------

    @operation("PutBucketTagging")
    def put_bucket_tagging(self, ctx: RequestContext, *, bucket: str, tagging: Any = None,
                           **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        self._write(bucket, "tagging", validation.check_tags(tagging))
        return {}

    @operation("GetBucketTagging")
    def get_bucket_tagging(self, ctx: RequestContext, *, bucket: str, **_: Any
                           ) -> dict[str, Any]:
        tags = self._read(bucket, "tagging")
        if not tags:
            raise NoSuchTagSet("The TagSet does not exist", fields={"BucketName": bucket})
        return {"TagSet": tags}

    @operation("DeleteBucketTagging")
    def delete_bucket_tagging(self, ctx: RequestContext, *, bucket: str, **_: Any
                              ) -> dict[str, Any]:
        self._drop(bucket, "tagging")
        return {}

    # -- policy ------------------------------------------------------------------------

    @operation("PutBucketPolicy")
    def put_bucket_policy(self, ctx: RequestContext, *, bucket: str, policy: Any = None,
                          **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        self._write(bucket, "policy", validation.check_policy(policy))
        return {}

    @operation("GetBucketPolicy")
    def get_bucket_policy(self, ctx: RequestContext, *, bucket: str, **_: Any
                          ) -> dict[str, Any]:
        return {"Policy": self._policy_text(bucket)}

    def _policy_text(self, bucket: str) -> str:
        stored = self._read(bucket, "policy")
        if stored is None:
            raise NoSuchBucketPolicy("The bucket policy does not exist",
                                     fields={"BucketName": bucket})
        return str(stored["text"])

    @operation("GetBucketPolicyStatus")
    def get_bucket_policy_status(self, ctx: RequestContext, *, bucket: str, **_: Any
                                 ) -> dict[str, Any]:
        text = self._policy_text(bucket)
        return {"PolicyStatus": {"IsPublic": validation.policy_is_public(text)}}

    @operation("DeleteBucketPolicy")
    def delete_bucket_policy(self, ctx: RequestContext, *, bucket: str, **_: Any
                             ) -> dict[str, Any]:
        self._drop(bucket, "policy")
        return {}

    # -- website -----------------------------------------------------------------------

    @operation("PutBucketWebsite")
    def put_bucket_website(self, ctx: RequestContext, *, bucket: str,
                           website_configuration: Any = None, **_: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        self._write(bucket, "website", validation.check_website(website_configuration))
        return {}

    @operation("GetBucketWebsite")
    def get_bucket_website(self, ctx: RequestContext, *, bucket: str, **_: Any
                           ) -> dict[str, Any]:
        website = self._read(bucket, "website")
        if website is None:
            raise NoSuchWebsiteConfiguration(
                "The specified bucket does not have a website configuration",
                fields={"BucketName": bucket})
        return dict(website)

    @operation("DeleteBucketWebsite")
    def delete_bucket_website(self, ctx: RequestContext, *, bucket: str, **_: Any
                              ) -> dict[str, Any]:
        self._drop(bucket, "website")
        return {}

    # -- stored, not enforced: encryption, ownership, public access block, lifecycle ---

    @operation("PutBucketEncryption")
    def put_bucket_encryption(self, ctx: RequestContext, *, bucket: str,
                              server_side_encryption_configuration: Any = None, **_: Any
                              ) -> dict[str, Any]:
        document = server_side_encryption_configuration
        if not isinstance(document, dict) or not document.get("Rules"):
            raise MalformedXML()
        rules = [{**rule, "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled", False))}
                 for rule in document["Rules"]]
        self._write(bucket, "encryption", {"Rules": rules})
        return {}

    @operation("GetBucketEncryption")
    def get_bucket_encryption(self, ctx: RequestContext, *, bucket: str, **_: Any
                              ) -> dict[str, Any]:
        stored = self._read(bucket, "encryption")
        return {"ServerSideEncryptionConfiguration": stored or DEFAULT_ENCRYPTION}

    @operation("DeleteBucketEncryption")
    def delete_bucket_encryption(self, ctx: RequestContext, *, bucket: str, **_: Any
                                 ) -> dict[str, Any]:
        self._drop(bucket, "encryption")
        return {}

    @operation("PutBucketOwnershipControls")
    def put_bucket_ownership_controls(self, ctx: RequestContext, *, bucket: str,
                                      ownership_controls: Any = None, **_: Any
                                      ) -> dict[str, Any]:
        rules = (ownership_controls or {}).get("Rules") if isinstance(
            ownership_controls, dict) else None
        if not rules or len(rules) != 1 or rules[0].get("ObjectOwnership") \
                not in OWNERSHIP_VALUES:
            raise MalformedXML()
        self._write(bucket, "ownership", {"Rules": rules})
        return {}

    @operation("GetBucketOwnershipControls")
    def get_bucket_ownership_controls(self, ctx: RequestContext, *, bucket: str, **_: Any
                                      ) -> dict[str, Any]:
        return {"OwnershipControls": self._defaulted(
            bucket, "ownership", DEFAULT_OWNERSHIP,
            OwnershipControlsNotFoundError(fields={"BucketName": bucket}))}

    def bucket_object_ownership(self, bucket: str) -> str | None:
        """The bucket's ObjectOwnership setting; None once its controls were deleted."""
        stored = self.config_store.get(bucket, "ownership")
        if stored is None:
            stored = DEFAULT_OWNERSHIP
        return None if stored.get(REMOVED) else str(stored["Rules"][0]["ObjectOwnership"])

    @operation("DeleteBucketOwnershipControls")
    def delete_bucket_ownership_controls(self, ctx: RequestContext, *, bucket: str,
                                         **_: Any) -> dict[str, Any]:
        self._write(bucket, "ownership", {REMOVED: True})
        return {}

    @operation("PutPublicAccessBlock")
    def put_public_access_block(self, ctx: RequestContext, *, bucket: str,
                                public_access_block_configuration: Any = None, **_: Any
                                ) -> dict[str, Any]:
        document = public_access_block_configuration
        if not isinstance(document, dict):
            raise MalformedXML()
        stored = {name: bool(document.get(name, False)) for name in DEFAULT_PUBLIC_ACCESS_BLOCK}
        self._write(bucket, "public_access_block", stored)
        return {}

    @operation("GetPublicAccessBlock")
    def get_public_access_block(self, ctx: RequestContext, *, bucket: str, **_: Any
                                ) -> dict[str, Any]:
        return {"PublicAccessBlockConfiguration": self._defaulted(
            bucket, "public_access_block", DEFAULT_PUBLIC_ACCESS_BLOCK,
            NoSuchPublicAccessBlockConfiguration(fields={"BucketName": bucket}))}

    @operation("DeletePublicAccessBlock")
    def delete_public_access_block(self, ctx: RequestContext, *, bucket: str, **_: Any
                                   ) -> dict[str, Any]:
        self._write(bucket, "public_access_block", {REMOVED: True})
        return {}

    @operation("PutBucketLifecycleConfiguration")
    def put_bucket_lifecycle_configuration(self, ctx: RequestContext, *, bucket: str,
                                           lifecycle_configuration: Any = None, **_: Any
                                           ) -> dict[str, Any]:
        self.require_bucket(bucket)
        rules = validation.check_lifecycle(lifecycle_configuration)
        self._write(bucket, "lifecycle", {"Rules": rules})
        return {"TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}

    @operation("GetBucketLifecycleConfiguration")
    def get_bucket_lifecycle_configuration(self, ctx: RequestContext, *, bucket: str,
                                           **_: Any) -> dict[str, Any]:
        stored = self._read(bucket, "lifecycle")
        if stored is None:
            raise NoSuchLifecycleConfiguration("The lifecycle configuration does not exist",
                                               fields={"BucketName": bucket})
        return {"Rules": stored["Rules"],
                "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}

    @operation("DeleteBucketLifecycle")
    def delete_bucket_lifecycle(self, ctx: RequestContext, *, bucket: str, **_: Any
                                ) -> dict[str, Any]:
        self._drop(bucket, "lifecycle")
        return {}
