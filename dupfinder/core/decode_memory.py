"""How much memory decoding a file will take, read from its header, and a process-wide budget for it.

Decoding is where a scan's memory goes: a 20000 x 20000 progressive JPEG keeps every DCT coefficient (2 bytes per
sample of each component at full size, whatever the draft scale), a 169 MP PNG, TIFF or GIF is decoded at full size
in its mode and then converted to grey. Pillow's own pixel limit only warns below 179 MP, and parallel workers stack
such files up. So each decode first estimates its peak from the opened (not yet loaded) image and takes that many
bytes from one MemoryBudget shared by all workers: workers wait for each other instead of adding up, and a file that
needs more than the whole budget is refused as too large, with its pixel count.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

log = logging.getLogger(__name__)

DEFAULT_BUDGET_BYTES = 1 << 30  # for all workers together: the largest file decoded is about this big
# Bytes per full-size pixel held at the peak of decoding and converting to grey (see decode.to_grey): the
# decoded image (Pillow keeps 4 bytes per pixel for every multi-band mode) plus the conversions alive with it.
_PEAK_BYTES_PER_PIXEL = {"1": 2, "L": 1, "P": 6, "I;16": 8, "I;16B": 8, "I;16L": 8, "I;16N": 8, "RGB": 5}
_PEAK_WITH_ALPHA = 15  # RGBA copy, LA, white background, and the channels pasted
_PEAK_OTHER = 24  # CMYK, YCbCr, LAB, I (widened 16-bit), F (float arrays in numpy): rare, so counted generously
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_COEFFICIENT_BYTES = 2  # a progressive JPEG's buffered DCT coefficient (JCOEF)
_FIXED_BYTES = 8 << 20  # decoder state, row buffers, the small images
_TRIM_ABOVE_BYTES = 64 << 20  # decodes this big hand their freed memory back to the system before the next one


def decode_bytes(im: Image.Image, full_size: tuple[int, int]) -> int:
    """The peak memory of loading `im` (after draft) and turning it into a small grey image."""
    width, height = im.size
    if im.mode in _ALPHA_MODES or "transparency" in im.info:
        per_pixel = _PEAK_WITH_ALPHA
    else:
        per_pixel = _PEAK_BYTES_PER_PIXEL.get(im.mode, _PEAK_OTHER)
    return width * height * per_pixel + _coefficient_bytes(im, full_size) + _FIXED_BYTES


def _coefficient_bytes(im: Image.Image, full_size: tuple[int, int]) -> int:
    """What libjpeg buffers for a progressive JPEG: every component's coefficients, at full size, in 8x8 blocks."""
    layers = getattr(im, "layer", None)
    if not layers or not im.info.get("progressive"):
        return 0
    h_max = max(layer[1] for layer in layers) or 1
    v_max = max(layer[2] for layer in layers) or 1
    width, height = full_size
    total = 0
    for _, h, v, _ in layers:
        blocks_across = -(-width * h // (h_max * 8))
        blocks_down = -(-height * v // (v_max * 8))
        total += blocks_across * blocks_down * 64
    return total * _COEFFICIENT_BYTES


def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere. glibc keeps freed blocks in each thread's arena: without trimming,
    a 169 MP decode on one worker stays resident while the next one, on another worker, allocates its own."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError) as exc:  # musl and other C libraries: nothing to trim
        log.debug("no malloc_trim: %s", exc)
        return None


_TRIM = _malloc_trim()


def give_back(nbytes: int) -> None:
    """After a decode of `nbytes` has freed its images: return the memory to the system if it was big."""
    if _TRIM is not None and nbytes >= _TRIM_ABOVE_BYTES:
        _TRIM(0)


class MemoryBudget:
    """Bytes that decodes may hold at once, across threads: take() waits until enough is free."""

    def __init__(self, total_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.total_bytes = total_bytes
        self._used = 0
        self._free = threading.Condition()

    @property
    def used_bytes(self) -> int:
        with self._free:
            return self._used

    @contextmanager
    def take(self, nbytes: int) -> Iterator[None]:
        """Hold `nbytes` for the duration of the block; the caller has checked nbytes <= total_bytes."""
        with self._free:
            self._free.wait_for(lambda: self._used + nbytes <= self.total_bytes)
            self._used += nbytes
        try:
            yield
        finally:
            with self._free:
                self._used -= nbytes
                self._free.notify_all()


DECODE_BUDGET = MemoryBudget()
