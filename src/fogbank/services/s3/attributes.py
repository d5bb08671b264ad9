"""GetObjectAttributes: an object's ETag, checksum, parts, storage class and size without
its body."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.errors import InvalidArgument
from fogbank.services.s3.objects import ObjectOperations, bare_etag

ATTRIBUTES = frozenset({"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"})


class AttributeOperations(ObjectOperations):
    """GetObjectAttributes (mixin of ``S3Provider``)."""

    @operation("GetObjectAttributes")
    def get_object_attributes(self, ctx: RequestContext, *, bucket: str, key: str,
                              object_attributes: list[str], version_id: str | None = None,
                              max_parts: int | None = None,
                              part_number_marker: int | None = None,
                              **_: Any) -> dict[str, Any]:
        wanted = set(object_attributes or [])
        unknown = wanted - ATTRIBUTES
        if not wanted or unknown:
            raise InvalidArgument("Invalid attribute name specified.",
                                  fields={"ArgumentName": "x-amz-object-attributes",
                                          "ArgumentValue": ",".join(sorted(unknown))})
        target = self.require_bucket(bucket)
        obj = self.find_object(target, key, version_id, method="GET")
        result: dict[str, Any] = {"LastModified": obj.modified}
        result.update(self.version_member(target, obj))
        attrs = obj.attrs
        if "ETag" in wanted:
            result["ETag"] = bare_etag(obj.etag)
        if "StorageClass" in wanted:
            result["StorageClass"] = obj.storage_class
        if "ObjectSize" in wanted:
            result["ObjectSize"] = obj.size
        algorithm = attrs.get("ChecksumAlgorithm")
        if "Checksum" in wanted and algorithm:
            value = str(attrs["Checksum"]).split("-", 1)[0]  # shown without "-<parts>"
            result["Checksum"] = {f"Checksum{algorithm}": value,
                                  "ChecksumType": attrs.get("ChecksumType", "FULL_OBJECT")}
        sizes: list[int] | None = attrs.get("PartSizes")
        if "ObjectParts" in wanted and sizes:
            result["ObjectParts"] = _parts(sizes, attrs.get("PartChecksums"), algorithm,
                                           max_parts, part_number_marker or 0)
        return result


def _parts(sizes: list[int], checksums: list[str | None] | None, algorithm: str | None,
           max_parts: int | None, marker: int) -> dict[str, Any]:
    limit = min(max_parts if max_parts is not None else 1000, 1000)
    numbers = [number for number in range(1, len(sizes) + 1) if number > marker]
    page = numbers[:limit]
    parts = []
    for number in page:
        entry: dict[str, Any] = {"PartNumber": number, "Size": sizes[number - 1]}
        if algorithm and checksums and checksums[number - 1]:
            entry[f"Checksum{algorithm}"] = checksums[number - 1]
        parts.append(entry)
    return {"TotalPartsCount": len(sizes), "PartNumberMarker": marker,
            "NextPartNumberMarker": page[-1] if page else marker, "MaxParts": limit,
            "IsTruncated": len(numbers) > limit, "Parts": parts}
