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

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dupfinder.core.image_table import ImageTable
from dupfinder.core.models import Group, ImageRecord, ScanResult

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
    return ImageFacts.of(images).rank.tolist()


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What keep-best, regrouping and the cleanup plan need of every image, as arrays: built once per scan result
    (image_facts keeps them in ScanResult.memo), as reading a million images' attributes takes seconds."""

    rank: np.ndarray  # int64 quality_rank
    size: np.ndarray  # int64 file bytes
    ratio: np.ndarray  # float64 long side over short side (_ratio)
    shape: np.ndarray  # int64 the ratio's place among the distinct ratios: equal ratios, equal shape
    off_standard: np.ndarray  # float64 relative distance of the ratio to the nearest standard photo ratio
    pixels: np.ndarray  # int64 width x height
    protected: np.ndarray  # bool
    path_order: np.ndarray  # int64 position of the path in sorted order
    file: np.ndarray  # int64 the real file (FileEntry.identity) as a number: equal for two paths to one file

    @classmethod
    def of(cls, images: Sequence[ImageRecord]) -> ImageFacts:
        table = ImageTable.of(images)
        count, files = len(table), table.files
        paths = list(table.paths)
        path_order = np.empty(count, np.int64)
        path_order[sorted(range(count), key=paths.__getitem__)] = np.arange(count)
        size = files.column("size_bytes").astype(np.int64)
        width, height = (table.column(name).astype(np.int64) for name in ("width", "height"))
        format_quality = [FORMAT_QUALITY.get(name.upper(), UNKNOWN_FORMAT_QUALITY) for name in table.format_names]
        keys = (  # np.lexsort: the last key is the primary one
            path_order,
            np.fromiter(map(len, paths), np.int64, count),
            files.column("mtime_ns").astype(np.int64),
            np.array(format_quality, np.int64)[table.column("format")],
            -size,
            -(width * height),
        )  # fmt: skip
        rank = np.empty(count, np.int64)
        rank[np.lexsort(keys)] = np.arange(count)
        ratio = np.maximum(width, height) / np.maximum(1, np.minimum(width, height))
        ratios, shape = np.unique(ratio, return_inverse=True)
        standard = np.array(STANDARD_RATIOS)
        off_standard = (np.abs(ratios[:, None] - standard) / standard).min(axis=1)[shape]
        del paths
        protected = files.column("protected").astype(bool)
        dev, ino = (files.column(name).astype(np.uint64) for name in ("dev", "ino"))
        by_file = np.lexsort((ino, dev))
        dev, ino = dev[by_file], ino[by_file]
        new = np.ones(count, bool)  # the first path to each real file, in (dev, ino) order
        new[1:] = (dev[1:] != dev[:-1]) | (ino[1:] != ino[:-1])
        file = np.empty(count, np.int64)
        file[by_file] = np.cumsum(new) - 1
        return cls(rank, size, ratio, shape, off_standard, width * height, protected, path_order, file)


def image_facts(result: ScanResult) -> ImageFacts:
    """The result's ImageFacts, made on first use and kept in its memo."""
    facts = result.memo.get("image_facts")
    if facts is None:
        facts = result.memo["image_facts"] = ImageFacts.of(result.images)
    return facts


