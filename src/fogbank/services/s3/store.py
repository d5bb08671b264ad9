"""S3 records in SQLite: buckets, object versions, multipart uploads and their parts.

Bodies are immutable files under ``bodies/`` (see ``BodyFiles``); a row names its file.
Every bucket's objects are versions: an unversioned bucket keeps one ``null`` version per
key. ``latest`` marks the current version of a key; ``id`` orders versions (newest last).
Writes commit before the caller answers; files a commit replaced are deleted after it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fogbank.core.db import Database

NULL_VERSION = "null"

SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY, region TEXT NOT NULL, created REAL NOT NULL,
    versioning TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS objects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL,
    latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0, etag TEXT NOT NULL DEFAULT '',
    modified REAL NOT NULL, storage_class TEXT NOT NULL DEFAULT 'STANDARD',
    file TEXT, attrs TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '{}',
    UNIQUE (bucket, key, version_id));
CREATE INDEX IF NOT EXISTS objects_latest ON objects(bucket, latest, key);
CREATE INDEX IF NOT EXISTS objects_key ON objects(bucket, key, id);
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL,
    initiated REAL NOT NULL, attrs TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS uploads_key ON uploads(bucket, key, initiated);
CREATE TABLE IF NOT EXISTS completed_uploads (
    upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL,
    result TEXT NOT NULL, completed REAL NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, modified REAL NOT NULL, file TEXT NOT NULL,
    checksums TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (upload_id, part_number));
"""


@dataclass
class Bucket:
    name: str
    region: str
    created: float
    versioning: str  # '' (never enabled), 'Enabled' or 'Suspended'


@dataclass
class ObjectVersion:
    bucket: str
    key: str
    version_id: str
    latest: bool
    delete_marker: bool
    size: int
    etag: str  # quoted, as sent in the ETag header
    modified: float
    storage_class: str
    file: str | None
    attrs: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    row_id: int = 0


class AlsoWrites(Protocol):
    """Rows to write in the same transaction as an object change (its event's outbox
    rows: ``fogbank.services.s3.config.notifications.PendingEvent``)."""

    def write(self, conn: sqlite3.Connection) -> None: ...


@dataclass
class Upload:
    upload_id: str
    bucket: str
    key: str
    initiated: float
    attrs: dict[str, Any]


@dataclass
class Part:
    part_number: int
    size: int
    etag: str
    modified: float
    file: str
    checksums: dict[str, str]


_OBJECT_COLUMNS = ("bucket, key, version_id, latest, delete_marker, size, etag, modified, "
                   "storage_class, file, attrs, tags, id")


def _object(row: sqlite3.Row | tuple[Any, ...]) -> ObjectVersion:
    return ObjectVersion(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5], row[6],
                         row[7], row[8], row[9], json.loads(row[10]), json.loads(row[11]),
                         row[12])


def _key_bounds(after: str, prefix: str) -> tuple[str, str, str]:
    """``(low, operator, high)`` selecting keys after ``after`` that may start with
    ``prefix`` (a range an index serves)."""
    high = prefix + "\U0010ffff\U0010ffff" if prefix else "\U0010ffff" * 4
    if prefix and prefix > after:
        return prefix, ">=", high
    return after, ">", high


