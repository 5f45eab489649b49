"""Small colour thumbnails of pictures, and the stored ones fingerprinting makes of big pictures it decodes whole.

A JPEG thumbnail costs a few milliseconds at any size (a DCT-scaled decode), but PNG, TIFF, GIF, WebP and the other
formats without a reduced decode must be decoded whole: 0.3-0.8 s for 24 MP, so a group list of them takes tens of
seconds to fill. Fingerprinting decodes those pictures whole anyway, so for the big ones (`wanted`) it also makes a
SIDE px thumbnail from the same pixels (`stored_thumbnail`), which the fingerprint cache keeps while the file is
unchanged and the GUI shows instead of decoding the file again.

`fitted` is the one way both make a thumbnail from a decoded picture: reduced by whole factors in the picture's own
mode first (cheap, and no full-size conversion), then converted, fitted and turned upright.
"""

from __future__ import annotations

import io

from PIL import Image, features

SIDE = 160  # stored long side: the group list's 52 px cells up to a device pixel ratio of 3 (156 px)
MIN_PIXELS = 2_000_000  # up to this size a full decode and scaling costs a few tens of ms: nothing worth storing
# WebP, lossy: about 4 kB for a 160 px photo (JPEG at the same quality: 6 kB), and it keeps transparency in as
# little (PNG: 26 kB). Pillow's wheels have it; a Pillow built without it stores no thumbnails.
WEBP_QUALITY = 85
PALETTE_STEP = 4  # palette pictures are first sampled to this many times the box (averaging indices mixes colours)
_CAN_WRITE = features.check("webp")
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})


def wanted(im: Image.Image) -> bool:
    """Whether fingerprinting stores a thumbnail of `im` (opened): a big picture in a format whose plugin has no
    reduced decode (not JPEG, DCT-scaled, nor HEIF, whose plugin reads an embedded thumbnail when there is one)."""
    return type(im).draft is Image.Image.draft and im.width * im.height > MIN_PIXELS


def fitted(im: Image.Image, box_px: int, turn: Image.Transpose | None = None) -> Image.Image:
    """`im` (opened or loaded; consumed: it is reduced in place) fitted into a box_px square, never enlarged, in RGB
    or RGBA, then given `turn` (what makes it upright, decode.UPRIGHT). Reduced by whole-factor box averaging to
    about twice the box before any conversion; palette pictures are sampled to a few times the box instead
    (averaging palette indices would mix unrelated colours)."""
    if im.mode in ("1", "P", "PA"):
        side = PALETTE_STEP * box_px
        small = im if max(im.size) <= side else im.resize(_fit(im.size, side), Image.Resampling.NEAREST)
    else:
        im.thumbnail((2 * box_px, 2 * box_px), Image.Resampling.BOX, reducing_gap=1.0)  # loads, then reduces
        small = im
    small = small.convert("RGBA" if _has_alpha(small) else "RGB")
    small.thumbnail((box_px, box_px), Image.Resampling.LANCZOS)
    return small if turn is None else small.transpose(turn)


def stored_thumbnail(im: Image.Image, turn: Image.Transpose | None) -> bytes | None:
    """The thumbnail the cache keeps for `im` (loaded; reduced in place): SIDE px, encoded (None without WebP)."""
    return encode(fitted(im, SIDE, turn)) if _CAN_WRITE else None


def encode(small: Image.Image) -> bytes | None:
    """`small` as the cache stores it (transparency kept: the list shows it over the theme's own background), or
    None when this Pillow cannot write WebP."""
    if not _CAN_WRITE:
        return None
    out = io.BytesIO()
    small.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def decoded(data: bytes) -> Image.Image | None:
    """A stored thumbnail's picture (RGB or RGBA), or None for bytes that are not one: garbled, truncated, another
    format or bigger than SIDE (the cache is read as untrusted input; the caller decodes the file instead)."""
    try:
        with Image.open(io.BytesIO(data), formats=("WEBP",)) as im:
            if max(im.size) > SIDE:
                return None
            im.load()
            return im.convert("RGBA" if _has_alpha(im) else "RGB")
    except (OSError, ValueError, SyntaxError, EOFError, Warning):
        return None


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in _ALPHA_MODES or "transparency" in im.info


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    width, height = size
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))