def keepers(bounds: np.ndarray, members: np.ndarray, facts: ImageFacts) -> np.ndarray:
    """choose_keeper() of every group at once (group g: members[bounds[g]:bounds[g + 1]], in member order), as
    array work: the usual ratio is counted over each group's distinct ratios, as _usual_ratio does."""
    starts, size = bounds[:-1], np.diff(bounds)
    group = np.repeat(np.arange(len(starts)), size)
    rank, ratio, protected = facts.rank[members], facts.ratio[members], facts.protected[members]
    pixels = facts.pixels[members]
    candidate = protected | ~np.logical_or.reduceat(protected, starts)[group]
    best = _first_ranked(candidate, rank, starts, group, len(facts.rank))  # the best-ranked candidate row

    value_key = group * len(facts.rank) + facts.shape[members]
    by_value = np.argsort(value_key)  # each group's distinct ratios...
    first = np.flatnonzero(np.diff(value_key[by_value], prepend=-1))
    value_row = np.minimum.reduceat(by_value, first)  # ...each from its first member
    value_group, value_ratio = group[value_row], ratio[value_row]
    value_count = np.diff(np.append(first, len(members)))
    per_group = np.bincount(value_group, minlength=len(starts))
    value_start = np.cumsum(per_group) - per_group
    width = per_group[value_group]  # every distinct ratio against every one of its group
    a = np.repeat(np.arange(len(value_row)), width)
    b = value_start[value_group[a]] + np.arange(len(a)) - np.repeat(np.cumsum(width) - width, width)
    same = _same_shape(value_ratio[a], value_ratio[b])
    alike = np.bincount(a, weights=value_count[b] * same, minlength=len(value_row))  # members of each one's shape
    most = np.maximum.reduceat(alike, value_start)
    off_standard = facts.off_standard[members[value_row]]
    tied = alike == most[value_group]
    usual = value_ratio[np.lexsort((value_row, off_standard, ~tied, value_group))[value_start]]

    fits = candidate & _same_shape(ratio, usual[group]) & (pixels >= CLOSE_PIXELS * pixels[best][group])
    fitting = _first_ranked(fits, rank, starts, group, len(facts.rank))
    plain = ((most < 2) & (size > 2)) | _same_shape(ratio[best], usual) | ~fits[fitting]
    return members[np.where(plain, best, fitting)]


def _first_ranked(preferred, rank, starts, group, count) -> np.ndarray:
    """Each group's best-ranked row among its `preferred` ones (of all its rows when none is): a minimum per group
    instead of sorting every row, as ranks are distinct below `count`."""
    key = np.where(preferred, rank, rank + count)
    return np.flatnonzero(key == np.minimum.reduceat(key, starts)[group])


def choose_keeper(members: Sequence[int], images: Sequence[ImageRecord], rank: Sequence[int]) -> int:
    """Best-ranked member, preferring an undistorted copy of close size (see the module docstring); a member under
    a protected root always wins over unprotected ones."""
    table = ImageTable.of(images)
    flags, width, height = table.files.column("protected"), table.column("width"), table.column("height")
    protected = [i for i in members if flags[i]]
    candidates = sorted(protected or members, key=rank.__getitem__)
    best = candidates[0]
    if len(members) < 2:
        return best
    sides = {i: (int(width[i]), int(height[i])) for i in members}
    usual = _usual_ratio([_ratio(*sides[i]) for i in members])
    if usual is None or _same_shape(_ratio(*sides[best]), usual):
        return best
    floor = CLOSE_PIXELS * math.prod(sides[best])
    return next((i for i in candidates if _same_shape(_ratio(*sides[i]), usual) and math.prod(sides[i]) >= floor), best)


def _ratio(w: int, h: int) -> float:
    """Long side over short side, so that a turned copy has the shape of its original."""
    return max(w, h) / max(1, min(w, h))


def _same_shape(a: float, b: float) -> bool:
    return abs(a - b) <= ASPECT_TOLERANCE * b


def _usual_ratio(ratios: Sequence[float]) -> float | None:
    """The shape most members share; ties go to the shape nearer a standard photo ratio; None if all differ.
    Counted over the distinct ratios (few, however many members), in the order they first appear."""
    distinct = Counter(ratios)
    counts = {r: sum(n for other, n in distinct.items() if _same_shape(r, other)) for r in distinct}
    most = max(counts.values())
    if most < 2 and len(ratios) > 2:
        return None
    tied = [r for r, c in counts.items() if c == most]
    return min(tied, key=lambda r: min(abs(r - s) / s for s in STANDARD_RATIOS))


def keep_best_marks(groups: Sequence[Group], images: Sequence[ImageRecord]) -> frozenset[int]:
    """Image indices to trash: every member except the keeper and except protected files."""
    protected = ImageTable.of(images).files.column("protected")
    return frozenset(m.image for g in groups for m in g.members if m.image != g.keeper and not protected[m.image])
