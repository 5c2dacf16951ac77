"""Verdicts of received files kept in the data folder, so a rescan after a restart is cheap.

A city's folder of received workbooks is verified again every time the consolidation window
opens or ``ecodesk consolidate`` runs; most files have not changed since. Each file's verdict
(what :func:`ecodesk.services.consolidate.receive` found, its signed data included) is stored
under the SHA-256 of the file's bytes *and* of everything the verdict depends on
(:func:`verdict_context`: the receiver's key registry, the form pack and the program), so a new
registration, another pack or another version of the program verifies every file again.

Only the work of reading and checking is saved, never the hashing: the digest of every file is
computed from its bytes on every scan, so a file changed by one byte is verified again. The cache
file itself is untrusted like any other file: every entry carries an HMAC under a key of this
data folder (``verify-cache.key``), an entry whose MAC, shape or schema is not exactly ours is
ignored (and removed), and a file that is not our database is set aside and made anew, never
with a traceback. The file is bounded (:data:`MAX_BYTES`, :data:`MAX_ENTRIES`): the entries used
longest ago go first.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

from ecodesk.attachments.package import AttachmentCheck, CheckStatus, PackageReport
from ecodesk.consolidation.compact import ReceivedSubmission
from ecodesk.consolidation.model import FileStatus
from ecodesk.services.consolidate import ReceivedWorkbook, VerifyCache
from ecodesk.services.verify import Kind, Status, VerifyResult
from ecodesk.submission import (
    AcceptedWarning,
    AttachedFile,
    Period,
    QueryAnswer,
    UnitProfile,
)
from ecodesk.submission import Status as DataStatus

log = logging.getLogger(__name__)

CACHE_FILE = "verify-cache.sqlite3"
KEY_FILE = "verify-cache.key"
FORMAT = 1  # raise when what an entry holds changes
_STATUSES = frozenset(get_args(Status))
_KINDS = frozenset(get_args(Kind))
_FILE_STATUSES = frozenset(get_args(FileStatus))
_CHECK_STATUSES = frozenset(get_args(CheckStatus))
_DATA_STATUSES = frozenset(get_args(DataStatus))
MAX_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 20_000
_MAX_FILE_FACTOR = 2  # a file this many times MAX_BYTES is not ours: made anew

_SCHEMA = (
    (
        "table",
        "verdicts",
        "CREATE TABLE verdicts (digest TEXT NOT NULL, context TEXT NOT NULL, body BLOB NOT NULL, "
        "tables BLOB NOT NULL, narratives BLOB NOT NULL, mac BLOB NOT NULL, "
        "size INTEGER NOT NULL, used REAL NOT NULL, PRIMARY KEY (digest, context))",
    ),
    ("index", "sqlite_autoindex_verdicts_1", None),
    ("table", "format", "CREATE TABLE format (version INTEGER NOT NULL)"),
)


# --------------------------------------------------------------------------- the context


# --------------------------------------------------------------------------- entries as JSON


class _BadEntry(ValueError):
    """An entry that is not what this module writes."""


def _flat(obj: Any) -> list[Any]:
    return [getattr(obj, f.name) for f in fields(obj)]


def _rebuild(cls: Any, values: Any) -> Any:
    """``cls`` from the list :func:`_flat` made, every field a str, an int or None."""
    names = [f.name for f in fields(cls)]
    if not isinstance(values, list) or len(values) != len(names):
        raise _BadEntry(cls.__name__)
    for value in values:
        if value is not None and not isinstance(value, (str, int)) or isinstance(value, bool):
            raise _BadEntry(cls.__name__)
    return cls(*values)


def _texts(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _BadEntry("texts")
    return value


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _BadEntry("strings")
    return value


def _opt(value: Any, kind: type) -> Any:
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise _BadEntry(kind.__name__)
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _BadEntry("text")
    return value


def _one_of(value: Any, allowed: frozenset[str]) -> Any:
    if value not in allowed:
        raise _BadEntry("value")
    return value


def _same(value: Any) -> Any:
    return value


def _history(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise _BadEntry("history")
    return {_text(k): _texts(v) for k, v in value.items()}


def _rows_of(cls: Any) -> Callable[[Any], list[Any]]:
    def read(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise _BadEntry(cls.__name__)
        return [_rebuild(cls, v) for v in value]

    return read


def _flats(values: list[Any]) -> list[list[Any]]:
    return [_flat(v) for v in values]


# Every field of SubmissionData but the two kept compressed (tables, narratives): how it is
# written to the entry's JSON and read back (checked). A field added to SubmissionData must be
# added here (a test says so).
DATA_FIELDS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "unit": (_flat, lambda v: _rebuild(UnitProfile, v)),
    "period": (str, lambda v: Period.parse(_text(v))),
    "revision": (_same, lambda v: _opt(v, int)),
    "pack_version": (_same, _text),
    "forms": (list, _strings),
    "status": (_same, lambda v: _one_of(v, _DATA_STATUSES)),
    "supersedes": (_same, lambda v: _opt(v, int)),
    "values": (_same, _texts),
    "accepted": (_flats, _rows_of(AcceptedWarning)),
    "previous": (_same, _texts),
    "history": (_same, _history),
    "supersedes_digest": (_same, _text),
    "answers_feedback": (_same, _text),
    "answers": (_flats, _rows_of(QueryAnswer)),
    "attachments": (_flats, _rows_of(AttachedFile)),
    "pack_digest": (_same, _text),
    "retired": (_same, _texts),
}


def _or_none(out: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else out(value)


def _moment(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(_text(value))
    except ValueError as exc:
        raise _BadEntry("datetime") from exc


# Every field of ReceivedWorkbook but the file's own (path, stamp), the verdict and the data
# (written apart): how it is written and read back. A new field must be added here (a test says so).
ITEM_FIELDS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "unit": (_or_none(_flat), _or_none(lambda v: _rebuild(UnitProfile, v))),
    "period": (_or_none(str), _or_none(lambda v: Period.parse(_text(v)))),
    "revision": (_same, lambda v: _opt(v, int)),
    "status": (_same, lambda v: _one_of(v, _FILE_STATUSES)),
    "reason": (_same, _text),
    "digest": (_same, _text),
    "warning": (_same, _text),
    "exported_at": (_or_none(datetime.isoformat), _or_none(_moment)),
    "late_reason": (_same, _text),
}


def _encode_item(item: ReceivedWorkbook) -> tuple[bytes, bytes, bytes]:
    """(body, tables, narratives) of an entry: JSON of everything but the compressed parts."""
    result = item.result
    report = result.attachments
    data = item.data
    body: dict[str, Any] = {
        "result": {
            "status": result.status,
            "message": result.message,
            "unit_code": result.unit_code,
            "period": result.period,
            "revision": result.revision,
            "fingerprint": result.fingerprint,
            "details": list(result.details),
            "kind": result.kind,
            "attachments": None
            if report is None
            else {
                "checks": [[_flat(c.file), c.member, c.status, c.detail] for c in report.checks],
                "extras": list(report.extras),
                "package": report.package is not None,
            },
        },
        "item": {name: out(getattr(item, name)) for name, (out, _in) in ITEM_FIELDS.items()},
        "data": None,
    }
    tables = narratives = b""
    if data is not None:
        compact = ReceivedSubmission.of(data)
        body["data"] = {
            name: out(getattr(compact, name)) for name, (out, _in) in DATA_FIELDS.items()
        }
        body["data"]["filled"] = sorted(f for f in compact.forms if compact.has_content(f))
        tables, narratives = compact.blobs()
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return zlib.compress(raw, 6), tables, narratives


def _decode_item(
    body: bytes, tables: bytes, narratives: bytes, path: Path, stamp: tuple[int, int] | None
) -> ReceivedWorkbook:
    """The entry as the received file ``path``; :class:`_BadEntry` when it is not well formed."""
    try:
        obj = json.loads(zlib.decompress(body))
    except (zlib.error, ValueError, RecursionError) as exc:
        raise _BadEntry("body") from exc
    if not isinstance(obj, dict):
        raise _BadEntry("body")
    try:
        r = obj["result"]
        report = None
        if r["attachments"] is not None:
            a = r["attachments"]
            report = PackageReport(
                checks=[
                    AttachmentCheck(
                        file=_rebuild(AttachedFile, c[0]),
                        member=_text(c[1]),
                        status=_one_of(c[2], _CHECK_STATUSES),
                        detail=_text(c[3]),
                    )
                    for c in a["checks"]
                ],
                extras=_strings(a["extras"]),
                package=path if a["package"] is True else None,
            )
        result = VerifyResult(
            status=_one_of(r["status"], _STATUSES),
            message=_text(r["message"]),
            unit_code=_text(r["unit_code"]),
            period=_text(r["period"]),
            revision=_opt(r["revision"], int),
            fingerprint=_text(r["fingerprint"]),
            details=_strings(r["details"]),
            path=path,
            kind=_one_of(r["kind"], _KINDS),
            attachments=report,
        )
        data = None
        if obj["data"] is not None:
            d = obj["data"]
            if not isinstance(d, dict) or set(d) != {*DATA_FIELDS, "filled"}:
                raise _BadEntry("data")
            data = ReceivedSubmission.from_parts(
                **{name: read(d[name]) for name, (_out, read) in DATA_FIELDS.items()},
                filled=_strings(d["filled"]),
                tables_blob=tables,
                narratives_blob=narratives,
            )
        fields_in = obj["item"]
        if not isinstance(fields_in, dict) or set(fields_in) != set(ITEM_FIELDS):
            raise _BadEntry("item")
        return ReceivedWorkbook(
            path=path,
            result=result,
            data=data,
            stamp=stamp,
            **{name: read(fields_in[name]) for name, (_out, read) in ITEM_FIELDS.items()},
        )
    except _BadEntry:
        raise
    except (KeyError, TypeError, IndexError, ValueError) as exc:  # BadPeriod is a ValueError
        raise _BadEntry(type(exc).__name__) from exc


# --------------------------------------------------------------------------- the cache


class PersistentVerifyCache(VerifyCache):
    """:class:`~ecodesk.services.consolidate.VerifyCache` kept in ``folder`` (the data folder)
    as well as in memory. ``hits`` counts the files whose verdict came from the file (or from
    memory), ``stored`` the verdicts written; nothing here ever raises to the caller: a cache
    that cannot be used is a cache that misses (the reason is logged)."""

    def __init__(
        self, folder: Path, *, max_bytes: int = MAX_BYTES, max_entries: int = MAX_ENTRIES
    ) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.path = self.folder / CACHE_FILE
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self.hits = self.stored = self.rejected = 0
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._key = b""
        self._opened = False
        self._pending = 0
        self._used: list[tuple[float, str, str]] = []

    # ------------------------------------------------------------------ opening

    def _connection(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._db
        self._opened = True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._key = self._load_key()
            self._db = self._open_checked()
        except (OSError, sqlite3.Error) as exc:
            log.warning("verification cache %s not used: %s", self.path, exc)
            self._db = None
        return self._db

    def _load_key(self) -> bytes:
        key_path = self.folder / KEY_FILE
        try:
            key = key_path.read_bytes()
            if len(key) == 32:
                return key
            key_path.unlink()
        except FileNotFoundError:
            pass
        key = secrets.token_bytes(32)
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        self._discard("a new key")  # entries under another key can never be checked
        return key

    def _open_checked(self) -> sqlite3.Connection:
        try:
            if self.path.exists() and self.path.stat().st_size > _MAX_FILE_FACTOR * self.max_bytes:
                raise sqlite3.DatabaseError("larger than the cache may grow")
            db = self._connect()
            try:
                self._check_schema(db)
                return db
            except sqlite3.Error:
                db.close()
                raise
        except sqlite3.Error as exc:
            log.warning("verification cache %s is not ours (%s): made anew", self.path, exc)
            self._discard(str(exc))
            db = self._connect()
            self._check_schema(db)
            return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _check_schema(self, db: sqlite3.Connection) -> None:
        found = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        if not found:
            db.execute("BEGIN")
            for kind, _name, sql in _SCHEMA:
                if kind == "table" and sql:
                    db.execute(sql)
            db.execute("INSERT INTO format VALUES (?)", (FORMAT,))
            db.execute("COMMIT")
            return
        if set(map(tuple, found)) != set(_SCHEMA):
            raise sqlite3.DatabaseError("another schema")
        if db.execute("SELECT version FROM format").fetchall() != [(FORMAT,)]:
            raise sqlite3.DatabaseError("another format")

    def _discard(self, why: str) -> None:
        removed = False
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(f"{self.path}{suffix}").unlink()
                removed = True
            except FileNotFoundError:
                pass
        if removed:
            log.info("verification cache %s emptied: %s", self.path, why)

    # ------------------------------------------------------------------ entries

    def _mac(self, digest: str, context: str, body: bytes, tables: bytes, narr: bytes) -> bytes:
        h = hmac.new(self._key, digestmod=hashlib.sha256)
        for part in (digest.encode(), context.encode(), body, tables, narr):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
        return h.digest()

    def get(self, sha256: str, registry: str) -> ReceivedWorkbook | None:
        found = super().get(sha256, registry)
        if found is not None:
            self.hits += 1
            return found
        with self._lock:
            db = self._connection()
            if db is None:
                return None
            try:
                row = db.execute(
                    "SELECT body, tables, narratives, mac FROM verdicts "
                    "WHERE digest = ? AND context = ?",
                    (sha256, registry),
                ).fetchone()
            except sqlite3.Error as exc:
                log.warning("verification cache %s unreadable: %s", self.path, exc)
                return None
            if row is None:
                return None
            body, tables, narratives, mac = row
            try:
                if not all(isinstance(p, bytes) for p in row):
                    raise _BadEntry("column types")
                if not hmac.compare_digest(
                    mac, self._mac(sha256, registry, body, tables, narratives)
                ):
                    raise _BadEntry("MAC")
                item = _decode_item(body, tables, narratives, Path(), None)
            except _BadEntry as exc:
                self.rejected += 1
                log.warning("verification cache entry %s ignored: %s", sha256[:12], exc)
                self._delete(db, sha256, registry)
                return None
            self._used.append((time.time(), sha256, registry))
        self.hits += 1
        super().put(sha256, registry, item)
        return item

    def _delete(self, db: sqlite3.Connection, sha256: str, context: str) -> None:
        try:
            db.execute("DELETE FROM verdicts WHERE digest = ? AND context = ?", (sha256, context))
        except sqlite3.Error as exc:
            log.warning("verification cache %s: %s", self.path, exc)

    def put(self, sha256: str, registry: str, item: ReceivedWorkbook) -> None:
        super().put(sha256, registry, item)
        if not registry:
            return
        body, tables, narratives = _encode_item(item)
        with self._lock:
            db = self._connection()
            if db is None:
                return
            try:
                if self._pending == 0:
                    db.execute("BEGIN")
                db.execute(
                    "INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        sha256,
                        registry,
                        body,
                        tables,
                        narratives,
                        self._mac(sha256, registry, body, tables, narratives),
                        len(body) + len(tables) + len(narratives),
                        time.time(),
                    ),
                )
                self._pending += 1
                self.stored += 1
                if self._pending >= 64:
                    self._commit(db)
            except sqlite3.Error as exc:
                log.warning("verification cache %s not written: %s", self.path, exc)
                self._pending = 0

    def _commit(self, db: sqlite3.Connection) -> None:
        if self._pending:
            db.execute("COMMIT")
            self._pending = 0

    def flush(self) -> None:
        """Write what is pending, note when entries were last used, keep the file bounded."""
        with self._lock:
            db = self._db
            if db is None:
                return
            try:
                self._commit(db)
                if self._used:
                    db.executemany(
                        "UPDATE verdicts SET used = ? WHERE digest = ? AND context = ?",
                        self._used,
                    )
                    self._used = []
                self._bound(db)
            except sqlite3.Error as exc:
                log.warning("verification cache %s: %s", self.path, exc)
                self._pending = 0

    def _bound(self, db: sqlite3.Connection) -> None:
        count, size = db.execute("SELECT count(*), coalesce(sum(size), 0) FROM verdicts").fetchone()
        if count <= self.max_entries and size <= self.max_bytes:
            return
        # down to nine tenths of both bounds, the entries used longest ago first
        keep_bytes, keep_count = self.max_bytes * 9 // 10, self.max_entries * 9 // 10
        rows = db.execute(
            "SELECT digest, context, size FROM verdicts ORDER BY used DESC"
        ).fetchall()
        total, n, drop = 0, 0, []
        for digest, context, entry_size in rows:
            total += entry_size
            n += 1
            if total > keep_bytes or n > keep_count:
                drop.append((digest, context))
        db.execute("BEGIN")
        db.executemany("DELETE FROM verdicts WHERE digest = ? AND context = ?", drop)
        db.execute("COMMIT")
        log.info("verification cache %s: %d entries used longest ago removed", self.path, len(drop))

    def __len__(self) -> int:
        with self._lock:
            db = self._connection()
            if db is None:
                return super().__len__()
            try:
                self._commit(db)
                return int(db.execute("SELECT count(*) FROM verdicts").fetchone()[0])
            except sqlite3.Error:
                return super().__len__()

    def close(self) -> None:
        self.flush()
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db, self._opened = None, False
