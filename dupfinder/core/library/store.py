"""The fingerprint library file: one SQLite database per library, built by `dupfinder index` and read by `find --db`.

One row per real image file: its path (os.fsencode bytes), identity (size, mtime_ns, ctime_ns, dev, ino), facts
(width, height, format, EXIF date), the four 64-bit hashes (stored as signed SQLite integers) and its BLAKE2b
content digest. A row is current while the file keeps its path, size, mtime_ns, inode and ctime (the fingerprint
cache's rules, plus inode and ctime) and the fingerprint recipe is the library's.

Safety: a library is a file the user names, so it is created new (0600, never through a symlink, O_EXCL) and an
existing file is opened only if it is a regular file whose SQLite header carries dupfinder's library application id:
a photo, another program's database or a fingerprint cache given by mistake is refused and never written. Updates go
in one transaction, so an interrupted `index` leaves the library as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dupfinder.core import paths

APPLICATION_ID = 0x6475706C  # "dupl" (the fingerprint cache is "dupf")
SCHEMA_VERSION = 1
_HEADER = b"SQLite format 3\x00"
_APPLICATION_ID_OFFSET = 68
_CHUNK = 500
HASH_NAMES = ("ahash", "phash", "dhash", "whash")

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE files (id INTEGER PRIMARY KEY, path BLOB NOT NULL UNIQUE, size_bytes INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, dev INTEGER NOT NULL, ino INTEGER NOT NULL,"
    " width INTEGER NOT NULL, height INTEGER NOT NULL, format TEXT NOT NULL, taken TEXT,"
    " ahash INTEGER NOT NULL, phash INTEGER NOT NULL, dhash INTEGER NOT NULL, whash INTEGER NOT NULL, digest BLOB)",
)
_COLUMNS = (
    "path, size_bytes, mtime_ns, ctime_ns, dev, ino, width, height, format, taken, ahash, phash, dhash, whash, digest"
)


class LibraryError(OSError):
    """The library file cannot be used (the message says why); nothing was written to it."""


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """One file of the library."""

    path: str
    size_bytes: int
    mtime_ns: int
    ctime_ns: int
    dev: int
    ino: int
    width: int
    height: int
    format: str
    taken: str | None
    ahash: int
    phash: int
    dhash: int
    whash: int
    digest: bytes | None
    id: int = 0  # the row id (0 before it is stored)

    def columns(self) -> tuple:
        return (
            os.fsencode(self.path), self.size_bytes, self.mtime_ns, self.ctime_ns, self.dev, self.ino, self.width,
            self.height, self.format, self.taken, _signed(self.ahash), _signed(self.phash), _signed(self.dhash),
            _signed(self.whash), self.digest,
        )  # fmt: skip

    @classmethod
    def from_columns(cls, row_id: int, row: Sequence) -> LibraryRow:
        path, size, mtime, ctime, dev, ino, width, height, fmt, taken, a, p, d, w, digest = row
        return cls(
            os.fsdecode(path), size, mtime, ctime, dev, ino, width, height, fmt, taken,
            _unsigned(a), _unsigned(p), _unsigned(d), _unsigned(w), digest, row_id,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class LibraryIndex:
    """The library in memory for queries: row ids, sizes and each hash as uint64 arrays, in one order."""

    ids: np.ndarray  # int64 row ids
    sizes: np.ndarray  # int64
    columns: dict[str, np.ndarray]  # hash name -> uint64 values

    def __len__(self) -> int:
        return len(self.ids)


def is_library_file(path: str | os.PathLike) -> bool:
    """True when `path` is a regular file (not a link) with an SQLite header carrying the library's application id."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
        with open(path, "rb") as f:
            head = f.read(_APPLICATION_ID_OFFSET + 4)
    except OSError:
        return False
    return head.startswith(_HEADER) and int.from_bytes(head[_APPLICATION_ID_OFFSET:], "big") == APPLICATION_ID


