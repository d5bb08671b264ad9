"""Listings: ListObjects v1/v2 with prefixes, delimiters, pagination and URL encoding."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.s3.s3_wire import raw

KEYS = ["a.txt", "dir/one", "dir/sub/two", "dir/three", "dir2/x", "z z", "é"]


@pytest.fixture
def filled(s3, bucket: str) -> str:
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def test_v2_lists_in_binary_order(s3, filled: str) -> None:
    result = s3.list_objects_v2(Bucket=filled)
    assert [c["Key"] for c in result["Contents"]] == sorted(KEYS, key=lambda k: k.encode())
    assert result["KeyCount"] == len(KEYS) and result["IsTruncated"] is False
    assert "Owner" not in result["Contents"][0]
    owned = s3.list_objects_v2(Bucket=filled, FetchOwner=True)
    assert owned["Contents"][0]["Owner"]["ID"]


def test_v2_delimiter_and_prefix(s3, filled: str) -> None:
    top = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [c["Key"] for c in top["Contents"]] == ["a.txt", "z z", "é"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["dir/", "dir2/"]
    assert top["KeyCount"] == 5
    inner = s3.list_objects_v2(Bucket=filled, Prefix="dir/", Delimiter="/")
    assert [c["Key"] for c in inner["Contents"]] == ["dir/one", "dir/three"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["dir/sub/"]


def test_v2_pagination_counts_prefixes(s3, filled: str) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=filled, Delimiter="/", MaxKeys=2, **kwargs)
        pages += 1
        seen += [c["Key"] for c in page.get("Contents", [])]
        seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        assert page["KeyCount"] <= 2
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen) == sorted(["a.txt", "dir/", "dir2/", "z z", "é"])
    assert pages == 3
    after = s3.list_objects_v2(Bucket=filled, StartAfter="dir/three")
    assert [c["Key"] for c in after["Contents"]][0] == "dir2/x"
    paginator = s3.get_paginator("list_objects_v2")
    keys = [c["Key"] for page in paginator.paginate(Bucket=filled, PaginationConfig={
        "PageSize": 3}) for c in page["Contents"]]
    assert len(keys) == len(KEYS)


def test_v1_markers(s3, filled: str) -> None:
    first = s3.list_objects(Bucket=filled, MaxKeys=2)
    assert [c["Key"] for c in first["Contents"]] == ["a.txt", "dir/one"]
    assert first["IsTruncated"] is True and "NextMarker" not in first
    rest = s3.list_objects(Bucket=filled, Marker="dir/one")
    assert [c["Key"] for c in rest["Contents"]][0] == "dir/sub/two"
    grouped = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=2)
    assert grouped["NextMarker"] == "dir/"
    following = s3.list_objects(Bucket=filled, Delimiter="/", Marker=grouped["NextMarker"])
    assert [p["Prefix"] for p in following["CommonPrefixes"]] == ["dir2/"]
    assert first["Contents"][0]["Owner"]["ID"]


def test_url_encoding_type(app, s3, filled: str) -> None:
    # botocore decodes (unquote_plus) only the encoding it asked for by itself.
    result = s3.list_objects_v2(Bucket=filled, Prefix="z", EncodingType="url")
    assert [c["Key"] for c in result["Contents"]] == ["z+z"]
    status, _, body = raw(app, "GET", f"/{filled}?list-type=2&encoding-type=url&prefix=%C3%A9")
    assert status == 200 and b"<Key>%C3%A9</Key>" in body
    assert b"<EncodingType>url</EncodingType>" in body
    with pytest.raises(ClientError):
        s3.list_objects(Bucket=filled, EncodingType="base64")


def test_empty_bucket_and_max_keys_zero(s3, bucket: str) -> None:
    result = s3.list_objects_v2(Bucket=bucket)
    assert result["KeyCount"] == 0 and "Contents" not in result
    s3.put_object(Bucket=bucket, Key="k", Body=b"")
    assert s3.list_objects_v2(Bucket=bucket, MaxKeys=0)["KeyCount"] == 0


def test_listing_missing_bucket(s3) -> None:
    with pytest.raises(ClientError) as error:
        s3.list_objects_v2(Bucket="no-such-listed-bucket")
    assert error.value.response["Error"]["Code"] == "NoSuchBucket"


def test_many_keys_page_across_batches(s3, bucket: str) -> None:
    keys = [f"k{index:04d}" for index in range(1205)]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    paginator = s3.get_paginator("list_objects_v2")
    listed = [c["Key"] for page in paginator.paginate(Bucket=bucket) for c in page["Contents"]]
    assert listed == keys
