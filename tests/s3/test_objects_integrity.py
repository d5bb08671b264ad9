"""Integrity of uploads: Content-MD5, flexible checksums (verified, stored, returned with
ChecksumMode), aws-chunked bodies with trailing checksums and x-amz-content-sha256."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest
from botocore.exceptions import ClientError
from botocore.httpchecksum import Crc32Checksum, Sha1Checksum, Sha256Checksum

from fogbank.services.s3.checksums import checksum_b64, composite_b64
from tests.s3.s3_wire import raw


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


@pytest.mark.parametrize("algorithm,judge", [("CRC32", Crc32Checksum), ("SHA1", Sha1Checksum),
                                             ("SHA256", Sha256Checksum)])
def test_checksums_agree_with_botocore(algorithm: str, judge: type) -> None:
    data = bytes(range(256)) * 1000
    reference = judge()
    reference.update(data)
    assert checksum_b64(algorithm, data) == reference.b64digest()


def test_table_driven_crcs_match_published_check_values() -> None:
    # The "check" values of the CRC catalogue for the ASCII string 123456789.
    assert base64.b64decode(checksum_b64("CRC32C", b"123456789")).hex() == "e3069283"
    assert base64.b64decode(checksum_b64("CRC64NVME", b"123456789")).hex() == "ae8b14860a799888"
    assert base64.b64decode(checksum_b64("CRC32", b"123456789")).hex() == "cbf43926"


def test_composite_checksum_form() -> None:
    parts = [checksum_b64("SHA256", b"a"), checksum_b64("SHA256", b"b")]
    joined = base64.b64decode(parts[0]) + base64.b64decode(parts[1])
    assert composite_b64("SHA256", parts) == (
        base64.b64encode(hashlib.sha256(joined).digest()).decode() + "-2")


def test_content_md5(s3, bucket: str) -> None:
    body = b"checked body"
    good = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5=good)
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5=wrong)
    assert code_of(error) == "BadDigest"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=body, ContentMD5="not-base64!")
    assert code_of(error) == "InvalidDigest"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == body


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA1", "SHA256"])
def test_flexible_checksums_round_trip(s3, bucket: str, algorithm: str) -> None:
    body = b"flexible" * 1000
    put = s3.put_object(Bucket=bucket, Key="f", Body=body, ChecksumAlgorithm=algorithm)
    assert put[f"Checksum{algorithm}"] == checksum_b64(algorithm, body)
    got = s3.get_object(Bucket=bucket, Key="f", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == checksum_b64(algorithm, body)
    assert got["ChecksumType"] == "FULL_OBJECT"
    assert got["Body"].read() == body
    head = s3.head_object(Bucket=bucket, Key="f", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == checksum_b64(algorithm, body)


@pytest.mark.parametrize("algorithm", ["CRC32C", "CRC64NVME"])
def test_crt_only_checksums_over_raw_http(app, bucket: str, algorithm: str) -> None:
    body = b"123456789"
    header = f"x-amz-checksum-{algorithm.lower()}"
    status, headers, _ = raw(app, "PUT", f"/{bucket}/crc", body=body,
                             headers={header: checksum_b64(algorithm, body)})
    assert status == 200 and headers[header] == checksum_b64(algorithm, body)
    status, _, answer = raw(app, "PUT", f"/{bucket}/crc", body=body,
                            headers={header: checksum_b64(algorithm, b"x")})
    assert status == 400 and b"<Code>BadDigest</Code>" in answer
    status, headers, _ = raw(app, "GET", f"/{bucket}/crc",
                             headers={"x-amz-checksum-mode": "ENABLED"})
    assert headers[header] == checksum_b64(algorithm, body)


def test_wrong_checksum_is_bad_digest(app, bucket: str) -> None:
    status, _, answer = raw(app, "PUT", f"/{bucket}/k", body=b"abc",
                            headers={"x-amz-checksum-crc32": checksum_b64("CRC32", b"abd")})
    assert status == 400
    assert b"The CRC32 you specified did not match the calculated checksum." in answer
    status, _, answer = raw(app, "PUT", f"/{bucket}/k", body=b"abc",
                            headers={"x-amz-checksum-crc32": "!!"})
    assert status == 400 and b"InvalidRequest" in answer


def _chunked(payload: bytes, chunk: int, trailer: str | None, signed: bool) -> bytes:
    out = b""
    extension = ";chunk-signature=" + "0" * 64 if signed else ""
    for start in range(0, len(payload), chunk):
        piece = payload[start:start + chunk]
        out += f"{len(piece):x}{extension}\r\n".encode() + piece + b"\r\n"
    out += f"0{extension}\r\n".encode()
    if trailer:
        out += trailer.encode() + b"\r\n"
    return out + b"\r\n"


def test_aws_chunked_with_trailing_checksum(app, s3, bucket: str) -> None:
    payload = bytes(range(256)) * 300
    crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
    body = _chunked(payload, 8192, f"x-amz-checksum-crc32:{crc}", signed=False)
    headers = {"Content-Encoding": "aws-chunked",
               "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
               "x-amz-decoded-content-length": str(len(payload)),
               "x-amz-trailer": "x-amz-checksum-crc32"}
    status, answer_headers, answer = raw(app, "PUT", f"/{bucket}/chunked", body=body,
                                         headers=headers)
    assert status == 200, answer
    assert answer_headers["x-amz-checksum-crc32"] == crc
    got = s3.get_object(Bucket=bucket, Key="chunked")
    assert got["Body"].read() == payload
    assert "ContentEncoding" not in got  # aws-chunked is framing, not content encoding
    bad = _chunked(payload, 8192, "x-amz-checksum-crc32:AAAAAA==", signed=False)
    status, _, answer = raw(app, "PUT", f"/{bucket}/chunked", body=bad, headers=headers)
    assert status == 400 and b"BadDigest" in answer


def test_signed_aws_chunks(app, s3, bucket: str) -> None:
    payload = b"signed chunks " * 5000
    body = _chunked(payload, 65536, None, signed=True)
    status, _, answer = raw(app, "PUT", f"/{bucket}/signed", body=body, headers={
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": str(len(payload))})
    assert status == 200, answer
    assert s3.get_object(Bucket=bucket, Key="signed")["Body"].read() == payload
    status, _, answer = raw(app, "PUT", f"/{bucket}/signed", body=body[:-20], headers={
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"})
    assert status == 400 and b"IncompleteBody" in answer


def test_content_sha256_mismatch(app, bucket: str) -> None:
    wrong = hashlib.sha256(b"something else").hexdigest()
    status, _, answer = raw(app, "PUT", f"/{bucket}/sha", body=b"payload",
                            headers={"x-amz-content-sha256": wrong})
    assert status == 400 and b"<Code>XAmzContentSHA256Mismatch</Code>" in answer
    right = hashlib.sha256(b"payload").hexdigest()
    status, _, _ = raw(app, "PUT", f"/{bucket}/sha", body=b"payload",
                       headers={"x-amz-content-sha256": right})
    assert status == 200
    # Bodies read by the edge (bucket subresources) are checked too.
    status, _, answer = raw(app, "PUT", f"/{bucket}?tagging", body=b"<Tagging/>",
                            headers={"x-amz-content-sha256": wrong})
    assert status == 400 and b"XAmzContentSHA256Mismatch" in answer
