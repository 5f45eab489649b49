"""Thumbnails decoded off the GUI thread, kept in an LRU cache.

Workers in a QThreadPool read a scaled QImage. What Qt can decode at a reduced size (JPEG: DCT scaling) or what is
small anyway is read by QImageReader (setScaledSize, setAutoTransform for EXIF rotation). A big picture in a format
Qt would decode at full size and then scale (PNG, TIFF, GIF, WebP…) is read by Pillow, which decodes it once in its
own mode, reduces it by whole factors and only then converts the small picture: no full-size 32-bit copy, no
full-size smooth scaling, and the decode is charged to the scan's memory budget. Pillow also reads what Qt lacks
(e.g. HEIC). Only the GUI thread turns images into QPixmaps. A request made before `reset()` belongs to an older
generation and its result is dropped.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict

from PySide6.QtCore import QFile, QIODevice, QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader, QPixmap

from dupfinder.core.decode_memory import DECODE_BUDGET, decode_bytes, give_back
from dupfinder.core.reading import open_photo

log = logging.getLogger(__name__)

QT_FULL_DECODE_PIXELS = 2_000_000  # up to this size, decoding at full size and scaling costs a few tens of ms
PALETTE_STEP = 4  # palette pictures are first sampled to this many times the box (averaging indices mixes colours)


def read_scaled_image(path: str, box_px: int) -> QImage:
    """The image fitted into a box_px square (never upscaled), EXIF-rotated; a null QImage if unreadable.

    Read through reading.open_photo, as a scan reads: a FIFO or device in a photo's place must not block a worker."""
    try:
        fp = os.fdopen(open_photo(path), "rb")
    except OSError as exc:
        log.info("no preview for %s: %s", path, exc)
        return QImage()
    with fp:
        image = _read_with_qt(fp, box_px)
        if image.isNull():
            fp.seek(0)
            image = _read_with_pillow(fp, path, box_px)
    return image


def _read_with_qt(fp, box_px: int) -> QImage:
    """Qt's reading, when it decodes at about the box's size or the picture is small; a null QImage otherwise."""
    device = QFile()
    if not device.open(fp.fileno(), QIODevice.OpenModeFlag.ReadOnly):  # the descriptor stays fp's
        return QImage()
    reader = QImageReader(device)
    reader.setAutoTransform(True)
    size = reader.size()
    image = QImage()
    if size.isValid() and max(size.width(), size.height()) > box_px:
        if reader.supportsOption(QImageIOHandler.ImageOption.ScaledSize):
            reader.setScaledSize(size.scaled(QSize(box_px, box_px), Qt.AspectRatioMode.KeepAspectRatio))
            image = reader.read()
        elif size.width() * size.height() <= QT_FULL_DECODE_PIXELS:
            image = reader.read().scaled(
                box_px, box_px, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
    else:
        image = reader.read()
    del reader  # before the device closes: Qt's TIFF reader maps the file and unmaps it when the reader goes
    device.close()
    return image


def _read_with_pillow(fp, path: str, box_px: int) -> QImage:
    """Big pictures Qt would decode at full size, and what Qt's image plugins cannot read (HEIC, AVIF, images over
    Qt's allocation limit). Charged to the scan's decoding memory budget (its estimate for the decoded picture)."""
    try:
        from PIL import Image, ImageOps

        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:
            pass
        with Image.open(fp) as im:
            im.draft("RGB", (box_px, box_px))  # a JPEG inside Pillow decodes at a reduced scale
            need = decode_bytes(im, im.size)
            if need > DECODE_BUDGET.total_bytes:
                log.info("no preview for %s: %d x %d pixels is too large", path, im.width, im.height)
                return QImage()
            with DECODE_BUDGET.take(need):
                small = ImageOps.exif_transpose(_reduced(im, box_px))
            give_back(need)
        small = small.convert("RGBA")
        small.thumbnail((box_px, box_px), Image.Resampling.LANCZOS)
        data = small.tobytes("raw", "RGBA")
        return QImage(data, small.width, small.height, small.width * 4, QImage.Format.Format_RGBA8888).copy()
    except (OSError, ValueError, SyntaxError, Warning) as exc:
        log.info("no preview for %s: %s", path, exc)
        return QImage()


def _reduced(im, box_px: int):
    """The opened picture decoded and brought down to about twice the box in its own mode: by whole-factor box
    averaging, which is cheap (in place, so the picture keeps its EXIF tags). Palette pictures are sampled to a few
    times the box instead: averaging palette indices would mix unrelated colours."""
    from PIL import Image

    if im.mode in ("1", "P", "PA"):
        side = PALETTE_STEP * box_px
        return im if max(im.size) <= side else im.resize(_fit(im.size, side), Image.Resampling.NEAREST)
    im.thumbnail((2 * box_px, 2 * box_px), Image.Resampling.BOX, reducing_gap=1.0)  # loads, then reduces
    return im


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    width, height = size
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


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
