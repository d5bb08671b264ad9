"""Object tagging: Put/Get/DeleteObjectTagging on the current or a given version."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.common import validate_tags
from fogbank.services.s3.errors import InvalidTag
from fogbank.services.s3.objects import ObjectOperations
from fogbank.services.s3.store import Bucket, ObjectVersion


class TaggingOperations(ObjectOperations):
    """Object tag sets (mixin of ``S3Provider``)."""

    def _tagged_object(self, bucket: str, key: str, version_id: str | None, method: str
                       ) -> tuple[Bucket, ObjectVersion]:
        target = self.require_bucket(bucket)
        return target, self.find_object(target, key, version_id, method=method)

    @operation("PutObjectTagging")
    async def put_object_tagging(self, ctx: RequestContext, *, bucket: str, key: str,
                                 tagging: dict[str, Any], version_id: str | None = None,
                                 **_: Any) -> dict[str, Any]:
        target, obj = self._tagged_object(bucket, key, version_id, "PUT")
        tags: dict[str, str] = {}
        for tag in tagging.get("TagSet") or []:
            name = tag.get("Key", "")
            if name in tags:
                raise InvalidTag("Cannot provide multiple Tags with the same key")
            tags[name] = tag.get("Value", "")
        validate_tags(tags)
        event = self.object_event(ctx, bucket, "ObjectTagging:Put", key=key,
                                  version_id=self.event_version(target, obj))
        self.store.set_tags(obj.row_id, tags, event)
        await self.deliver_object_event(event)
        return self.version_member(target, obj)

    @operation("GetObjectTagging")
    def get_object_tagging(self, ctx: RequestContext, *, bucket: str, key: str,
                           version_id: str | None = None, **_: Any) -> dict[str, Any]:
        target, obj = self._tagged_object(bucket, key, version_id, "GET")
        result: dict[str, Any] = {"TagSet": [{"Key": name, "Value": value}
                                             for name, value in obj.tags.items()]}
        result.update(self.version_member(target, obj))
        return result

    @operation("DeleteObjectTagging")
    async def delete_object_tagging(self, ctx: RequestContext, *, bucket: str, key: str,
                                    version_id: str | None = None, **_: Any) -> dict[str, Any]:
        target, obj = self._tagged_object(bucket, key, version_id, "DELETE")
        event = self.object_event(ctx, bucket, "ObjectTagging:Delete", key=key,
                                  version_id=self.event_version(target, obj))
        self.store.set_tags(obj.row_id, {}, event)
        await self.deliver_object_event(event)
        return self.version_member(target, obj)
