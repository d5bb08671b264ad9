"""Function and layer code: zips extracted under the state directory, hot-reload directories
used in place, S3 objects fetched through the internal client; cheap change detection."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.lambda_.errors import InvalidParameterValueException
from fogbank.services.lambda_.models import (
    HOT_RELOAD_BUCKET,
    MAX_CODE_SIZE_UNZIPPED,
    CodeLocation,
)

SKIPPED_DIRS = {"__pycache__", "node_modules", ".git", ".aws-sam", ".venv", "venv", ".fogbank"}


async def prepare_code(code: dict[str, Any], dest: Path, client: InternalClient) -> CodeLocation:
    """Turn a ``Code``/``Content`` parameter into files on disk under ``dest``."""
    zip_bytes = code.get("ZipFile")
    bucket, key = code.get("S3Bucket"), code.get("S3Key")
    if zip_bytes is None and bucket == HOT_RELOAD_BUCKET:
        return hot_reload_location(str(key or ""))
    if zip_bytes is None and bucket and key:
        zip_bytes = await fetch_s3_object(client, bucket, key, code.get("S3ObjectVersion"))
    if zip_bytes is None:
        if code.get("ImageUri"):
            raise InvalidParameterValueException(
                "fogbank runs Zip functions only; container images (ImageUri) are not supported"
            )
        raise InvalidParameterValueException("Please provide a source for function code.")
    if isinstance(zip_bytes, str):
        zip_bytes = zip_bytes.encode("latin-1")
    return extract_zip(bytes(zip_bytes), dest)


def hot_reload_location(directory: str) -> CodeLocation:
    path = Path(directory)
    if not path.is_absolute() or not path.is_dir():
        raise InvalidParameterValueException(
            f"The hot-reload code path {directory!r} must be an absolute path to an existing"
            " directory"
        )
    digest = base64.b64encode(hashlib.sha256(str(path).encode()).digest()).decode()
    return CodeLocation("dir", str(path), digest, 0)


async def fetch_s3_object(client: InternalClient, bucket: str, key: str,
                          version_id: str | None) -> bytes:
    params = {"Bucket": bucket, "Key": key}
    if version_id:
        params["VersionId"] = version_id
    try:
        result = await client.call("s3", "GetObject", params)
    except ServiceError as exc:
        raise InvalidParameterValueException(
            f"Error occurred while GetObject. S3 Error Code: {exc.error_code}."
            f" S3 Error Message: {exc.message}"
        ) from exc
    body = result.get("Body", b"")
    if hasattr(body, "read"):
        body = body.read()
    return bytes(body)


def extract_zip(zip_bytes: bytes, dest: Path) -> CodeLocation:
    digest = hashlib.sha256(zip_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InvalidParameterValueException(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from exc
    if sum(member.file_size for member in members) > MAX_CODE_SIZE_UNZIPPED:
        raise InvalidParameterValueException(
            f"Unzipped size must be smaller than {MAX_CODE_SIZE_UNZIPPED} bytes"
        )
    target = dest / digest.hexdigest()[:16]
    if not target.exists():
        staging = dest / f".{digest.hexdigest()[:16]}.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            archive.extractall(staging)
            _restore_modes(archive, staging)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise InvalidParameterValueException(
                "Could not unzip uploaded file. Please check your file, then try to upload again."
            ) from exc
        os.replace(staging, target)
    zip_path = dest / f"{digest.hexdigest()[:16]}.zip"
    if not zip_path.exists():
        zip_path.write_bytes(zip_bytes)
    return CodeLocation("zip", str(target), base64.b64encode(digest.digest()).decode(),
                        len(zip_bytes), str(zip_path))


def _restore_modes(archive: zipfile.ZipFile, root: Path) -> None:
    for member in archive.infolist():
        mode = (member.external_attr >> 16) & 0o777
        if mode and not member.is_dir():
            target = root / member.filename
            if target.is_file():
                target.chmod(mode | 0o400)


def fingerprint(directory: str, visit: Callable[[str], None] | None = None) -> int:
    """A cheap stat scan of the ``*.py`` files (and ``requirements.txt``) below ``directory``;
    changes when any of them is added, removed or edited. ``visit`` is called with each
    directory scanned, before it is listed."""
    state: list[tuple[str, int, int]] = []
    pending = [directory]
    while pending:
        path = pending.pop()
        if visit is not None:
            visit(path)
        try:
            entries = os.scandir(path)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIPPED_DIRS and not entry.name.startswith("."):
                        pending.append(entry.path)
                elif entry.name.endswith(".py") or entry.name == "requirements.txt":
                    try:
                        info = entry.stat()
                    except OSError:
                        continue
                    state.append((entry.path, info.st_mtime_ns, info.st_size))
    state.sort()
    return hash(tuple(state))
