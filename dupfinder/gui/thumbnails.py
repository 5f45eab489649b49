"""Thumbnails decoded off the GUI thread, kept in an LRU cache.

Workers in a QThreadPool read a scaled QImage (QImageReader with setScaledSize, so JPEGs decode at reduced size,
and setAutoTransform for EXIF rotation; Pillow for formats Qt lacks, e.g. HEIC). Only the GUI thread turns them into
QPixmaps. A request made before `reset()` belongs to an older generation and its result is dropped.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict

from PySide6.QtCore import QFile, QIODevice, QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from dupfinder.core.decode_memory import DECODE_BUDGET, decode_bytes
from dupfinder.core.reading import open_photo

log = logging.getLogger(__name__)


def read_scaled_image(path: str, box_px: int) -> QImage:
    """The image fitted into a box_px square (never upscaled), EXIF-rotated; a null QImage if unreadable.

    Read through reading.open_photo, as a scan reads: a FIFO or device in a photo's place must not block a worker."""
    try:
        fp = os.fdopen(open_photo(path), "rb")
    except OSError as exc:
        log.info("no preview for %s: %s", path, exc)
        return QImage()
    with fp:
        device = QFile()
        image = QImage()
        if device.open(fp.fileno(), QIODevice.OpenModeFlag.ReadOnly):  # the descriptor stays fp's
            reader = QImageReader(device)
            reader.setAutoTransform(True)
            size = reader.size()
            if size.isValid() and max(size.width(), size.height()) > box_px:
                reader.setScaledSize(size.scaled(QSize(box_px, box_px), Qt.AspectRatioMode.KeepAspectRatio))
            image = reader.read()
            device.close()
        if image.isNull():
            fp.seek(0)
            image = _read_with_pillow(fp, path, box_px)
    return image


def _read_with_pillow(fp, path: str, box_px: int) -> QImage:
    """Fallback for what Qt's image plugins cannot read (HEIC, AVIF, some TIFFs, images over Qt's allocation limit).

    Charged to the scan's decoding memory budget (its estimate, plus the RGBA copies a preview makes)."""
    try:
        from PIL import Image, ImageOps

        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:
            pass
        with Image.open(fp) as im:
            im.draft("RGB", (box_px, box_px))
            need = decode_bytes(im, im.size) + im.width * im.height * 8
            if need > DECODE_BUDGET.total_bytes:
                log.info("no preview for %s: %d x %d pixels is too large", path, im.width, im.height)
                return QImage()
            with DECODE_BUDGET.take(need):
                im = ImageOps.exif_transpose(im).convert("RGBA")
                im.thumbnail((box_px, box_px))
                data = im.tobytes("raw", "RGBA")
            return QImage(data, im.width, im.height, im.width * 4, QImage.Format.Format_RGBA8888).copy()
    except (OSError, ValueError, SyntaxError, Warning) as exc:
        log.info("no preview for %s: %s", path, exc)
        return QImage()


class _Relay(QObject):
    """Carries a finished image from a pool thread to the GUI thread (queued connection)."""

    loaded = Signal(str, int, int, QImage)  # path, box_px, generation, image


class _LoadJob(QRunnable):
    def __init__(self, relay: _Relay, path: str, box_px: int, generation: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._relay, self._path, self._box_px, self._generation = relay, path, box_px, generation

    def run(self) -> None:
        self._relay.loaded.emit(self._path, self._box_px, self._generation, read_scaled_image(self._path, self._box_px))


class ThumbnailLoader(QObject):
    """`pixmap(path, box_px)` answers at once from the cache or returns None and loads in the background;
    `ready(path, box_px)` is emitted (GUI thread) when the image has arrived."""

    ready = Signal(str, int)

    def __init__(self, capacity: int = 800, threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._capacity = capacity
        self._cache: OrderedDict[tuple[str, int], QPixmap] = OrderedDict()
        self._pending: set[tuple[str, int]] = set()
        self._failed: set[tuple[str, int]] = set()
        self._generation = 0
        self._epoch = time.monotonic()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relay = _Relay(self)
        self._relay.loaded.connect(self._on_loaded)

    def pixmap(self, path: str, box_px: int) -> QPixmap | None:
        key = (path, box_px)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        if key not in self._pending and key not in self._failed:
            self._pending.add(key)
            # Later paints first (what is on screen now matters more than rows scrolled past), but in order within
            # one paint (100 ms buckets), so the top of the view fills first.
            priority = int((time.monotonic() - self._epoch) * 10) % 2**30
            self._pool.start(_LoadJob(self._relay, path, box_px, self._generation), priority)
        return None

    def failed(self, path: str, box_px: int) -> bool:
        return (path, box_px) in self._failed

    def reset(self) -> None:
        """Forget queued work (a new result replaces the old); results still in flight are dropped on arrival."""
        self._generation += 1
        self._pool.clear()
        self._pending.clear()
        self._failed.clear()

    def forget(self, path: str) -> None:
        """Drop every cached size of a file that has changed or gone."""
        for key in [k for k in self._cache if k[0] == path]:
            del self._cache[key]

    def wait_idle(self, timeout_ms: int = 5000) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def _on_loaded(self, path: str, box_px: int, generation: int, image: QImage) -> None:
        if generation != self._generation:
            return
        key = (path, box_px)
        self._pending.discard(key)
        if image.isNull():
            self._failed.add(key)
        else:
            self._cache[key] = QPixmap.fromImage(image)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        self.ready.emit(path, box_px)
