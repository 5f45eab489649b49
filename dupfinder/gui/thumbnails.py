"""Thumbnails decoded off the GUI thread, kept in an LRU cache.

Workers in a QThreadPool read a scaled QImage. What Qt can decode at a reduced size (JPEG: DCT scaling) or what is
small anyway is read by QImageReader (setScaledSize, setAutoTransform for EXIF rotation). A big picture in a format
Qt would decode at full size and then scale (PNG, TIFF, GIF, WebP…) is read by Pillow, which decodes it once in its
own mode, reduces it by whole factors and only then converts the small picture: no full-size 32-bit copy, no
full-size smooth scaling, and the decode is charged to the scan's memory budget. Pillow also reads what Qt lacks
(e.g. HEIC). Small thumbnails of those big pictures are read from the fingerprint cache first, where the scan kept
them (StoredThumbnails): no decode at all. Only the GUI thread turns images into QPixmaps. A request made before
`reset()` belongs to an older generation and its result is dropped.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict

from PIL import Image
from PySide6.QtCore import QFile, QIODevice, QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader, QPixmap

from dupfinder.core import thumbnail
from dupfinder.core.cache import FingerprintCache
from dupfinder.core.decode import UPRIGHT, read_exif
from dupfinder.core.decode_memory import DECODE_BUDGET, decode_bytes, give_back
from dupfinder.core.fingerprint import FINGERPRINT_RECIPE
from dupfinder.core.models import FileEntry
from dupfinder.core.reading import open_photo

log = logging.getLogger(__name__)

QT_FULL_DECODE_PIXELS = thumbnail.MIN_PIXELS  # up to this size, decoding at full size and scaling costs tens of ms


class StoredThumbnails:
    """The thumbnails the fingerprint cache keeps of big pictures (core.thumbnail), for the file as it is now: read
    instead of decoding the file, and kept when a decode made one that the scan did not (a Dask scan, an older
    cache). The cache is opened at the first use, on a pool thread (its integrity check reads the whole file)."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._cache: FingerprintCache | None = None
        self._opened = False

    def find(self, path: str, box_px: int) -> QImage:
        """The stored thumbnail of the file now at `path`, fitted into box_px; a null QImage when there is none."""
        try:
            entry = _entry(path, os.stat(path))
        except OSError:
            return QImage()
        cache = self._open()
        data = None if cache is None else cache.lookup_thumbnails([entry]).get(0)
        small = None if data is None else thumbnail.decoded(data)
        if small is None:
            if data is not None:
                log.info("the stored thumbnail of %s is unreadable; decoding the file", path)
            return QImage()
        small.thumbnail((box_px, box_px), Image.Resampling.LANCZOS)
        return _to_qimage(small)

    def keep(self, path: str, st: os.stat_result, data: bytes) -> None:
        """Store `data` as the thumbnail of the file `st` describes (fstat of the file decoded)."""
        cache = self._open()
        if cache is not None:
            cache.store_thumbnails([(_entry(path, st), data)])

    def _open(self) -> FingerprintCache | None:
        with self._lock:
            if not self._opened:
                self._opened = True
                cache = FingerprintCache(self._path, FINGERPRINT_RECIPE)
                self._cache = cache if cache.enabled else None
            return self._cache


def _entry(path: str, st: os.stat_result) -> FileEntry:
    return FileEntry(path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, ctime_ns=st.st_ctime_ns)


def read_scaled_image(path: str, box_px: int, stored: StoredThumbnails | None = None) -> QImage:
    """The image fitted into a box_px square (never upscaled), EXIF-rotated; a null QImage if unreadable.

    From `stored` when it has the file's thumbnail and that is big enough for the box; otherwise read through
    reading.open_photo, as a scan reads: a FIFO or device in a photo's place must not block a worker."""
    if stored is not None and box_px <= thumbnail.SIDE:
        image = stored.find(path, box_px)
        if not image.isNull():
            return image
    try:
        fp = os.fdopen(open_photo(path), "rb")
    except OSError as exc:
        log.info("no preview for %s: %s", path, exc)
        return QImage()
    with fp:
        image = _read_with_qt(fp, box_px)
        if image.isNull():
            fp.seek(0)
            image = _read_with_pillow(fp, path, box_px, stored)
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


def _read_with_pillow(fp, path: str, box_px: int, stored: StoredThumbnails | None = None) -> QImage:
    """Big pictures Qt would decode at full size, and what Qt's image plugins cannot read (HEIC, AVIF, images over
    Qt's allocation limit). Charged to the scan's decoding memory budget (its estimate for the decoded picture).
    A picture the scan would have kept a thumbnail of gets it made from this decode and kept in `stored`."""
    try:
        with Image.open(fp) as im:
            keep = stored is not None and box_px <= thumbnail.SIDE and thumbnail.wanted(im)
            im.draft("RGB", (box_px, box_px))  # a JPEG inside Pillow decodes at a reduced scale
            need = decode_bytes(im, im.size)
            if need > DECODE_BUDGET.total_bytes:
                log.info("no preview for %s: %d x %d pixels is too large", path, im.width, im.height)
                return QImage()
            with DECODE_BUDGET.take(need):
                im.load()
                orientation, _ = read_exif(im)  # after load: PNG keeps EXIF after the pixels
                small = thumbnail.fitted(im, thumbnail.SIDE if keep else box_px, UPRIGHT.get(orientation))
            give_back(need)
        if keep:
            if (data := thumbnail.encode(small)) is not None:
                stored.keep(path, os.fstat(fp.fileno()), data)
            small.thumbnail((box_px, box_px), Image.Resampling.LANCZOS)
        return _to_qimage(small)
    except (OSError, ValueError, SyntaxError, Warning) as exc:
        log.info("no preview for %s: %s", path, exc)
        return QImage()


def _to_qimage(small: Image.Image) -> QImage:
    data = small.convert("RGBA").tobytes("raw", "RGBA")
    return QImage(data, small.width, small.height, small.width * 4, QImage.Format.Format_RGBA8888).copy()


class _Relay(QObject):
    """Carries a finished image from a pool thread to the GUI thread (queued connection)."""

    loaded = Signal(str, int, int, QImage)  # path, box_px, generation, image


class _LoadJob(QRunnable):
    def __init__(self, relay: _Relay, path: str, box_px: int, generation: int, stored: StoredThumbnails | None):
        super().__init__()
        self.setAutoDelete(True)
        self._relay, self._path, self._box_px, self._generation = relay, path, box_px, generation
        self._stored = stored

    def run(self) -> None:
        image = read_scaled_image(self._path, self._box_px, self._stored)
        self._relay.loaded.emit(self._path, self._box_px, self._generation, image)


class ThumbnailLoader(QObject):
    """`pixmap(path, box_px)` answers at once from the cache or returns None and loads in the background;
    `ready(path, box_px)` is emitted (GUI thread) when the image has arrived. With `stored`, small thumbnails of
    big pictures come from the fingerprint cache when it has them."""

    ready = Signal(str, int)

    def __init__(
        self,
        capacity: int = 800,
        threads: int = 2,
        parent: QObject | None = None,
        stored: StoredThumbnails | None = None,
    ) -> None:
        super().__init__(parent)
        self._stored = stored
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
            self._pool.start(_LoadJob(self._relay, path, box_px, self._generation, self._stored), priority)
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
