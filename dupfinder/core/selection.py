"""Keep-best rules: which image of a group to keep, and which to mark for the trash.

Keep-best order (best first), each rule only breaking ties of the ones before it:

1. more pixels (width x height): the copy that holds the most picture;
2. larger file: at equal pixels, more bytes usually means less compression loss;
3. format quality: lossless (PNG, TIFF, BMP) > HEIF/AVIF > JPEG > WebP > GIF > anything else, because a lossless
   or modern codec at equal size keeps more than a JPEG, and GIF has only 256 colours;
4. older modification time: the original usually predates its copies;
5. shorter path, then the path itself: a stable, deterministic last resort.

Within a group one more rule comes first: **an undistorted copy beats a stretched one of close size.** When the
best-ranked member's aspect ratio differs (by more than ASPECT_TOLERANCE) from the group's usual one, and a member
with the usual ratio has at least CLOSE_PIXELS of its pixels, that member is kept: a copy stretched by 10 % has 10 %
more pixels but no more picture. The usual ratio is the one most members share (a turned copy counts with its
ratio inverted); when two ratios are equally common, the one nearer a standard photo ratio (1:1, 5:4, 4:3, 3:2,
16:10, 16:9, 2:1, 21:9) is the usual one.

A file under a protected ("reference") folder is always kept: it is the keeper whenever a group has one, and it is
never marked, even when it is not the keeper.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dupfinder.core.models import Group, ImageRecord

FORMAT_QUALITY = {  # lower is better
    "PNG": 0,
    "TIFF": 0,
    "BMP": 0,
    "DIB": 0,
    "HEIF": 1,
    "AVIF": 1,
    "JPEG": 2,
    "MPO": 2,  # a JPEG with extra frames (many phone cameras)
    "WEBP": 3,
    "GIF": 4,
}
UNKNOWN_FORMAT_QUALITY = 5
ASPECT_TOLERANCE = 0.02  # relative difference of width/height below which two copies have the same shape
CLOSE_PIXELS = 0.8  # a copy with the usual shape wins if it has at least this share of the best copy's pixels
STANDARD_RATIOS = (1.0, 5 / 4, 4 / 3, 3 / 2, 16 / 10, 16 / 9, 2.0, 21 / 9)


def quality_rank(images: Sequence[ImageRecord]) -> list[int]:
    """Rank of each image in keep-best order (0 = best; see the module docstring). Deterministic."""
    files = [image.file for image in images]
    fingerprints = [image.fingerprint for image in images]
    paths = [f.path for f in files]
    keys = (  # np.lexsort: the last key is the primary one
        np.array(paths, dtype=str),
        np.fromiter(map(len, paths), np.int64, len(paths)),
        np.fromiter((f.mtime_ns for f in files), np.int64, len(files)),
        np.fromiter((FORMAT_QUALITY.get(fp.format.upper(), UNKNOWN_FORMAT_QUALITY) for fp in fingerprints), np.int64),
        -np.fromiter((f.size_bytes for f in files), np.int64, len(files)),
        -np.fromiter((fp.width * fp.height for fp in fingerprints), np.int64, len(fingerprints)),
    )
    rank = np.empty(len(images), np.int64)
    rank[np.lexsort(keys)] = np.arange(len(images))
    return rank.tolist()


def choose_keeper(members: Sequence[int], images: Sequence[ImageRecord], rank: Sequence[int]) -> int:
    """Best-ranked member, preferring an undistorted copy of close size (see the module docstring); a member under
    a protected root always wins over unprotected ones."""
    protected = [i for i in members if images[i].file.protected]
    candidates = sorted(protected or members, key=rank.__getitem__)
    best = candidates[0]
    if len(members) < 2:
        return best
    usual = _usual_ratio([_ratio(images[i]) for i in members])
    if usual is None or _same_shape(_ratio(images[best]), usual):
        return best
    floor = CLOSE_PIXELS * _pixels(images[best])
    return next((i for i in candidates if _same_shape(_ratio(images[i]), usual) and _pixels(images[i]) >= floor), best)


def _pixels(image: ImageRecord) -> int:
    return image.fingerprint.width * image.fingerprint.height


def _ratio(image: ImageRecord) -> float:
    """Long side over short side, so that a turned copy has the shape of its original."""
    w, h = image.fingerprint.width, image.fingerprint.height
    return max(w, h) / max(1, min(w, h))


def _same_shape(a: float, b: float) -> bool:
    return abs(a - b) <= ASPECT_TOLERANCE * b


def _usual_ratio(ratios: Sequence[float]) -> float | None:
    """The shape most members share; ties go to the shape nearer a standard photo ratio; None if all differ."""
    counts = [sum(_same_shape(r, other) for other in ratios) for r in ratios]
    most = max(counts)
    if most < 2 and len(ratios) > 2:
        return None
    tied = [r for r, c in zip(ratios, counts, strict=True) if c == most]
    return min(tied, key=lambda r: min(abs(r - s) / s for s in STANDARD_RATIOS))


def keep_best_marks(groups: Sequence[Group], images: Sequence[ImageRecord]) -> frozenset[int]:
    """Image indices to trash: every member except the keeper and except protected files."""
    return frozenset(
        m.image for g in groups for m in g.members if m.image != g.keeper and not images[m.image].file.protected
    )
