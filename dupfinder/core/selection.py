"""Keep-best rules: which image of a group to keep, and which to mark for the trash.

Keep-best order (best first), each rule only breaking ties of the ones before it:

1. more pixels (width x height): the copy that holds the most picture;
2. larger file: at equal pixels, more bytes usually means less compression loss;
3. format quality: lossless (PNG, TIFF, BMP) > HEIF/AVIF > JPEG > WebP > GIF > anything else, because a lossless
   or modern codec at equal size keeps more than a JPEG, and GIF has only 256 colours;
4. older modification time: the original usually predates its copies;
5. shorter path, then the path itself: a stable, deterministic last resort.

A file under a protected ("reference") folder is always kept: it is the keeper whenever a group has one, and it is
never marked, even when it is not the keeper.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def quality_rank(images: Sequence[ImageRecord]) -> list[int]:
    """Rank of each image in keep-best order (0 = best; see the module docstring). Deterministic."""
    order = sorted(range(len(images)), key=lambda i: _keep_best_key(images[i]))
    rank = [0] * len(images)
    for position, i in enumerate(order):
        rank[i] = position
    return rank


def choose_keeper(members: Sequence[int], images: Sequence[ImageRecord], rank: Sequence[int]) -> int:
    """Best-ranked member; a member under a protected root always wins over unprotected ones."""
    return min(members, key=lambda i: (not images[i].file.protected, rank[i], i))


def keep_best_marks(groups: Sequence[Group], images: Sequence[ImageRecord]) -> frozenset[int]:
    """Image indices to trash: every member except the keeper and except protected files."""
    return frozenset(
        m.image for g in groups for m in g.members if m.image != g.keeper and not images[m.image].file.protected
    )


def _keep_best_key(image: ImageRecord) -> tuple:
    fp = image.fingerprint
    quality = FORMAT_QUALITY.get(fp.format.upper(), UNKNOWN_FORMAT_QUALITY)
    return (-image.pixels, -image.file.size_bytes, quality, image.file.mtime_ns, len(image.path), image.path)
