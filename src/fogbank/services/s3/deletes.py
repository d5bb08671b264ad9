"""Deleting objects: one key or version (DeleteObject), or up to a thousand at once
(DeleteObjects). In a versioned bucket deleting a key adds a delete marker; deleting a
version removes it for good and the next newest becomes current."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.conditions import check_write_conditions
from fogbank.services.s3.errors import InvalidArgument, MalformedXML, NoSuchKey
from fogbank.services.s3.objects import ObjectOperations, plausible_version
from fogbank.services.s3.store import NULL_VERSION, Bucket, ObjectVersion


class DeleteOperations(ObjectOperations):
    """DeleteObject and DeleteObjects (mixin of ``S3Provider``)."""

    @operation("DeleteObject")
    async def delete_object(self, ctx: RequestContext, *, bucket: str, key: str,
                            version_id: str | None = None, **params: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        if params.get("if_match") is not None:
            current = self.store.latest(bucket, key)
            if current is None or current.delete_marker:
                raise NoSuchKey(fields={"Key": key})
            check_write_conditions(current, if_match=params["if_match"], if_none_match=None)
        return await self.remove_object(ctx, target, key, version_id)

    async def remove_object(self, ctx: RequestContext, bucket: Bucket, key: str,
                            version_id: str | None) -> dict[str, Any]:
        """Delete a key (a delete marker when versioned) or one version; the result members
        of DeleteObject."""
        if version_id is not None:
            if version_id != NULL_VERSION and not plausible_version(version_id):
                raise InvalidArgument("Invalid version id specified",
                                      fields={"ArgumentName": "versionId",
                                              "ArgumentValue": version_id})
            event = self.object_event(ctx, bucket.name, "ObjectRemoved:Delete", key=key,
                                      version_id=version_id)
            gone = self.store.delete_version(bucket.name, key, version_id, event)
            if gone is None:
                return {"VersionId": version_id}
            self.files.remove([gone.file])
            await self.deliver_object_event(event)
            result: dict[str, Any] = {"VersionId": version_id}
            if gone.delete_marker:
                result["DeleteMarker"] = True
            return result
        if not bucket.versioning:
            event = self.object_event(ctx, bucket.name, "ObjectRemoved:Delete", key=key)
            gone = self.store.delete_version(bucket.name, key, NULL_VERSION, event)
            if gone is not None:
                self.files.remove([gone.file])
                await self.deliver_object_event(event)
            return {}
        marker = ObjectVersion(bucket.name, key, self.next_version_id(bucket), True, True, 0,
                               "", self.now_s(), "STANDARD", None)
        event = self.object_event(ctx, bucket.name, "ObjectRemoved:DeleteMarkerCreated",
                                  key=key, version_id=marker.version_id)
        self.files.remove(self.store.put_version(marker, event))
        await self.deliver_object_event(event)
        return {"DeleteMarker": True, "VersionId": marker.version_id}

    @operation("DeleteObjects")
    async def delete_objects(self, ctx: RequestContext, *, bucket: str,
                             delete: dict[str, Any], **_: Any) -> dict[str, Any]:
        entries = delete.get("Objects") or []
        if not entries or len(entries) > 1000:
            raise MalformedXML()
        target = self.require_bucket(bucket)
        quiet = bool(delete.get("Quiet"))
        deleted: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for entry in entries:
            key = entry.get("Key", "")
            version_id = entry.get("VersionId")
            try:
                outcome = await self.remove_object(ctx, target, key, version_id)
            except InvalidArgument as error:
                errors.append({"Key": key, "VersionId": version_id, "Code": "NoSuchVersion",
                               "Message": error.message})
                continue
            if quiet:
                continue
            done: dict[str, Any] = {"Key": key}
            if version_id is not None:
                done["VersionId"] = version_id
                if outcome.get("DeleteMarker"):
                    done["DeleteMarker"] = True
            elif outcome.get("DeleteMarker"):
                done["DeleteMarker"] = True
                done["DeleteMarkerVersionId"] = outcome["VersionId"]
            deleted.append(done)
        result: dict[str, Any] = {}
        if deleted:
            result["Deleted"] = deleted
        if errors:
            result["Errors"] = [{k: v for k, v in error.items() if v is not None}
                                for error in errors]
        return result
