"""SQLite cache of fingerprints and content digests, so a rescan only decodes new or changed files.

A row is keyed by the path (stored as os.fsencode bytes, because str paths may hold lone surrogates) and is valid only
while the file keeps its (size_bytes, mtime_ns) and the fingerprint recipe stays the same (a different recipe empties
the cache). Hashes are stored as big-endian BLOBs: SQLite integers are signed 64-bit.

The cache is a convenience, never a reason for a scan to fail: a corrupt file is renamed aside and rebuilt, a schema
from another version is dropped and rebuilt, an unusable folder turns the cache off; each case adds a line to
`warnings` (and to the log) instead of raising. Writes go in short transactions in WAL mode, so a scan killed halfway
leaves every batch committed before the kill.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from dupfinder.core import paths
from dupfinder.core.models import FileEntry, Fingerprint

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
APPLICATION_ID = 0x64757066  # "dupf": marks the file as ours, so we never drop another program's tables
WRITE_BATCH_ROWS = 2000  # rows per transaction: bounds what a kill can lose, costs little (no fsync per commit)
_LOOKUP_CHUNK = 500  # paths per "IN (...)" query, well under SQLite's bound-parameter limit
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26

_FP_COLUMNS = "path, size_bytes, mtime_ns, width, height, format, ahash, phash, dhash, whash, taken, turned"
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE fingerprints (path BLOB PRIMARY KEY, size_bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " width INTEGER NOT NULL, height INTEGER NOT NULL, format TEXT NOT NULL, ahash BLOB NOT NULL,"
    " phash BLOB NOT NULL, dhash BLOB NOT NULL, whash BLOB NOT NULL, taken TEXT, turned BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE digests (path BLOB PRIMARY KEY, size_bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " digest BLOB NOT NULL) WITHOUT ROWID",
)


class _Unusable(Exception):
    """The file is a database, but not a usable dupfinder cache: set it aside rather than touch it."""


def _hash_bytes(value: int) -> bytes:
    """Big-endian, 8 bytes for a 64-bit hash (longer only if a recipe ever makes longer hashes)."""
    return value.to_bytes(max(8, (value.bit_length() + 7) // 8), "big")


def _fingerprint_columns(fp: Fingerprint) -> tuple:
    hashes = (_hash_bytes(fp.ahash), _hash_bytes(fp.phash), _hash_bytes(fp.dhash), _hash_bytes(fp.whash))
    turned = b"".join(value.to_bytes(8, "big") for value in (*fp.turned_phash, *fp.turned_dhash))
    return (fp.width, fp.height, fp.format, *hashes, fp.taken, turned)


def _turned_hashes(blob: bytes) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The turned pHashes and dHashes packed by _fingerprint_columns (two halves of 8-byte values)."""
    values = tuple(int.from_bytes(blob[k : k + 8], "big") for k in range(0, len(blob), 8))
    half = len(values) // 2
    return values[:half], values[half:]


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.DatabaseError as e:
            log.debug("rollback failed: %s", e)


def _is_corrupt(error: BaseException) -> bool:
    if isinstance(error, _Unusable):
        return True
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    return type(error) is sqlite3.DatabaseError  # Python 3.10: corruption is the plain DatabaseError


