"""SQLite cache of fingerprints, content digests and lasting decode failures, so a rescan only decodes new or
changed files; also the thumbnails fingerprinting made of big pictures it decoded whole (core.thumbnail), kept by the
same rules, so the GUI need not decode those again.

A row is keyed by the path (stored as os.fsencode bytes, because str paths may hold lone surrogates) and is valid only
while the file keeps its identity: size, mtime, inode change time, device and inode. Size and mtime alone are not
enough: a different picture written with the same size and mtime put back would be taken for the old one, and a
unique photo would then look like a copy. A row whose values are not what this version writes (a TEXT hash, a hash of
the wrong length) is a miss, rewritten by the next store. Hashes are stored as big-endian BLOBs: SQLite integers are
signed 64-bit. A different recipe empties the cache; failures are also tied to the decoder versions.

The cache is a convenience, never a reason for a scan to fail, and never a way to damage another file: it writes
only a file that is provably its own (an SQLite file carrying APPLICATION_ID, or any file inside dupfinder's private
cache folder), never through a symlink (at the file or at its -wal/-shm/-journal companions), and creates its file
0600. A corrupt cache of its own is renamed aside and rebuilt, another schema version is rebuilt, anything else
(another program's file, a photo, a link, an unusable folder) turns the cache off; each case adds a line to
`warnings` (and to the log) instead of raising. Writes go in short transactions in WAL mode, so a scan killed halfway
leaves every batch committed before the kill.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dupfinder.core import paths
from dupfinder.core.matching.windows import WINDOWS
from dupfinder.core.models import FileEntry, Fingerprint, Hashes, Problem, ProblemKind

if TYPE_CHECKING:
    from dupfinder.core.matching.hash_spill import HashSpill

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
APPLICATION_ID = 0x64757066  # "dupf": marks the file as ours, so we never drop another program's tables
WRITE_BATCH_ROWS = 2000  # rows per transaction: bounds what a kill can lose, costs little (no fsync per commit)
_LOOKUP_CHUNK = 500  # paths per "IN (...)" query, well under SQLite's bound-parameter limit
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
_SQLITE_MAGIC = b"SQLite format 3\x00"
_APPLICATION_ID_OFFSET = 68  # in the database header
_COMPANIONS = ("-wal", "-shm", "-journal")
# A fingerprint row is ~1.1 KB (its turned and window hashes): SQLite's default 4 KB pages keep at most ~1 KB of a row
# in the page and put the rest on an overflow page of its own, 5 KB a row; 8 KB pages hold whole rows (4x smaller).
PAGE_BYTES = 8192
_HASH_BYTES = 8
_TURNED_BYTES = 7 * 2 * _HASH_BYTES
_WINDOWS_BYTES = len(WINDOWS) * 2 * _HASH_BYTES
_DIGEST_BYTES = 32

_KEY = "path, size_bytes, mtime_ns, ctime_ns, dev, ino"
_KEY_COLUMNS = (
    "path BLOB PRIMARY KEY, size_bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,"
    " dev INTEGER NOT NULL, ino INTEGER NOT NULL"
)
_FP_VALUES = "width, height, format, ahash, phash, dhash, whash, taken, turned, windows, detail"
# Added to schema 4 by any version that knows it (CREATE IF NOT EXISTS), so no user's fingerprints are dropped for it;
# a rowid table, as SQLite advises for rows of kilobytes.
_THUMBNAILS = f"CREATE TABLE IF NOT EXISTS thumbnails ({_KEY_COLUMNS}, image BLOB NOT NULL)"
# A fingerprint stored for a path drops that path's thumbnail of another identity (the file changed): none would
# ever be shown again.
_DROP_OTHER_THUMBNAIL = (
    "DELETE FROM thumbnails WHERE path = ?"
    " AND NOT (size_bytes = ? AND mtime_ns = ? AND ctime_ns = ? AND dev = ? AND ino = ?)"
)
_MEASURE_VALUES = "verdict, inliers, coverage, kept_left, kept_right, angle, edits, residual, agreement, reason"
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"CREATE TABLE fingerprints ({_KEY_COLUMNS}, width INTEGER NOT NULL, height INTEGER NOT NULL,"
    " format TEXT NOT NULL, ahash BLOB NOT NULL, phash BLOB NOT NULL, dhash BLOB NOT NULL, whash BLOB NOT NULL,"
    " taken TEXT, turned BLOB NOT NULL, windows BLOB NOT NULL, detail REAL) WITHOUT ROWID",
    f"CREATE TABLE digests ({_KEY_COLUMNS}, digest BLOB NOT NULL) WITHOUT ROWID",
    f"CREATE TABLE failures ({_KEY_COLUMNS}, decoder TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL)"
    " WITHOUT ROWID",
    # The second measure of a candidate pair (matching.pipeline.measure_key names both files as they are and the
    # measure's recipe), so a rescan of an unchanged library decodes nothing for it either.
    "CREATE TABLE measures (key BLOB PRIMARY KEY, verdict INTEGER NOT NULL, inliers INTEGER NOT NULL,"
    " coverage REAL NOT NULL, kept_left REAL NOT NULL, kept_right REAL NOT NULL, angle REAL NOT NULL,"
    " edits INTEGER NOT NULL, residual REAL NOT NULL, agreement REAL NOT NULL, reason TEXT NOT NULL) WITHOUT ROWID",
    _THUMBNAILS,
)


class NotACacheError(ValueError):
    """The cache path holds something dupfinder must not write: another file, a symlink, another user's file."""


