"""RestoreObject: archived objects (GLACIER, DEEP_ARCHIVE) become readable for the requested
number of days. Restores complete at once (no retrieval tier delays)."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.errors import InvalidObjectState, MalformedXML
from fogbank.services.s3.objects import COLD_CLASSES, ObjectOperations

DAY_S = 86400


class RestoreOperations(ObjectOperations):
    """Restores of archived objects (mixin of ``S3Provider``)."""

    @operation("RestoreObject")
    def restore_object(self, ctx: RequestContext, *, bucket: str, key: str,
                       restore_request: dict[str, Any] | None = None,
                       version_id: str | None = None, **_: Any) -> dict[str, Any]:
        target = self.require_bucket(bucket)
        obj = self.find_object(target, key, version_id, method="POST")
        if obj.storage_class not in COLD_CLASSES:
            raise InvalidObjectState("Restore is not allowed for the object's current storage "
                                     "class", fields={"StorageClass": obj.storage_class})
        days = (restore_request or {}).get("Days")
        if not isinstance(days, int) or days < 1:
            raise MalformedXML()
        # Expiry is midnight UTC after the requested days, as S3 rounds it.
        expiry_s = (int(self.ctx.clock.now()) // DAY_S + days + 1) * DAY_S
        self.store.set_attrs(obj.row_id, {**obj.attrs, "RestoreExpiry": expiry_s})
        return {}

