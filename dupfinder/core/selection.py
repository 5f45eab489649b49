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
    """Best-ranked member; a member under a protected root always wins over unprotected ones."""
    protected = [i for i in members if images[i].file.protected]
    return min(protected or members, key=rank.__getitem__)


def keep_best_marks(groups: Sequence[Group], images: Sequence[ImageRecord]) -> frozenset[int]:
    """Image indices to trash: every member except the keeper and except protected files."""
    return frozenset(
        m.image for g in groups for m in g.members if m.image != g.keeper and not images[m.image].file.protected
    )