class _Unusable(Exception):
    """The file is a database, but not a usable dupfinder cache: set it aside rather than touch it."""


def check_cache_path(path: str | os.PathLike) -> None:
    """Raise NotACacheError unless `path` is missing or provably a dupfinder cache (the CLI's --cache check)."""
    _ownership(Path(path))


def _in_own_folder(path: Path) -> bool:
    return os.path.abspath(path.parent) == os.path.abspath(paths.cache_dir())


def _ownership(path: Path) -> bool:
    """True if `path` holds a cache of ours, False if nothing is there; NotACacheError for anything else.

    Only the header is read, with a non-blocking open that follows no symlink, so a FIFO or a link costs nothing."""
    for name in (path, *(Path(f"{path}{suffix}") for suffix in _COMPANIONS)):
        try:
            st = os.lstat(name)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode):
            raise NotACacheError(f"{name} is a symbolic link; dupfinder does not write through links")
    try:
        fd = paths.open_own_file(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return False
    except paths.UnsafePathError as e:
        raise NotACacheError(f"{e}: not a dupfinder cache") from e
    try:
        header = os.read(fd, 100)
    finally:
        os.close(fd)
    app_id = int.from_bytes(header[_APPLICATION_ID_OFFSET : _APPLICATION_ID_OFFSET + 4], "big")
    if (header.startswith(_SQLITE_MAGIC) and app_id == APPLICATION_ID) or _in_own_folder(path):
        return True
    raise NotACacheError(
        f"{path} exists and is not a dupfinder cache; dupfinder never overwrites a file it did not create"
    )


def _hash_bytes(value: int) -> bytes:
    return value.to_bytes(_HASH_BYTES, "big")


def _key(entry: FileEntry) -> tuple:
    return (os.fsencode(entry.path), entry.size_bytes, entry.mtime_ns, entry.ctime_ns, entry.dev, entry.ino)


def _fingerprint_columns(fp: Fingerprint) -> tuple:
    hashes = (_hash_bytes(fp.ahash), _hash_bytes(fp.phash), _hash_bytes(fp.dhash), _hash_bytes(fp.whash))
    turned = bytes(fp.turned_phash) + bytes(fp.turned_dhash)  # Hashes are packed as the cache stores them
    windows = bytes(fp.window_phash) + bytes(fp.window_dhash)
    return (fp.width, fp.height, fp.format, *hashes, fp.taken, turned, windows, fp.detail)


def _halves(blob: bytes) -> tuple[Hashes, Hashes]:
    """The two halves of 8-byte big-endian values packed by _fingerprint_columns (pHashes, then dHashes)."""
    half = len(blob) // 2
    return Hashes.of(blob[:half]), Hashes.of(blob[half:])


def _fingerprint_from(
    width, height, fmt, ahash, phash, dhash, whash, taken, turned, windows, detail
) -> Fingerprint | None:
    """The fingerprint a row holds, or None when any value is not what _fingerprint_columns writes."""
    hashes = (ahash, phash, dhash, whash)
    if not (
        all(type(v) is int and v > 0 for v in (width, height))
        and type(fmt) is str
        and all(type(v) is bytes and len(v) == _HASH_BYTES for v in hashes)
        and (taken is None or type(taken) is str)
        and type(turned) is bytes
        and len(turned) in (0, _TURNED_BYTES)
        and type(windows) is bytes
        and len(windows) in (0, _WINDOWS_BYTES)
        and (detail is None or type(detail) is float)
    ):
        return None
    ints = (int.from_bytes(v, "big") for v in hashes)
    return Fingerprint(width, height, fmt, *ints, taken, *_halves(turned), *_halves(windows), detail)


def _valid_blob(blob: object, size: int) -> bool:
    return type(blob) is bytes and len(blob) in (0, size)


def _measure_from(row: tuple) -> tuple | None:
    """A stored measure as matching.pipeline.MeasureRow, or None when a value is not what store_measures writes."""
    verdict, inliers, coverage, kept_left, kept_right, angle, edits, residual, agreement, reason = row
    reals = (coverage, kept_left, kept_right, angle, residual, agreement)
    integers = type(verdict) is int and type(inliers) is int and type(edits) is int
    if integers and type(reason) is str and all(type(v) is float for v in reals):
        return row if 0 <= verdict < 16 and inliers >= 0 and 0 <= edits < 256 else None
    return None


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
    """Fingerprints, digests, failures and thumbnails of files, valid for their identity and the recipe.
    Thread-safe."""

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

    def lookup(self, entries: Sequence[FileEntry], spill: HashSpill | None = None, into=None) -> dict[int, Fingerprint]:
        """Index into `entries` -> cached fingerprint, for the entries whose file is unchanged, in a new dict or
        written `into` a mapping (image_table.FingerprintColumns). With a `spill`, the turned and window hashes go
        there (by index into entries) and the fingerprints returned hold none."""
        out = {} if into is None else into
        for i, values in self._fetch("fingerprints", _FP_VALUES, entries):
            if spill is None:
                fp = _fingerprint_from(*values)
            else:
                *facts, turned, windows, detail = values
                fp = _fingerprint_from(*facts, b"", b"", detail)
                if fp is not None and _valid_blob(turned, _TURNED_BYTES) and _valid_blob(windows, _WINDOWS_BYTES):
                    spill.put(i, turned, windows)
                else:
                    fp = None
            if fp is not None:
                out[i] = fp
        return out

    def store(self, items: Iterable[tuple[FileEntry, Fingerprint]]) -> None:
        """Insert or replace, WRITE_BATCH_ROWS rows per transaction; a thumbnail of the path's former file goes."""
        rows = ((*_key(e), *_fingerprint_columns(fp)) for e, fp in items)
        self._write("fingerprints", _FP_VALUES, rows, also=_DROP_OTHER_THUMBNAIL)

    def lookup_thumbnails(self, entries: Sequence[FileEntry]) -> dict[int, bytes]:
        """Index into `entries` -> the stored thumbnail (core.thumbnail's encoded bytes) of an unchanged file."""
        return {i: image for i, (image,) in self._fetch("thumbnails", "image", entries) if type(image) is bytes}

    def store_thumbnails(self, items: Iterable[tuple[FileEntry, bytes]]) -> None:
        self._write("thumbnails", "image", ((*_key(e), bytes(image)) for e, image in items))

    def lookup_digests(self, entries: Sequence[FileEntry]) -> dict[int, bytes]:
        """Index into `entries` -> cached content digest, for the entries whose file is unchanged."""
        return {
            i: digest
            for i, (digest,) in self._fetch("digests", "digest", entries)
            if type(digest) is bytes and len(digest) == _DIGEST_BYTES
        }

    def store_digests(self, items: Iterable[tuple[FileEntry, bytes]]) -> None:
        self._write("digests", "digest", ((*_key(e), bytes(digest)) for e, digest in items))

    def lookup_measures(self, keys: Sequence[bytes]) -> dict[bytes, tuple]:
        """Stored second measures by key (matching.pipeline.MeasureStore); a row of the wrong types is a miss."""
        out: dict[bytes, tuple] = {}
        with self._lock:
            if self._db is None:
                return out
            try:
                for start in range(0, len(keys), _LOOKUP_CHUNK):
                    chunk = list(keys[start : start + _LOOKUP_CHUNK])
                    marks = ",".join("?" * len(chunk))
                    query = f"SELECT key, {_MEASURE_VALUES} FROM measures WHERE key IN ({marks})"
                    for key, *values in self._db.execute(query, chunk):
                        if (measure := _measure_from(tuple(values))) is not None:
                            out[key] = measure
            except sqlite3.DatabaseError as e:
                self._failed("read", e)
                return {}
        return out

    def store_measures(self, items: Sequence[tuple[bytes, tuple]]) -> None:
        rows = [
            (bytes(key), int(v), int(n), float(c), float(kl), float(kr), float(a), int(e), float(r), float(g), str(why))
            for key, (v, n, c, kl, kr, a, e, r, g, why) in items
        ]
        sql = f"INSERT OR REPLACE INTO measures (key, {_MEASURE_VALUES}) VALUES ({','.join('?' * 11)})"
        for start in range(0, len(rows), WRITE_BATCH_ROWS):
            with self._lock:
                if self._db is None:
                    return
                try:
                    self._db.execute("BEGIN")
                    self._db.executemany(sql, rows[start : start + WRITE_BATCH_ROWS])
                    self._db.execute("COMMIT")
                except sqlite3.DatabaseError as e:
                    _rollback(self._db)
                    self._failed("write to", e)

    def lookup_failures(self, entries: Sequence[FileEntry], decoder: str) -> dict[int, Problem]:
        """Index into `entries` -> the Problem an unchanged file gave with the same `decoder` versions."""
        out: dict[int, Problem] = {}
        kinds = {kind.name: kind for kind in ProblemKind}
        for i, (row_decoder, kind, detail) in self._fetch("failures", "decoder, kind, detail", entries):
            if row_decoder == decoder and kind in kinds and type(detail) is str:
                out[i] = Problem(entries[i].path, kinds[kind], detail)
        return out

    def store_failures(self, items: Iterable[tuple[FileEntry, Problem]], decoder: str) -> None:
        rows = ((*_key(e), decoder, p.kind.name, p.detail) for e, p in items)
        self._write("failures", "decoder, kind, detail", rows)

    # -- opening, migrating, recovering ---------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            log.warning("%s", message)

    def _open(self) -> None:
        try:
            self._prepare_folder()
            self._db = self._connect()
            return
        except NotACacheError as e:
            self._warn(f"the fingerprint cache cannot be used ({e}); scanning without it")
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

    def _prepare_folder(self) -> None:
        """dupfinder's own cache folder is made private; a folder the user named is created if missing."""
        if _in_own_folder(self.path):
            paths.ensure_private_dir(self.path.parent)
        else:
            os.makedirs(self.path.parent, mode=0o700, exist_ok=True)

    def _recover(self, reason: BaseException) -> None:
        """Rename our broken file aside and start an empty cache; turn the cache off if even that fails."""
        try:
            aside = self._set_aside()
            self._db = self._connect()
        except (OSError, sqlite3.DatabaseError, _Unusable, NotACacheError) as e:
            self._warn(f"the fingerprint cache {self.path} is broken ({reason}) and could not be rebuilt ({e})")
            return
        self._warn(f"the fingerprint cache was unreadable ({reason}); it was moved to {aside} and rebuilt")

    def _set_aside(self) -> Path:
        if not _ownership(self.path):  # checked again: only a file of ours is ever renamed
            raise FileNotFoundError(f"{self.path} disappeared")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for n in itertools.count(1):
            if not aside.exists():
                break
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        os.replace(self.path, aside)
        # A stale write-ahead log would be replayed into the new database: move it along with its file.
        for suffix in _COMPANIONS:
            companion = Path(f"{self.path}{suffix}")
            if companion.exists():
                os.replace(companion, f"{aside}{suffix}")
        return aside

    def _connect(self) -> sqlite3.Connection:
        if not _ownership(self.path):
            os.close(paths.open_own_file(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL))  # ours, 0600
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        try:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _Unusable(f"integrity check failed: {check}")
            self._migrate(db)  # before WAL mode: a new file gets its application id in the file itself
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Create the tables, or rebuild them for another schema version, and empty them for another recipe; add the
        thumbnails table to a cache made before it."""
        if self._schema_state(db) == (SCHEMA_VERSION, self.recipe) and self._has_thumbnails(db):
            return
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            db.execute(f"PRAGMA page_size = {PAGE_BYTES}")  # a new file: before its first table
        db.execute("BEGIN IMMEDIATE")
        try:
            version, recipe = self._schema_state(db)
            if version != SCHEMA_VERSION:
                tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                if tables:
                    self._warn(
                        f"the fingerprint cache had schema version {version}, not {SCHEMA_VERSION}; rebuilt"
                        " (its photos are fingerprinted again once)"
                    )
                for table in tables:
                    db.execute(f'DROP TABLE "{table}"')
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            else:
                db.execute(_THUMBNAILS)  # a cache made before thumbnails keeps everything else
                if recipe != self.recipe:
                    log.info("fingerprint recipe changed from %r to %r: cache emptied", recipe, self.recipe)
                    for table in ("fingerprints", "digests", "failures", "thumbnails"):
                        db.execute(f"DELETE FROM {table}")
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('recipe', ?)", (self.recipe,))
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    @staticmethod
    def _has_thumbnails(db: sqlite3.Connection) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'thumbnails'"
        return db.execute(query).fetchone() is not None

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

    def _fetch(self, table: str, columns: str, entries: Sequence[FileEntry]) -> Iterator[tuple[int, tuple]]:
        """(index into entries, the row's `columns`) for the rows whose key equals the entry's identity.

        Chunked "WHERE path IN (...)" queries: for a full warm rescan of 100k rows they cost ~0.07 s more than
        reading the whole table (tests/benchmarks/bench_cache.py), and they stay fast when the cache holds many
        more rows than the scan asks for (other folders scanned before), where a full read would not. Read
        _LOOKUP_CHUNK entries at a time, so that a lookup of a million holds one chunk's rows, not a million.
        """
        for start in range(0, len(entries), _LOOKUP_CHUNK):
            keys = {_key(e): start + k for k, e in enumerate(entries[start : start + _LOOKUP_CHUNK])}
            marks = ",".join("?" * len(keys))
            with self._lock:
                if self._db is None:
                    return
                try:
                    rows = self._db.execute(
                        f"SELECT {_KEY}, {columns} FROM {table} WHERE path IN ({marks})", [key[0] for key in keys]
                    ).fetchall()
                except sqlite3.DatabaseError as e:
                    self._failed("read", e)
                    return
            yield from ((keys[row[:6]], row[6:]) for row in rows if row[:6] in keys)

    def _write(self, table: str, columns: str, rows: Iterator[tuple], also: str | None = None) -> None:
        """Insert or replace `rows` in batches; `also`, a statement taking each row's key, runs in the same
        transaction."""
        count = 6 + columns.count(",") + 1
        sql = f"INSERT OR REPLACE INTO {table} ({_KEY}, {columns}) VALUES ({','.join('?' * count)})"
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
                    if also is not None:
                        self._db.executemany(also, (row[:6] for row in batch))
                    self._db.execute("COMMIT")
                except sqlite3.DatabaseError as e:
                    _rollback(self._db)
                    self._failed("write to", e)