class FingerprintCache:
    """Fingerprints and digests of files, valid for their (size_bytes, mtime_ns) and the recipe. Thread-safe."""

    def __init__(self, path: str | os.PathLike | None, recipe: str) -> None:
        self.path = Path(path) if path is not None else paths.default_cache_path()
        self.recipe = recipe
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._open()

    def __enter__(self) -> FingerprintCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def enabled(self) -> bool:
        """False once the cache could not be opened: lookups find nothing and stores do nothing."""
        return self._db is not None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def lookup(self, entries: Sequence[FileEntry]) -> dict[int, Fingerprint]:
        """Index into `entries` -> cached fingerprint, for the entries whose file is unchanged."""
        index, rows = self._fetch("fingerprints", _FP_COLUMNS, entries)
        out: dict[int, Fingerprint] = {}
        h = int.from_bytes
        for path, size_bytes, mtime_ns, width, height, fmt, ahash, phash, dhash, whash, taken, turned in rows:
            i = index[path]
            entry = entries[i]
            if size_bytes == entry.size_bytes and mtime_ns == entry.mtime_ns:
                hashes = h(ahash, "big"), h(phash, "big"), h(dhash, "big"), h(whash, "big")
                out[i] = Fingerprint(width, height, fmt, *hashes, taken, *_turned_hashes(turned))
        return out

    def store(self, items: Iterable[tuple[FileEntry, Fingerprint]]) -> None:
        """Insert or replace, WRITE_BATCH_ROWS rows per transaction."""
        rows = ((os.fsencode(e.path), e.size_bytes, e.mtime_ns, *_fingerprint_columns(fp)) for e, fp in items)
        self._write(f"INSERT OR REPLACE INTO fingerprints ({_FP_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def lookup_digests(self, entries: Sequence[FileEntry]) -> dict[int, bytes]:
        """Index into `entries` -> cached content digest, for the entries whose file is unchanged."""
        index, rows = self._fetch("digests", "path, size_bytes, mtime_ns, digest", entries)
        out: dict[int, bytes] = {}
        for path, size_bytes, mtime_ns, digest in rows:
            i = index[path]
            if size_bytes == entries[i].size_bytes and mtime_ns == entries[i].mtime_ns:
                out[i] = digest
        return out

    def store_digests(self, items: Iterable[tuple[FileEntry, bytes]]) -> None:
        rows = ((os.fsencode(e.path), e.size_bytes, e.mtime_ns, bytes(digest)) for e, digest in items)
        self._write("INSERT OR REPLACE INTO digests (path, size_bytes, mtime_ns, digest) VALUES (?,?,?,?)", rows)

    # -- opening, migrating, recovering ---------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            log.warning("%s", message)

    def _open(self) -> None:
        try:
            self._db = self._connect()
            return
        except (sqlite3.DatabaseError, _Unusable) as e:
            if not _is_corrupt(e):
                self._warn(f"the fingerprint cache {self.path} cannot be used ({e}); scanning without it")
                return
            reason = e
        except OSError as e:
            self._warn(f"the fingerprint cache folder {self.path.parent} cannot be used ({e}); scanning without it")
            return
        self._recover(reason)

    def _recover(self, reason: BaseException) -> None:
        """Rename the broken file aside and start an empty cache; turn the cache off if even that fails."""
        try:
            aside = self._set_aside()
            self._db = self._connect()
        except (OSError, sqlite3.DatabaseError, _Unusable) as e:
            self._warn(f"the fingerprint cache {self.path} is broken ({reason}) and could not be rebuilt ({e})")
            return
        self._warn(f"the fingerprint cache was unreadable ({reason}); it was moved to {aside} and rebuilt")

    def _set_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for n in itertools.count(1):
            if not aside.exists():
                break
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        os.replace(self.path, aside)
        # A stale write-ahead log would be replayed into the new database: move it along with its file.
        for suffix in ("-wal", "-shm"):
            companion = Path(f"{self.path}{suffix}")
            if companion.exists():
                os.replace(companion, f"{aside}{suffix}")
        return aside

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _Unusable(f"integrity check failed: {check}")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Create the tables, or rebuild them for another schema version, and empty them for another recipe."""
        if self._schema_state(db) == (SCHEMA_VERSION, self.recipe):
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            version, recipe = self._schema_state(db)
            if version != SCHEMA_VERSION:
                tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                if tables:
                    self._warn(f"the fingerprint cache had schema version {version}, not {SCHEMA_VERSION}; rebuilt")
                for table in tables:
                    db.execute(f'DROP TABLE "{table}"')
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif recipe != self.recipe:
                log.info("fingerprint recipe changed from %r to %r: cache emptied", recipe, self.recipe)
                db.execute("DELETE FROM fingerprints")
                db.execute("DELETE FROM digests")
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('recipe', ?)", (self.recipe,))
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    @staticmethod
    def _schema_state(db: sqlite3.Connection) -> tuple[int, str | None]:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if app_id != APPLICATION_ID and (app_id != 0 or has_tables):
            raise _Unusable(f"not a dupfinder cache (application id {app_id:#x})")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            return version, None
        row = db.execute("SELECT value FROM meta WHERE key = 'recipe'").fetchone()
        return version, row[0] if row else None

    def _failed(self, action: str, error: sqlite3.DatabaseError) -> None:
        """Called with the lock held: rebuild a cache that turned out corrupt, else note the failure and go on."""
        if _is_corrupt(error) and self._db is not None:
            self._db.close()
            self._db = None
            self._recover(error)
        else:
            self._warn(f"could not {action} the fingerprint cache ({error}); continuing without it")

    # -- reading and writing ---------------------------------------------------------------------------------

    def _fetch(self, table: str, columns: str, entries: Sequence[FileEntry]) -> tuple[dict[bytes, int], list[tuple]]:
        """Rows for the entries' paths (not yet checked for size and mtime) and the path -> entry index map.

        Chunked "WHERE path IN (...)" queries: for a full warm rescan of 100k rows they cost ~0.07 s more than
        reading the whole table (tests/benchmarks/bench_cache.py), and they stay fast when the cache holds many
        more rows than the scan asks for (other folders scanned before), where a full read would not.
        """
        index = {os.fsencode(e.path): i for i, e in enumerate(entries)}
        keys = list(index)
        rows: list[tuple] = []
        with self._lock:
            if self._db is None:
                return index, []
            try:
                for start in range(0, len(keys), _LOOKUP_CHUNK):
                    chunk = keys[start : start + _LOOKUP_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows += self._db.execute(f"SELECT {columns} FROM {table} WHERE path IN ({marks})", chunk)
            except sqlite3.DatabaseError as e:
                self._failed("read", e)
                return index, []
        return index, rows

    def _write(self, sql: str, rows: Iterator[tuple]) -> None:
        while True:
            batch = list(itertools.islice(rows, WRITE_BATCH_ROWS))
            if not batch:
                return
            with self._lock:
                if self._db is None:
                    continue  # drain the iterable: callers may rely on it being consumed
                try:
                    self._db.execute("BEGIN")
                    self._db.executemany(sql, batch)
                    self._db.execute("COMMIT")
                except sqlite3.DatabaseError as e:
                    _rollback(self._db)
                    self._failed("write to", e)
