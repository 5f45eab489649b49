"""The scanned files and images as columns (ScanResult.images): read like tuples of FileEntry / ImageRecord, each made
when asked for, and by column for the work over every image (hash arrays, ranks, identities).

A million ImageRecords as Python objects (FileEntry, Fingerprint, their ints and strings, the record) take about
1.2 GB; as columns about 0.2 GB (by the arrays' sizes, ~180 bytes an image with a 40-byte path): paths as one UTF-8
blob, numbers in structured numpy arrays, the rare values that fit no column (an odd EXIF date, a digest of another
length, turned and window hashes kept with the fingerprint) in small dictionaries by row.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from dupfinder.core.models import FileEntry, Fingerprint, Hashes, ImageRecord

_FILE_DTYPE = np.dtype(  # FileEntry's fields after the path, in its order (FileEntry(path, *row.item()))
    [("size_bytes", "<i8"), ("mtime_ns", "<i8"), ("dev", "<u8"), ("ino", "<u8"), ("protected", "?"),
     ("ctime_ns", "<i8")]
)  # fmt: skip
_FACTS_DTYPE = np.dtype(  # Fingerprint's single values, in its order; taken and detail coded (_taken_code, NaN)
    [("width", "<i8"), ("height", "<i8"), ("format", "<u2"), ("ahash", "<u8"), ("phash", "<u8"), ("dhash", "<u8"),
     ("whash", "<u8"), ("taken", "<i8"), ("detail", "<f8")]
)  # fmt: skip
_EXTRA_FIELDS = ("turned_phash", "turned_dhash", "window_phash", "window_dhash")
_NO_EXTRA = (Hashes.of(()),) * len(_EXTRA_FIELDS)
_NO_TAKEN, _ODD_TAKEN = -1, -2
_TAKEN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
DIGEST_BYTES = 32  # core.fingerprint.DIGEST_SIZE_BYTES; another length is kept aside


class PathColumn(Sequence[str]):
    """Paths as one UTF-8 blob (surrogates passed through, so any str comes back as it was) and their end offsets."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, paths: Iterable[str]) -> None:
        encoded = [p.encode("utf-8", "surrogatepass") for p in paths]
        self._blob = b"".join(encoded)
        self._ends = np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)))

    @classmethod
    def _of(cls, blob: bytes, ends: np.ndarray) -> PathColumn:
        column = cls.__new__(cls)
        column._blob, column._ends = blob, ends
        return column

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i):  # -> str
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = _index(i, len(self))
        start = int(self._ends[i - 1]) if i else 0
        return str(memoryview(self._blob)[start : int(self._ends[i])], "utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        view, start = memoryview(self._blob), 0
        for end in self._ends.tolist():
            yield str(view[start:end], "utf-8", "surrogatepass")
            start = end

    def take(self, rows: np.ndarray) -> PathColumn:
        """The paths of these rows, their bytes copied as they are (no decoding)."""
        ends = self._ends[rows]
        starts = np.where(rows > 0, self._ends[np.maximum(rows - 1, 0)], 0)
        view = memoryview(self._blob)
        blob = b"".join([view[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
        return PathColumn._of(blob, np.cumsum(ends - starts))


class FileTable(Sequence[FileEntry]):
    """Files found by discovery, as columns; `column(name)` reads one FileEntry field for every file."""

    __slots__ = ("_rows", "paths")

    def __init__(self, paths: PathColumn, rows: np.ndarray) -> None:
        self.paths, self._rows = paths, rows

    @classmethod
    def of(cls, entries: Iterable[FileEntry]) -> FileTable:
        if isinstance(entries, FileTable):
            return entries
        entries = entries if isinstance(entries, Sequence) else list(entries)
        rows = np.empty(len(entries), _FILE_DTYPE)
        for k, e in enumerate(entries):
            rows[k] = (e.size_bytes, e.mtime_ns, e.dev, e.ino, e.protected, e.ctime_ns)
        return cls(PathColumn(e.path for e in entries), rows)

    def column(self, name: str) -> np.ndarray:
        return self._rows[name]

    def identities(self) -> set[tuple[int, int]]:
        """Every FileEntry.identity, as a set."""
        return set(zip(self._rows["dev"].tolist(), self._rows["ino"].tolist(), strict=True))

    def take(self, rows: Sequence[int] | np.ndarray) -> FileTable:
        rows = np.asarray(rows, np.int64)
        return FileTable(self.paths.take(rows), self._rows[rows])

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # -> FileEntry
        if isinstance(i, slice):
            return self.take(range(*i.indices(len(self))))
        i = _index(i, len(self))
        return FileEntry(self.paths[i], *self._rows[i].item())

    def __iter__(self) -> Iterator[FileEntry]:
        for path, row in zip(self.paths, self._rows.tolist(), strict=True):
            yield FileEntry(path, *row)

    def __eq__(self, other: object) -> bool:
        return _equal(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FileTable({len(self)} files)"


class FingerprintColumns:
    """Fingerprints being gathered for a FileTable's rows, in any order (a cache lookup, then decodes): a mapping
    row -> Fingerprint, without a Python object per fingerprint."""

    __slots__ = ("_extra", "_facts", "_format_code", "_formats", "_odd_taken", "_present")

    def __init__(self, count: int) -> None:
        self._facts = np.zeros(count, _FACTS_DTYPE)
        self._present = np.zeros(count, bool)
        self._formats: list[str] = []
        self._format_code: dict[str, int] = {}
        self._odd_taken: dict[int, str] = {}
        self._extra: dict[int, tuple[Hashes, ...]] = {}

    def __setitem__(self, i: int, fp: Fingerprint) -> None:
        code = self._format_code.get(fp.format)
        if code is None:
            code = self._format_code[fp.format] = len(self._formats)
            self._formats.append(fp.format)
        taken = _taken_code(fp.taken)
        if taken == _ODD_TAKEN:
            self._odd_taken[i] = fp.taken
        extra = tuple(getattr(fp, name) for name in _EXTRA_FIELDS)
        if any(extra):
            self._extra[i] = extra
        detail = math.nan if fp.detail is None else fp.detail
        self._facts[i] = (fp.width, fp.height, code, fp.ahash, fp.phash, fp.dhash, fp.whash, taken, detail)
        self._present[i] = True

    def __contains__(self, i: object) -> bool:
        return isinstance(i, int) and 0 <= i < len(self._present) and bool(self._present[i])

    def __len__(self) -> int:
        return int(np.count_nonzero(self._present))

    def rows(self) -> np.ndarray:
        """The rows that have a fingerprint, in order."""
        return np.flatnonzero(self._present)

    def images(self, files: FileTable) -> ImageTable:
        """The ImageTable of the files that have a fingerprint (rows() order)."""
        rows = self.rows()
        return ImageTable(files.take(rows), self._facts[rows], tuple(self._formats), _moved(self._odd_taken, rows),
                          _moved(self._extra, rows))  # fmt: skip

    def missing(self) -> np.ndarray:
        """The rows without a fingerprint yet, in order."""
        return np.flatnonzero(~self._present)


class DigestColumn:
    """Content digests by row (None: not computed), gathered in any order, without a bytes object per digest."""

    __slots__ = ("_odd", "_values", "present")

    def __init__(self, count: int) -> None:
        self._values = np.zeros((count, DIGEST_BYTES), np.uint8)
        self.present = np.zeros(count, bool)
        self._odd: dict[int, bytes] = {}

    def __setitem__(self, i: int, digest: bytes) -> None:
        if len(digest) == DIGEST_BYTES:
            self._values[i] = np.frombuffer(digest, np.uint8)
        else:
            self._odd[i] = bytes(digest)
        self.present[i] = True

    def get(self, i: int) -> bytes | None:
        if not self.present[i]:
            return None
        return self._odd[i] if i in self._odd else self._values[i].tobytes()

    def take(self, rows: np.ndarray) -> DigestColumn:
        column = DigestColumn(0)
        column._values, column.present = self._values[rows], self.present[rows]
        if self._odd:
            column._odd = {k: self._odd[r] for k, r in enumerate(rows.tolist()) if r in self._odd}
        return column


class ImageTable(Sequence[ImageRecord]):
    """Fingerprinted images as columns: `table[i]` is the ImageRecord, `files` the FileTable, `column(name)` one
    Fingerprint number (width, height, ahash, phash, dhash, whash, detail: NaN when unknown) for every image."""

    __slots__ = ("_digests", "_extra", "_facts", "_formats", "_odd_taken", "files")

    def __init__(self, files: FileTable, facts: np.ndarray, formats: tuple[str, ...], odd_taken: dict[int, str],
                 extra: dict[int, tuple[Hashes, ...]]) -> None:  # fmt: skip
        self.files, self._facts, self._formats = files, facts, formats
        self._odd_taken, self._extra = odd_taken, extra
        self._digests: DigestColumn | None = None

    @classmethod
    def of(cls, images: Iterable[ImageRecord]) -> ImageTable:
        if isinstance(images, ImageTable):
            return images
        images = images if isinstance(images, Sequence) else list(images)
        fingerprints, digests = FingerprintColumns(len(images)), DigestColumn(len(images))
        for k, image in enumerate(images):
            fingerprints[k] = image.fingerprint
            if image.digest is not None:
                digests[k] = image.digest
        return fingerprints.images(FileTable.of([image.file for image in images])).with_digests(digests)

    def with_digests(self, digests: DigestColumn) -> ImageTable:
        """This table with these content digests (by row)."""
        table = ImageTable(self.files, self._facts, self._formats, self._odd_taken, self._extra)
        table._digests = digests
        return table

    @property
    def paths(self) -> PathColumn:
        return self.files.paths

    @property
    def digests(self) -> Sequence[bytes | None]:
        """Every image's content digest (None: not computed), read one by one."""
        return _Digests(self)

    def column(self, name: str) -> np.ndarray:
        return self._facts[name]

    def path(self, i: int) -> str:
        return self.files.paths[i]

    def digest(self, i: int) -> bytes | None:
        return None if self._digests is None else self._digests.get(i)

    @property
    def format_names(self) -> tuple[str, ...]:
        """The formats column("format") numbers."""
        return self._formats

    def fingerprint(self, i: int) -> Fingerprint:
        width, height, code, ahash, phash, dhash, whash, taken, detail = self._facts[i].item()
        taken = self._odd_taken[i] if taken == _ODD_TAKEN else _taken_text(taken)
        return Fingerprint(width, height, self._formats[code], ahash, phash, dhash, whash, taken,
                           *self._extra.get(i, _NO_EXTRA), None if math.isnan(detail) else detail)  # fmt: skip

    def hashes(self, name: str) -> list[Hashes]:
        """One of the per-turn or per-window Hashes fields for every image (empty where not kept)."""
        k = _EXTRA_FIELDS.index(name)
        return [self._extra.get(i, _NO_EXTRA)[k] for i in range(len(self))]

    def take(self, rows: Sequence[int] | np.ndarray) -> ImageTable:
        rows = np.asarray(rows, np.int64)
        table = ImageTable(self.files.take(rows), self._facts[rows], self._formats, _moved(self._odd_taken, rows),
                           _moved(self._extra, rows))  # fmt: skip
        return table if self._digests is None else table.with_digests(self._digests.take(rows))

    def __len__(self) -> int:
        return len(self._facts)

    def __getitem__(self, i):  # -> ImageRecord
        if isinstance(i, slice):
            return self.take(range(*i.indices(len(self))))
        i = _index(i, len(self))
        return ImageRecord(self.files[i], self.fingerprint(i), self.digest(i))

    def __iter__(self) -> Iterator[ImageRecord]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return _equal(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ImageTable({len(self)} images)"


class _Digests(Sequence):
    __slots__ = ("_table",)

    def __init__(self, table: ImageTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._table.digest(k) for k in range(*i.indices(len(self)))]
        return self._table.digest(_index(i, len(self)))


def _moved(values: dict, rows: np.ndarray) -> dict:
    """Values by old row, renumbered for the table of `rows` (the rows not taken left out)."""
    if not values:
        return {}
    new_row = {int(r): k for k, r in enumerate(rows.tolist())}
    return {new_row[i]: v for i, v in values.items() if i in new_row}


def _index(i, count: int) -> int:
    i = operator.index(i)
    if i < 0:
        i += count
    if not 0 <= i < count:
        raise IndexError("row out of range")
    return i


def _equal(table: Sequence, other: object):
    if not isinstance(other, Sequence) or isinstance(other, str | bytes):
        return NotImplemented
    return len(table) == len(other) and all(a == b for a, b in zip(table, other, strict=True))


def _taken_code(taken: str | None) -> int:
    """An EXIF date "YYYY-MM-DD HH:MM:SS" as the number YYYYMMDDHHMMSS; _NO_TAKEN for None, _ODD_TAKEN otherwise."""
    if taken is None:
        return _NO_TAKEN
    if _TAKEN.fullmatch(taken):
        return int(taken[0:4] + taken[5:7] + taken[8:10] + taken[11:13] + taken[14:16] + taken[17:19])
    return _ODD_TAKEN


def _taken_text(code: int) -> str | None:
    if code == _NO_TAKEN:
        return None
    d = f"{code:014d}"
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]} {d[8:10]}:{d[10:12]}:{d[12:14]}"