class BodyFiles:
    """Immutable body files: ``bodies/<2 hex>/<name>``, spooled into ``tmp/`` first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        shutil.rmtree(self.tmp, ignore_errors=True)  # spools of requests that never finished
        self.tmp.mkdir(parents=True, exist_ok=True)
        (root / "bodies").mkdir(parents=True, exist_ok=True)
        self._made_dirs: set[str] = set()

    def temp_path(self, name: str) -> Path:
        return self.tmp / name

    def path(self, file: str) -> Path:
        return self.root / "bodies" / file[:2] / file

    def _target(self, file: str) -> Path:
        target = self.path(file)
        if file[:2] not in self._made_dirs:
            target.parent.mkdir(exist_ok=True)
            self._made_dirs.add(file[:2])
        return target

    def adopt(self, spooled_path: Path, file: str) -> None:
        """Move a spooled (already written) body into place under its final name."""
        os.replace(spooled_path, self._target(file))

    def link(self, source_file: str, file: str) -> None:
        """A second name for an existing body (bodies never change, so copies can share)."""
        target = self._target(file)
        try:
            os.link(self.path(source_file), target)
        except OSError:
            shutil.copyfile(self.path(source_file), target)

    def remove(self, files: list[str | None]) -> None:
        """Delete files no row names any more. Nothing waits for this: when called on the
        event loop, the unlinks (slow on a busy disk) run on a worker thread."""
        paths = [self.path(file) for file in files if file]
        if not paths:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            _unlink_all(paths)
            return
        loop.run_in_executor(None, _unlink_all, paths)


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # an orphan body file costs disk space, nothing else


class S3Store:
    """Queries and transactions over the S3 tables."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(SCHEMA)

    # -- buckets ------------------------------------------------------------------------

    def bucket(self, name: str) -> Bucket | None:
        rows = self.db.query("SELECT name, region, created, versioning FROM buckets "
                             "WHERE name = ?", (name,))
        return Bucket(*rows[0]) if rows else None

    def buckets(self) -> list[Bucket]:
        rows = self.db.query("SELECT name, region, created, versioning FROM buckets "
                             "ORDER BY name")
        return [Bucket(*row) for row in rows]

    def create_bucket(self, bucket: Bucket) -> bool:
        with self.db.transaction() as conn:
            cursor = conn.execute("INSERT OR IGNORE INTO buckets(name, region, created) "
                                  "VALUES (?, ?, ?)", (bucket.name, bucket.region,
                                                       bucket.created))
            return cursor.rowcount > 0

    def set_versioning(self, name: str, status: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE buckets SET versioning = ? WHERE name = ?", (status, name))

    def bucket_is_empty(self, name: str) -> bool:
        return not self.db.query("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", (name,))

    def delete_bucket(self, name: str) -> list[str]:
        """Drops the bucket and its unfinished uploads; returns the part files to remove."""
        with self.db.transaction() as conn:
            files = [row[0] for row in conn.execute(
                "SELECT file FROM parts WHERE upload_id IN "
                "(SELECT upload_id FROM uploads WHERE bucket = ?)", (name,))]
            conn.execute("DELETE FROM parts WHERE upload_id IN "
                         "(SELECT upload_id FROM uploads WHERE bucket = ?)", (name,))
            conn.execute("DELETE FROM uploads WHERE bucket = ?", (name,))
            conn.execute("DELETE FROM completed_uploads WHERE bucket = ?", (name,))
            conn.execute("DELETE FROM buckets WHERE name = ?", (name,))
        return files

    # -- objects ------------------------------------------------------------------------

    def latest(self, bucket: str, key: str) -> ObjectVersion | None:
        rows = self.db.query(f"SELECT {_OBJECT_COLUMNS} FROM objects "
                             "WHERE bucket = ? AND key = ? AND latest = 1", (bucket, key))
        return _object(rows[0]) if rows else None

    def version(self, bucket: str, key: str, version_id: str) -> ObjectVersion | None:
        rows = self.db.query(f"SELECT {_OBJECT_COLUMNS} FROM objects "
                             "WHERE bucket = ? AND key = ? AND version_id = ?",
                             (bucket, key, version_id))
        return _object(rows[0]) if rows else None

    def put_version(self, obj: ObjectVersion, event: AlsoWrites | None = None
                    ) -> list[str | None]:
        """Make ``obj`` the latest version of its key. A version with the same id (the
        ``null`` version) is replaced; returns the body files no row names any more.
        ``event`` writes its rows in the same transaction."""
        with self.db.transaction() as conn:
            replaced = _put_version(conn, obj)
            if event is not None:
                event.write(conn)
            return replaced

    def delete_version(self, bucket: str, key: str, version_id: str,
                       event: AlsoWrites | None = None) -> ObjectVersion | None:
        """Remove one version for good; the next newest becomes the latest. ``event``
        writes its rows in the same transaction when a version was removed."""
        with self.db.transaction() as conn:
            rows = conn.execute(f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND "
                                "key = ? AND version_id = ?", (bucket, key, version_id)
                                ).fetchall()
            if not rows:
                return None
            gone = _object(rows[0])
            conn.execute("DELETE FROM objects WHERE id = ?", (gone.row_id,))
            if gone.latest:
                conn.execute("UPDATE objects SET latest = 1 WHERE id = (SELECT MAX(id) FROM "
                             "objects WHERE bucket = ? AND key = ?)", (bucket, key))
            if event is not None:
                event.write(conn)
        return gone

    def set_attrs(self, row_id: int, attrs: dict[str, Any]) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE objects SET attrs = ? WHERE id = ?",
                         (json.dumps(attrs, separators=(",", ":")), row_id))

    def set_tags(self, row_id: int, tags: dict[str, str],
                 event: AlsoWrites | None = None) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE objects SET tags = ? WHERE id = ?",
                         (json.dumps(tags, separators=(",", ":")), row_id))
            if event is not None:
                event.write(conn)

    def latest_page(self, bucket: str, after: str, prefix: str, limit: int
                    ) -> list[ObjectVersion]:
        """Current (not deleted) objects with keys after ``after`` starting with ``prefix``,
        in key order (binary UTF-8 order, as S3 lists)."""
        low, op, high = _key_bounds(after, prefix)
        rows = self.db.query(
            f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND latest = 1 "
            f"AND delete_marker = 0 AND key {op} ? AND key < ? ORDER BY key LIMIT ?",
            (bucket, low, high, limit))
        return [_object(row) for row in rows if row[1].startswith(prefix)]

    def versions_page(self, bucket: str, after_key: str, after_row: int | None, prefix: str,
                      limit: int) -> list[ObjectVersion]:
        """All versions in (key ascending, newest first) order after a position: keys after
        ``after_key``, or — with ``after_row`` — older versions of ``after_key`` too."""
        low, op, high = _key_bounds(after_key, prefix)
        if after_row is not None:
            rows = self.db.query(
                f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND "
                "((key = ? AND id < ?) OR (key > ? AND key < ?)) ORDER BY key, id DESC LIMIT ?",
                (bucket, after_key, after_row, after_key, high, limit))
        else:
            rows = self.db.query(
                f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key {op} ? "
                "AND key < ? ORDER BY key, id DESC LIMIT ?", (bucket, low, high, limit))
        return [_object(row) for row in rows if row[1].startswith(prefix)]

    # -- multipart uploads --------------------------------------------------------------

    def create_upload(self, upload: Upload) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO uploads(upload_id, bucket, key, initiated, attrs) "
                         "VALUES (?, ?, ?, ?, ?)",
                         (upload.upload_id, upload.bucket, upload.key, upload.initiated,
                          json.dumps(upload.attrs, separators=(",", ":"))))

    def upload(self, upload_id: str) -> Upload | None:
        rows = self.db.query("SELECT upload_id, bucket, key, initiated, attrs FROM uploads "
                             "WHERE upload_id = ?", (upload_id,))
        if not rows:
            return None
        row = rows[0]
        return Upload(row[0], row[1], row[2], row[3], json.loads(row[4]))

    def uploads(self, bucket: str) -> list[Upload]:
        rows = self.db.query("SELECT upload_id, bucket, key, initiated, attrs FROM uploads "
                             "WHERE bucket = ? ORDER BY key, initiated, upload_id", (bucket,))
        return [Upload(row[0], row[1], row[2], row[3], json.loads(row[4])) for row in rows]

    def put_part(self, upload_id: str, part: Part) -> str | None:
        """Store a part (replacing one with the same number); returns the replaced file.
        Returns None without storing when the upload no longer exists (raced an abort)."""
        with self.db.transaction() as conn:
            if not conn.execute("SELECT 1 FROM uploads WHERE upload_id = ?",
                                (upload_id,)).fetchall():
                raise LookupError(upload_id)
            old = conn.execute("SELECT file FROM parts WHERE upload_id = ? AND "
                               "part_number = ?", (upload_id, part.part_number)).fetchall()
            conn.execute("INSERT OR REPLACE INTO parts(upload_id, part_number, size, etag, "
                         "modified, file, checksums) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (upload_id, part.part_number, part.size, part.etag, part.modified,
                          part.file, json.dumps(part.checksums)))
        return old[0][0] if old else None

    def parts(self, upload_id: str) -> list[Part]:
        rows = self.db.query("SELECT part_number, size, etag, modified, file, checksums "
                             "FROM parts WHERE upload_id = ? ORDER BY part_number",
                             (upload_id,))
        return [Part(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))
                for row in rows]

    def finish_upload(self, upload_id: str, obj: ObjectVersion | None,
                      result: dict[str, Any] | None = None,
                      event: AlsoWrites | None = None) -> list[str | None]:
        """Drop an upload and its parts (completing: and store ``obj`` in the same
        transaction, remembering ``result`` so a retried completion gets the same answer);
        returns the files no row names any more."""
        with self.db.transaction() as conn:
            files: list[str | None] = [row[0] for row in conn.execute(
                "SELECT file FROM parts WHERE upload_id = ?", (upload_id,))]
            conn.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
            cursor = conn.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
            if cursor.rowcount == 0:
                raise LookupError(upload_id)
            if obj is not None:
                files.extend(_put_version(conn, obj))
                conn.execute("INSERT OR REPLACE INTO completed_uploads(upload_id, bucket, key, "
                             "result, completed) VALUES (?, ?, ?, ?, ?)",
                             (upload_id, obj.bucket, obj.key, json.dumps(result or {}),
                              obj.modified))
                if event is not None:
                    event.write(conn)
        return files

    def completed_upload(self, upload_id: str, bucket: str, key: str
                         ) -> dict[str, Any] | None:
        """The answer given when ``upload_id`` was completed (None if it never was)."""
        rows = self.db.query("SELECT result FROM completed_uploads WHERE upload_id = ? AND "
                             "bucket = ? AND key = ?", (upload_id, bucket, key))
        return dict(json.loads(rows[0][0])) if rows else None


def _put_version(conn: sqlite3.Connection, obj: ObjectVersion) -> list[str | None]:
    replaced = conn.execute(
        "SELECT file FROM objects WHERE bucket = ? AND key = ? AND version_id = ?",
        (obj.bucket, obj.key, obj.version_id)).fetchall()
    conn.execute("DELETE FROM objects WHERE bucket = ? AND key = ? AND version_id = ?",
                 (obj.bucket, obj.key, obj.version_id))
    conn.execute("UPDATE objects SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1",
                 (obj.bucket, obj.key))
    cursor = conn.execute(
        "INSERT INTO objects(bucket, key, version_id, latest, delete_marker, size, etag, "
        "modified, storage_class, file, attrs, tags) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
        (obj.bucket, obj.key, obj.version_id, int(obj.delete_marker), obj.size, obj.etag,
         obj.modified, obj.storage_class, obj.file,
         json.dumps(obj.attrs, separators=(",", ":")),
         json.dumps(obj.tags, separators=(",", ":"))))
    obj.row_id = cursor.lastrowid or 0
    obj.latest = True
    return [row[0] for row in replaced]
