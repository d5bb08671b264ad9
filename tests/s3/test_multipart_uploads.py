"""Multipart uploads over the wire: parts, copies, completion rules, listings, and boto3's
managed transfer of a 100 MB file (threads, 8 MB parts) round-tripping byte for byte."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from fogbank.services.s3.checksums import checksum_b64

MIB = 1024 * 1024


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_upload_complete_and_etag(s3, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mp", ContentType="text/csv",
                                           Metadata={"m": "1"})["UploadId"]
    first, second = os.urandom(5 * MIB), b"tail"
    e1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload_id, PartNumber=1,
                        Body=first)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload_id, PartNumber=2,
                        Body=second)["ETag"]
    parts = s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, 5 * MIB), (2, 4)]
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["UploadId"] for u in uploads] == [upload_id]
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    md5s = hashlib.md5(first).digest() + hashlib.md5(second).digest()
    assert done["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-2"'
    got = s3.get_object(Bucket=bucket, Key="mp")
    assert got["Body"].read() == first + second
    assert got["ContentType"] == "text/csv" and got["Metadata"] == {"m": "1"}
    part2 = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert part2["Body"].read() == second and part2["PartsCount"] == 2
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload_id)
    assert code_of(error) == "NoSuchUpload"


def test_completion_rules(s3, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="r")["UploadId"]
    small = s3.upload_part(Bucket=bucket, Key="r", UploadId=upload_id, PartNumber=1,
                           Body=b"small")["ETag"]
    other = s3.upload_part(Bucket=bucket, Key="r", UploadId=upload_id, PartNumber=2,
                           Body=b"other")["ETag"]

    def complete(parts: list[dict]) -> str:
        with pytest.raises(ClientError) as error:
            s3.complete_multipart_upload(Bucket=bucket, Key="r", UploadId=upload_id,
                                         MultipartUpload={"Parts": parts})
        return code_of(error)

    assert complete([{"PartNumber": 2, "ETag": other},
                     {"PartNumber": 1, "ETag": small}]) == "InvalidPartOrder"
    assert complete([{"PartNumber": 1, "ETag": '"beef"'}]) == "InvalidPart"
    assert complete([{"PartNumber": 3, "ETag": small}]) == "InvalidPart"
    assert complete([{"PartNumber": 1, "ETag": small},
                     {"PartNumber": 2, "ETag": other}]) == "EntityTooSmall"
    # One small part alone is fine (the last part may be small).
    s3.complete_multipart_upload(Bucket=bucket, Key="r", UploadId=upload_id,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": small}]})
    assert s3.get_object(Bucket=bucket, Key="r")["Body"].read() == b"small"


def test_abort_and_unknown_upload(s3, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="a")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="a", UploadId=upload_id, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="a", UploadId=upload_id)
    for call in (lambda: s3.abort_multipart_upload(Bucket=bucket, Key="a", UploadId=upload_id),
                 lambda: s3.upload_part(Bucket=bucket, Key="a", UploadId="nope", PartNumber=1,
                                        Body=b"x")):
        with pytest.raises(ClientError) as error:
            call()
        assert code_of(error) == "NoSuchUpload"
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="a")["UploadId"]
    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=bucket, Key="a", UploadId=upload_id, PartNumber=10001, Body=b"")
    assert code_of(error) == "InvalidArgument"


def test_upload_part_copy(s3, bucket: str) -> None:
    source = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="source", Body=source)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload_id,
                                PartNumber=1, CopySource={"Bucket": bucket, "Key": "source"},
                                CopySourceRange=f"bytes=0-{5 * MIB - 1}")
    second = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload_id,
                                 PartNumber=2, CopySource={"Bucket": bucket, "Key": "source"},
                                 CopySourceRange=f"bytes={5 * MIB}-{6 * MIB - 1}")
    assert first["CopyPartResult"]["ETag"] == f'"{hashlib.md5(source[:5 * MIB]).hexdigest()}"'
    s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=upload_id,
                                 MultipartUpload={"Parts": [
                                     {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
                                     {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == source


def test_composite_and_full_object_checksums(s3, bucket: str) -> None:
    first, second = b"a" * (5 * MIB), b"b" * 100
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="cs",
                                           ChecksumAlgorithm="SHA256")["UploadId"]
    parts = []
    for number, data in ((1, first), (2, second)):
        answer = s3.upload_part(Bucket=bucket, Key="cs", UploadId=upload_id, PartNumber=number,
                                Body=data, ChecksumAlgorithm="SHA256")
        assert answer["ChecksumSHA256"] == checksum_b64("SHA256", data)
        parts.append({"PartNumber": number, "ETag": answer["ETag"],
                      "ChecksumSHA256": answer["ChecksumSHA256"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="cs", UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
    joined = hashlib.sha256(first).digest() + hashlib.sha256(second).digest()
    expected = base64.b64encode(hashlib.sha256(joined).digest()).decode() + "-2"
    assert done["ChecksumSHA256"] == expected and done["ChecksumType"] == "COMPOSITE"
    head = s3.head_object(Bucket=bucket, Key="cs", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="full", ChecksumAlgorithm="CRC32",
                                           ChecksumType="FULL_OBJECT")["UploadId"]
    parts = []
    for number, data in ((1, first), (2, second)):
        answer = s3.upload_part(Bucket=bucket, Key="full", UploadId=upload_id,
                                PartNumber=number, Body=data, ChecksumAlgorithm="CRC32")
        parts.append({"PartNumber": number, "ETag": answer["ETag"],
                      "ChecksumCRC32": answer["ChecksumCRC32"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
    assert done["ChecksumCRC32"] == checksum_b64("CRC32", first + second)
    assert done["ChecksumType"] == "FULL_OBJECT"


def test_list_multipart_uploads_with_prefix_and_delimiter(s3, bucket: str) -> None:
    ids = {key: s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
           for key in ("logs/a", "logs/b", "data/x", "top")}
    listed = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["data/", "logs/"]
    assert [u["Key"] for u in listed["Uploads"]] == ["top"]
    logs = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/", MaxUploads=1)
    assert [u["UploadId"] for u in logs["Uploads"]] == [ids["logs/a"]]
    assert logs["IsTruncated"] is True
    more = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/",
                                     KeyMarker=logs["NextKeyMarker"],
                                     UploadIdMarker=logs["NextUploadIdMarker"])
    assert [u["UploadId"] for u in more["Uploads"]] == [ids["logs/b"]]


def test_managed_transfer_of_100_mb_round_trips(s3, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    block = os.urandom(MIB)
    with open(source, "wb") as out:
        for index in range(100):
            out.write(block[index:] + block[:index])
    config = TransferConfig()  # multipart above 8 MB, 8 MB parts, 10 threads
    s3.upload_file(str(source), bucket, "big.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == 100 * MIB
    assert head["ETag"].endswith('-13"')
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "big.bin", str(target), Config=config)
    with open(source, "rb") as a, open(target, "rb") as b:
        while chunk := a.read(8 * MIB):
            assert chunk == b.read(8 * MIB)
