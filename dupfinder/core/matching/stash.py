"""Views kept from fingerprinting, so that the second measure need not decode those pictures again.

The second measure looks at a <= VIEW_SIDE grey view of each picture in a candidate pair. Fingerprinting already
decoded that picture at the same JPEG scale (camera photos: 1/8 for both), so its worker fits the view from the same
pixels (decode.decode_for_hashing(view_side=...)) and puts it here; confirm.load_view takes it back, the same bytes
a fresh decode would give. Which pictures will be in a pair is known only once every fingerprint is, so every view
is kept, within a budget: written to an unlinked temporary file (next to the fingerprint cache), so the views live in
the page cache or on disk, never in the process's memory; views past STASH_BUDGET_BYTES are not kept, and those
pictures are decoded again as before. An index entry per kept view is all the memory it takes.
"""

from __future__ import annotations

import logging
import tempfile
import threading

import numpy as np
from PIL import Image

from dupfinder.core.matching.confirm import VIEW_SIDE

log = logging.getLogger(__name__)

# ~5,500 views of 12 MP photos (500 x 375 bytes each); a scan of more pictures re-decodes those past it.
STASH_BUDGET_BYTES = 1 << 30


class ViewStash:
    """Grey views by path, put by fingerprint workers (any thread) and read by the second measure."""

    side = VIEW_SIDE

    def __init__(self, directory: str | None = None, budget_bytes: int = STASH_BUDGET_BYTES) -> None:
        self._directory = directory
        self._budget = budget_bytes
        self._lock = threading.Lock()
        self._file = None  # made at the first view: a rescan that decodes nothing makes none
        self._closed = False
        self._used = 0
        self._where: dict[str, tuple[int, int, int]] = {}  # path -> (offset, width, height)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, path: str) -> bool:
        return path in self._where

    def put(self, path: str, view: Image.Image) -> None:
        """Keep `view` (mode "L") for `path`, unless the budget is spent, the stash closed, or the disk full."""
        data = view.tobytes()
        with self._lock:
            if self._closed or self._used + len(data) > self._budget:
                return
            try:
                if self._file is None:  # closed by close()
                    self._file = tempfile.TemporaryFile(prefix="dupfinder-views-", dir=self._directory)  # noqa: SIM115
                self._file.seek(self._used)
                self._file.write(data)
            except OSError as exc:  # no room or no temporary folder: the views are decoded again instead
                log.info("not keeping views for matching: %s", exc)
                self._closed = True
                return
            self._where[path] = (self._used, view.width, view.height)
            self._used += len(data)

    def get(self, path: str) -> np.ndarray | None:
        """The view kept for `path` as a (height, width) uint8 array, or None."""
        with self._lock:
            where = self._where.get(path)
            if where is None or self._file is None:
                return None
            offset, width, height = where
            try:
                self._file.seek(offset)
                data = self._file.read(width * height)
            except OSError as exc:
                log.info("cannot read back the view of %s: %s", path, exc)
                return None
        if len(data) != width * height:
            return None
        return np.frombuffer(data, np.uint8).reshape(height, width)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._where.clear()
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> ViewStash:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