class FingerprintLibrary:
    """An open library. Use create() or open(); a context manager (closes the database)."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path, self._db = path, db

    # -- opening ------------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike) -> FingerprintLibrary:
        """A new, empty library at `path` (which must not exist; its folder must). Raises LibraryError."""
        target = Path(os.path.abspath(os.path.expanduser(path)))
        if not target.parent.is_dir():
            raise LibraryError(f"{target}: the folder {target.parent} does not exist")
        try:
            fd = paths.open_own_file(target, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            raise LibraryError(f"{target} already exists") from None
        except OSError as exc:
            raise LibraryError(f"{target} cannot be created: {exc.strerror or exc}") from exc
        os.close(fd)
        try:
            db = sqlite3.connect(target, isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{target} cannot be created: {exc}") from exc
        return cls(target, db)

    @classmethod
    def open(cls, path: str | os.PathLike, *, read_only: bool = False) -> FingerprintLibrary:
        """An existing library; raises LibraryError when `path` is missing or is not a dupfinder library.
        read_only: SQLite's read-only mode (what `find --db` uses: a query writes nothing, not even a journal)."""
        target = Path(os.path.abspath(os.path.expanduser(path)))
        if not os.path.lexists(target):
            raise LibraryError(f"no such library: {target} (build one with: dupfinder index FOLDER... --db {path})")
        if not is_library_file(target):
            raise LibraryError(f"{target} is not a dupfinder library; it is left alone")
        try:
            if not read_only and hasattr(os, "getuid") and os.lstat(target).st_uid != os.getuid():
                raise LibraryError(f"{target} belongs to another user; dupfinder only updates its own libraries")
            if read_only:
                db = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, isolation_level=None)
            else:
                db = sqlite3.connect(target, isolation_level=None)
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                raise LibraryError(f"{target} is not a dupfinder library; it is left alone")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                db.close()
                raise LibraryError(f"{target} is a library of another dupfinder version (schema {version})")
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{target} cannot be read: {exc}") from exc
        return cls(target, db)

    @classmethod
    def open_or_create(cls, path: str | os.PathLike) -> FingerprintLibrary:
        return cls.open(path) if os.path.lexists(os.path.expanduser(path)) else cls.create(path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FingerprintLibrary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- metadata -----------------------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def recipe(self) -> str | None:
        return self.meta("recipe")

    @property
    def roots(self) -> list[str]:
        return [str(r) for r in json.loads(self.meta("roots") or "[]")]

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM files").fetchone()[0]

    # -- reading ------------------------------------------------------------------------------------------------
    def load_index(self) -> LibraryIndex:
        """Every row's id, size and hashes as arrays (one pass over the table; ~1 s per million rows)."""
        count = len(self)
        dtype = [("id", "i8"), ("size", "i8"), *((name, "i8") for name in HASH_NAMES)]
        cursor = self._db.execute(f"SELECT id, size_bytes, {', '.join(HASH_NAMES)} FROM files ORDER BY id")
        table = np.fromiter(cursor, dtype=dtype, count=count)
        columns = {name: np.ascontiguousarray(table[name]).view(np.uint64) for name in HASH_NAMES}
        return LibraryIndex(np.ascontiguousarray(table["id"]), np.ascontiguousarray(table["size"]), columns)

    def rows(self, ids: Sequence[int]) -> dict[int, LibraryRow]:
        """The rows with these ids (those that exist)."""
        out: dict[int, LibraryRow] = {}
        ids = list(ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT id, {_COLUMNS} FROM files WHERE id IN ({marks})", chunk):
                out[row[0]] = LibraryRow.from_columns(row[0], row[1:])
        return out

    def identities(self) -> dict[str, tuple[int, int, int, int, int]]:
        """path -> (id, size_bytes, mtime_ns, ino, ctime_ns) of every row (for an incremental update)."""
        rows = self._db.execute("SELECT path, id, size_bytes, mtime_ns, ino, ctime_ns FROM files")
        return {os.fsdecode(path): (row_id, size, mtime, ino, ctime) for path, row_id, size, mtime, ino, ctime in rows}

    # -- writing ------------------------------------------------------------------------------------------------
    def apply(
        self, *, upsert: Iterable[LibraryRow], delete_ids: Iterable[int], recipe: str, roots: Sequence[str]
    ) -> None:
        """One transaction: insert or replace rows (by path), delete rows by id, record the recipe and roots."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM files WHERE id = ?", ((i,) for i in delete_ids))
            self._db.executemany(
                f"INSERT OR REPLACE INTO files ({_COLUMNS}) VALUES ({','.join('?' * 15)})",
                (row.columns() for row in upsert),
            )
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('recipe', ?)", (recipe,))
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('roots', ?)", (json.dumps(list(roots)),))
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def insert_rows(self, rows: Iterable[LibraryRow], recipe: str = "") -> None:
        """Bulk insert (benchmarks and tests); keeps the recorded roots."""
        self.apply(upsert=rows, delete_ids=(), recipe=recipe or (self.recipe or ""), roots=self.roots)
