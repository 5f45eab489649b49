"""Open an image fast for hashing: a small, upright, grey picture plus the facts of the file.

Decoding is the expensive part of a scan, so this module decodes no more than the hashes need:
JPEGs are DCT-scaled by libjpeg (`draft`) straight to luma, at 1/2..1/8 of their size; HEIF uses an
embedded thumbnail when pillow-heif finds a scaled copy of the image at least as big as we need.
Everything is then reduced to a NORMALISED_SIZE square in mode "L", turned upright (EXIF orientation;
AVIF's rotation boxes reach us as EXIF orientation, HEIF's are applied by libheif, which makes pillow-heif
ignore an EXIF orientation tag as the HEIF spec says), so every format, size and compression of a picture
gives nearly the same small image.

Odd but valid images are hashed from what a viewer shows: 16-bit greys are scaled (not clipped),
transparency is composited on white, CMYK and palette images go through RGB.

Every failure is reported as a `FingerprintError(kind, detail)`, mapped from the exceptions Pillow and
its plugins are known to raise in one place (`_classify`).

Memory: before loading, each file's decode peak is estimated from its header (decode_memory) and taken from a
MemoryBudget shared by all workers; a file that needs more than the whole budget is TOO_LARGE. Pillow's own
pixel limit is not applied (its warning would reach stderr raw, and the budget is the real bound), and warnings
Pillow gives while decoding become part of the file's problem, or a logged note when it still decoded.

Files are read only through reading.open_photo: a regular file with the discovered identity, opened without
blocking, so a FIFO or another file put in its place is reported instead of read.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pillow_heif
from PIL import Image, JpegImagePlugin, UnidentifiedImageError

from dupfinder.core.decode_memory import DECODE_BUDGET, MemoryBudget, decode_bytes, give_back
from dupfinder.core.models import ProblemKind
from dupfinder.core.reading import open_photo
from dupfinder.core.thumbnail import stored_thumbnail
from dupfinder.core.thumbnail import wanted as wanted_thumbnail

log = logging.getLogger(__name__)

pillow_heif.register_heif_opener()
Image.init()  # every plugin, once: _open_image walks them itself


NORMALISED_SIZE = 64  # side of the square grey image the hashes are computed from
MAX_JPEG_PIXELS = 400_000_000  # e.g. 20000 x 20000: beyond it even a 1/8 decode takes longer than the time limit
BACKGROUND_L = 255  # transparent pixels are shown on white
DECODE_METHOD = f"draft-L{NORMALISED_SIZE}-lanczos-exif-white"  # part of the fingerprint recipe
# Failures are remembered in the cache while the file and these versions stay the same.
DECODER_VERSIONS = f"Pillow {Image.__version__}; pillow-heif {pillow_heif.__version__}"

_JPEG_MAGIC = b"\xff\xd8\xff"
_EXIF_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_EXIF_DATETIME_ORIGINAL = 0x9003
UPRIGHT = {  # EXIF orientation -> the turn that makes the picture upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_DATE = re.compile(r"\s*(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_VIA_RGB_MODES = frozenset({"CMYK", "YCbCr", "HSV", "RGBX", "P"})
_CORRUPT_ERRORS = (SyntaxError, ValueError, struct.error, EOFError, IndexError, KeyError, TypeError, RuntimeError)
# What Pillow and its plugins are known to raise on bad files (Warning: when warnings are turned into errors).
DECODE_ERRORS = (OSError, MemoryError, Image.DecompressionBombError, Warning, *_CORRUPT_ERRORS)


class FingerprintError(Exception):
    """A file that cannot be fingerprinted; `kind` and `detail` become a Problem."""

    def __init__(self, kind: ProblemKind, detail: str) -> None:
        super().__init__(f"{kind.value}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """The small grey image the hashes are computed from, and the facts of the full image."""

    image: Image.Image  # mode "L", NORMALISED_SIZE square, upright
    width: int  # full size, after EXIF orientation
    height: int
    format: str  # Pillow's format name
    taken: str | None  # EXIF DateTimeOriginal as "YYYY-MM-DD HH:MM:SS"
    view: Image.Image | None = None  # decode_view's picture when asked for and this decode made it too (upright)
    thumbnail: bytes | None = None  # thumbnail.stored_thumbnail, when asked for and thumbnail.wanted says so


def decode_for_hashing(
    path: str,
    identity: tuple[int, int] | None = None,
    budget: MemoryBudget = DECODE_BUDGET,
    *,
    view_side: int | None = None,
    thumbnail: bool = False,
) -> DecodedImage:
    """Decode `path` into a DecodedImage; raises FingerprintError for anything that is not a readable image.

    `identity` is the (dev, ino) discovery found: another file at the path is refused, not decoded. With
    `view_side`, the DecodedImage also holds decode_view(path, view_side), the very same pixels, when that view
    comes from this decode (a JPEG DCT-scaled alike for both, or a format decoded whole): the second measure then
    need not decode the file again. With `thumbnail`, a big picture decoded whole also gets its stored thumbnail
    (core.thumbnail), made from the same pixels."""
    return _decoded(path, identity, budget, NORMALISED_SIZE, _hashing_square, view_side, thumbnail)


def decode_view(
    path: str, side: int, identity: tuple[int, int] | None = None, budget: MemoryBudget = DECODE_BUDGET
) -> Image.Image:
    """The picture upright in grey, fitted into side x side (never enlarged): the second measure's look at it.

    JPEGs are DCT-scaled to the nearest scale that covers half the side (as much as the features need). Opened,
    bounded in memory and checked as decode_for_hashing does (the same FingerprintError on failure)."""
    return _decoded(path, identity, budget, _view_draft_side(side), lambda grey: _fitted(grey, side)).image


def _view_draft_side(side: int) -> int:
    return max(1, side // 2)


def _hashing_square(grey: Image.Image) -> Image.Image:
    return grey.resize((NORMALISED_SIZE,) * 2, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _fitted(grey: Image.Image, side: int) -> Image.Image:
    grey.thumbnail((side, side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return grey.copy()


def _decoded(path, identity, budget, draft_side, shrink, view_side=None, thumbnail=False) -> DecodedImage:
    head = b""
    with _warnings_caught() as caught:
        try:
            with os.fdopen(open_photo(path, identity), "rb") as fp:
                if os.fstat(fp.fileno()).st_size == 0:
                    raise FingerprintError(ProblemKind.EMPTY, "the file has 0 bytes")
                head = fp.read(16)
                fp.seek(0)
                decoded = _decode(fp, path, head, budget, draft_side, shrink, view_side, thumbnail)
        except FingerprintError as exc:
            raise _with_warnings(exc, caught) from exc
        except DECODE_ERRORS as exc:
            raise _with_warnings(FingerprintError(*_classify(exc, head)), caught) from exc
    if caught:
        log.info("%s decoded with warnings: %s", path, "; ".join(caught))
    return decoded


def _decode(
    fp, path: str, head: bytes, budget: MemoryBudget, draft_side: int, shrink, view_side, thumbnail
) -> DecodedImage:
    """Load at the smallest scale that still covers draft_side (JPEG DCT scaling), within the memory budget, and
    `shrink` the grey picture (and fit the view, when it is this decode's, and make the thumbnail, when wanted)
    before the full-size pixels go. The thumbnail comes last: it reduces the full-size picture (or its grey, which
    may be the same image) in place, and needs no more memory than the grey conversion did."""
    view = stored = None
    with _open_image(fp, path, head) as im:
        width, height = im.size
        fmt = im.format or "unknown"
        same_view = view_side is not None and _same_draft(im, draft_side, _view_draft_side(view_side))
        thumbnail = thumbnail and wanted_thumbnail(im)
        im.draft("L", (draft_side, draft_side))
        need = decode_bytes(im, (width, height))
        if need > budget.total_bytes:
            raise FingerprintError(
                ProblemKind.TOO_LARGE,
                f"{width} x {height} pixels ({width * height / 1e6:.0f} MP) would need {need / 2**20:,.0f} MiB"
                f" to decode, over the {budget.total_bytes / 2**20:,.0f} MiB limit",
            )
        with budget.take(need):
            try:
                im.load()
                orientation, taken = read_exif(im)  # after load: PNG keeps EXIF after the pixels
                grey = to_grey(im)
                small = shrink(grey)
                if same_view:
                    view = _fitted(grey, view_side)
                if thumbnail:
                    stored = _thumbnail_or_none(path, grey if _is_wide(im.mode) else im, orientation)
            finally:
                im.close()  # the full-size pixels are freed, and given back, before the budget is
                give_back(need)
    if orientation in UPRIGHT:
        # Resizing is axis-aligned, so turning the small square equals turning the full image first.
        small = small.transpose(UPRIGHT[orientation])
        view = None if view is None else view.transpose(UPRIGHT[orientation])
        if orientation >= 5:
            width, height = height, width
    return DecodedImage(small, width, height, fmt, taken, view, stored)


def _is_wide(mode: str) -> bool:
    """16-bit and float greys, which Pillow's colour conversions clip: their thumbnail is made from the grey."""
    return mode.startswith("I") or mode == "F"


def _thumbnail_or_none(path: str, im: Image.Image, orientation: int) -> bytes | None:
    """The stored thumbnail of `im` (reduced in place); one that cannot be made is only a missing thumbnail (the
    GUI decodes the file instead), never a problem of the picture."""
    try:
        return stored_thumbnail(im, UPRIGHT.get(orientation))
    except DECODE_ERRORS as exc:
        log.info("no thumbnail kept for %s: %s", path, _one_line(exc))
        return None


def _same_draft(im: Image.Image, side: int, other_side: int) -> bool:
    """Whether drafting `im` to `side` and to `other_side` decodes the same pixels: JPEG scales by the largest
    of 1/8, 1/4, 1/2, 1 that keeps both dimensions at least the side asked for (Pillow's draft rule); formats
    without a draft of their own decode whole either way; others (HEIF's thumbnails) are not assumed to."""
    if isinstance(im, JpegImagePlugin.JpegImageFile):
        return _jpeg_scale(im.size, side) == _jpeg_scale(im.size, other_side)
    return type(im).draft is Image.Image.draft


def _jpeg_scale(size: tuple[int, int], side: int) -> int:
    fits = min(size[0] // side, size[1] // side)
    return next(scale for scale in (8, 4, 2, 1) if fits >= scale or scale == 1)


def _open_image(fp, path: str, head: bytes) -> Image.Image:
    """Image.open without its pixel-limit check (the budget is ours): the first plugin that accepts the file.

    JPEGs go straight to their plugin, the common case."""
    if head.startswith(_JPEG_MAGIC):
        im = JpegImagePlugin.jpeg_factory(fp, path)
        if im.width * im.height > MAX_JPEG_PIXELS:
            raise FingerprintError(
                ProblemKind.TOO_LARGE,
                f"{im.width} x {im.height} pixels is over the {MAX_JPEG_PIXELS // 1_000_000} MP limit for JPEG",
            )
        return im
    for name in Image.ID:
        factory, accept = Image.OPEN[name]
        if accept is not None and accept(head) is not True:
            continue
        fp.seek(0)
        try:
            return factory(fp, path)
        except (SyntaxError, IndexError, TypeError, struct.error) as exc:
            log.debug("%s is not %s: %s", path, name, exc)
    raise UnidentifiedImageError(f"cannot identify image file {path!r}")


_capturing = threading.local()
_show_elsewhere = warnings.showwarning


def _route_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings raised while this thread decodes go to that decode's list; all others where they went before."""
    caught = getattr(_capturing, "caught", None)
    if caught is None:
        _show_elsewhere(message, category, filename, lineno, file, line)
    else:
        caught.append(f"{category.__name__}: {_one_line(message)}")


warnings.showwarning = _route_warning
# Every time, not once per code line: each file's problem must carry its own warnings.
warnings.filterwarnings("always", module=r"PIL\.")


@contextmanager
def _warnings_caught() -> Iterator[list[str]]:
    _capturing.caught = caught = []
    try:
        yield caught
    finally:
        _capturing.caught = None


def _with_warnings(exc: FingerprintError, caught: list[str]) -> FingerprintError:
    if not caught:
        return exc
    return FingerprintError(exc.kind, f"{exc.detail} (while decoding: {'; '.join(caught)})")


def read_exif(im: Image.Image) -> tuple[int, str | None]:
    """Orientation and DateTimeOriginal. Broken EXIF does not make a broken picture: it reads as absent."""
    try:
        exif = im.getexif()
        orientation = exif.get(_EXIF_ORIENTATION, 1)
        taken = exif.get_ifd(_EXIF_IFD).get(_EXIF_DATETIME_ORIGINAL) if _EXIF_IFD in exif else None
    except (OSError, Warning, *_CORRUPT_ERRORS) as exc:
        log.debug("ignoring unreadable EXIF in %s: %s", getattr(im, "filename", ""), exc)
        return 1, None
    return (orientation if isinstance(orientation, int) else 1), _exif_datetime(taken)


def _exif_datetime(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str) or not (match := _EXIF_DATE.match(value)):
        return None
    try:
        return datetime.datetime(*map(int, match.groups())).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:  # "0000:00:00 00:00:00" and other placeholders
        return None


def to_grey(im: Image.Image) -> Image.Image:
    """The picture as a viewer would show it, in mode "L"."""
    mode = im.mode
    # Wide greys first: Pillow's own conversions clip them (a 16-bit grey would turn white); a colour-key
    # transparency on them is rare enough to ignore.
    if mode.startswith("I;16"):
        return Image.fromarray((np.asarray(im).astype(np.uint16) >> 8).astype(np.uint8))
    if mode == "I":  # 16-bit data in 32 bits, as Pillow widens it
        return Image.fromarray((np.clip(np.asarray(im), 0, 0xFFFF) >> 8).astype(np.uint8))
    if mode == "F":
        return Image.fromarray(_stretch(np.asarray(im, dtype=np.float64)))
    if mode in _ALPHA_MODES or "transparency" in im.info:
        la = im.convert("RGBA").convert("LA")
        background = Image.new("L", im.size, BACKGROUND_L)
        background.paste(la.getchannel("L"), mask=la.getchannel("A"))
        return background
    if mode == "L":
        return im
    if mode == "1" or mode == "RGB":
        return im.convert("L")
    if mode in _VIA_RGB_MODES:
        return im.convert("RGB").convert("L")
    if mode == "LAB":
        return im.getchannel("L")
    raise FingerprintError(ProblemKind.UNSUPPORTED, f"colour mode {mode} is not supported")


def _stretch(values: np.ndarray) -> np.ndarray:
    """Float images have no fixed range: map their own range onto 0..255."""
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    scaled = (np.nan_to_num(values, nan=low, posinf=high, neginf=low) - low) * (255.0 / (high - low or 1.0))
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _classify(exc: BaseException, head: bytes) -> tuple[ProblemKind, str]:
    """The one place that turns a known decoding exception into a ProblemKind and a one-line detail."""
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return ProblemKind.TOO_LARGE, _one_line(exc)
    if isinstance(exc, MemoryError):
        return ProblemKind.TOO_LARGE, "not enough memory to decode it"
    if isinstance(exc, UnidentifiedImageError):
        known = _format_by_signature(head)
        if known:
            return ProblemKind.CORRUPT, f"damaged {known} header"
        return ProblemKind.NOT_AN_IMAGE, "no known image format starts like this file"
    if isinstance(exc, PermissionError):
        return ProblemKind.PERMISSION, exc.strerror or "permission denied"
    if isinstance(exc, FileNotFoundError):
        return ProblemKind.MISSING, "the file disappeared during the scan"
    if isinstance(exc, OSError) and exc.errno is not None:  # a real I/O error, not Pillow's "truncated"
        return ProblemKind.UNREADABLE, exc.strerror or _one_line(exc)
    if isinstance(exc, Warning):
        return ProblemKind.CORRUPT, f"warning: {_one_line(exc)}"
    return ProblemKind.CORRUPT, _one_line(exc)


def _format_by_signature(head: bytes) -> str | None:
    """The format whose signature the file starts with, when Pillow still could not open it."""
    for name in Image.ID:
        accept = Image.OPEN[name][1]
        if accept is not None and accept(head) is True:
            return name
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
