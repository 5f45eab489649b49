"""Turned and window hashes of a scan's images, kept out of memory until the candidate search reads them.

Each image has 2 x (7 + len(WINDOWS)) of them (pHash and dHash of every other orientation and every window): 944
bytes, about half the memory of its whole record, 1 GB for a million images. Only the candidate search reads them,
and at dataset scale only for the rows it asks for (scaled_candidates' representatives). So the scan writes them, in
the cache's layout, to an unlinked temporary file (next to the fingerprint cache) at a fixed offset per discovered
file, and its records keep none. Reads go through pread into small buffers: the file lives in the page cache or on
disk, never in the process's memory. If the file cannot be written (no room, no temporary folder), the hashes stay in
memory instead: slower to be sure of, never lost.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
import threading
from collections.abc import Sequence

import numpy as np

from dupfinder.core.fingerprint import TURNS
from dupfinder.core.matching.windows import WINDOWS
from dupfinder.core.models import Fingerprint, Hashes, ImageRecord

log = logging.getLogger(__name__)

TURNED_HASHES = len(TURNS)
WINDOW_HASHES = len(WINDOWS)
_TURNED_BYTES = 2 * 8 * TURNED_HASHES  # pHashes, then dHashes, big-endian (models.Hashes, the cache's blobs)
_WINDOW_BYTES = 2 * 8 * WINDOW_HASHES
ROW_BYTES = _TURNED_BYTES + _WINDOW_BYTES
_HAS_TURNED, _HAS_WINDOWS = 1, 2
_READ_ROWS = 4096  # rows per read: bounds the buffer (4 MB)
_NO_HASHES = Hashes.of(b"")


class HashSpill:
    """The turned and window hashes of up to `count` images, by the image's index (its discovered file's), written
    from any thread, read by the candidate search."""

    def __init__(self, count: int, directory: str | None = None) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._fd: int | None = None  # made at the first put
        self._present = np.zeros(count, np.uint8)
        self._in_memory: dict[int, bytes] = {}  # rows that could not be written
        self._closed = False

    def put(self, index: int, turned: bytes, windows: bytes) -> None:
        """Keep the packed hashes of image `index` (either may be empty: cached before those hashes existed)."""
        flags = (_HAS_TURNED if len(turned) == _TURNED_BYTES else 0) | (
            _HAS_WINDOWS if len(windows) == _WINDOW_BYTES else 0
        )
        if not flags:
            return
        row = (turned if flags & _HAS_TURNED else bytes(_TURNED_BYTES)) + (
            windows if flags & _HAS_WINDOWS else bytes(_WINDOW_BYTES)
        )
        with self._lock:
            if self._closed:
                raise ValueError("the hash spill is closed")
            self._present[index] = flags
            if not self._in_memory:  # once a write failed, the rest stay in memory too
                try:
                    os.pwrite(self._file(), row, index * ROW_BYTES)
                    return
                except OSError as exc:
                    log.warning("keeping the matching hashes in memory: %s", exc)
            self._in_memory[index] = row

    def lean(self, index: int, fingerprint: Fingerprint) -> Fingerprint:
        """`fingerprint` without its turned and window hashes, which are kept here."""
        self.put(
            index,
            bytes(fingerprint.turned_phash) + bytes(fingerprint.turned_dhash),
            bytes(fingerprint.window_phash) + bytes(fingerprint.window_dhash),
        )
        return dataclasses.replace(fingerprint, turned_phash=_NO_HASHES, turned_dhash=_NO_HASHES,
                                   window_phash=_NO_HASHES, window_dhash=_NO_HASHES)  # fmt: skip

    def for_images(self, images: Sequence[ImageRecord], indices: Sequence[int]) -> SpilledHashes:
        """The hashes of `images`, whose i-th image was put as indices[i]."""
        return SpilledHashes(self, np.asarray(indices, np.int64), len(images))

    def read(self, indices: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(len(indices), len(columns)) native uint64 of those hashes of each row (positions in a row: ROW_BYTES / 8
        hashes, turned then windows, pHashes then dHashes; zeros where absent), and each row's presence flags. Read a
        block of rows at a time: the rows' other hashes are never all in memory."""
        out = np.zeros((len(indices), len(columns)), np.uint64)
        with self._lock:
            flags = self._present[indices]
            wanted = np.flatnonzero(flags)
            order = wanted[np.argsort(indices[wanted], kind="stable")]
            for start in range(0, len(order), _READ_ROWS):
                block = order[start : start + _READ_ROWS]
                out[block] = self._read_rows(indices[block])[:, columns]
        return out, flags

    def _read_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows in increasing order: one read of their span when they are dense in it, else one read each."""
        first, last = int(rows[0]), int(rows[-1])
        if (last - first + 1) <= 4 * len(rows) and not self._in_memory:
            span = self._pread((last - first + 1) * ROW_BYTES, first * ROW_BYTES)
            table = np.frombuffer(span, ">u8").reshape(-1, ROW_BYTES // 8)
            return table[rows - first].astype(np.uint64)
        buffer = bytearray()
        for row in rows.tolist():
            buffer += self._in_memory.get(row) or self._pread(ROW_BYTES, row * ROW_BYTES)
        return np.frombuffer(buffer, ">u8").reshape(len(rows), ROW_BYTES // 8).astype(np.uint64)

    def _pread(self, size: int, offset: int) -> bytes:
        data = os.pread(self._file(), size, offset)
        if len(data) < size:  # past the last row written: a sparse file reads its holes as zeros, its end as nothing
            data += bytes(size - len(data))
        return data

    def _file(self) -> int:
        if self._fd is None:
            handle = tempfile.TemporaryFile(prefix="dupfinder-hashes-", dir=self._directory)  # noqa: SIM115
            self._fd = os.dup(handle.fileno())
            handle.close()
        return self._fd

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._in_memory.clear()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


@dataclasses.dataclass(frozen=True, slots=True)
class SpilledHashes:
    """A scan's images' turned and window hashes, read from its spill by image row (matching.candidates'
    ExtraHashes)."""

    spill: HashSpill
    indices: np.ndarray  # image row -> index in the spill
    count: int

    def turned(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pHash, dHash) of every other orientation, (len(rows), TURNED_HASHES) each, and which rows have them."""
        table, flags = self.spill.read(self.indices[rows], np.arange(2 * TURNED_HASHES))
        return table[:, :TURNED_HASHES], table[:, TURNED_HASHES:], (flags & _HAS_TURNED) > 0

    def windows(self, rows: np.ndarray, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pHash, dHash) of the given windows, (len(rows), len(columns)) each, and which rows have them."""
        wanted = 2 * TURNED_HASHES + np.asarray(columns, np.int64)
        table, flags = self.spill.read(self.indices[rows], np.concatenate([wanted, wanted + WINDOW_HASHES]))
        k = len(wanted)
        return table[:, :k], table[:, k:], (flags & _HAS_WINDOWS) > 0
