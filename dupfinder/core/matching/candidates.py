"""Candidate pairs: every pair of images whose hashes say they might show the same picture.

Three routes, each a vectorised Hamming search (hamming.py), merged per pair (the closest route wins):

* plain: whole picture against whole picture, alike in pHash and dHash (grouping.pairs_for_parts), up to the scan's
  loosest distance, as before;
* turned: the pHash of each picture in the seven other orientations against every upright pHash, with the dHash of
  the same orientation as a veto (mirrored and 90/180/270° copies);
* window: the pHash of each crop window (windows.py, not the edge strips) against every whole-picture pHash
  (crops), kept only when the cropped picture has no more pixels than the window it matches (CROP_UPSCALE);
* partial: each window's pHash (crop windows and edge strips) against the same window of every other picture, dHash
  of that window vetoing (copies with part of the picture covered: a sticker, a caption, a logo; the edge strips
  find those whose sticker spoils every crop window).

The turned and window routes search only within their own radius, tighter than the loosest plain distance: they
compare 7 and len(WINDOWS) times as many hashes, so chance matches between distinct smooth pictures grow with them;
every pair they find must then be confirmed by the second measure (confirm.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dupfinder.core.fingerprint import TURNS
from dupfinder.core.grouping import find_pairs, pairs_for_parts
from dupfinder.core.hamming import pairs_between
from dupfinder.core.image_table import ImageTable
from dupfinder.core.matching.windows import CROP_WINDOWS, WINDOWS
from dupfinder.core.models import Hashes, ImageRecord, Route
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanStage

TURNED_RADIUS_BITS = 12  # pHash and dHash of a turned picture against an upright one
WINDOW_RADIUS_BITS = 10  # pHash of a crop window against a whole picture
WINDOW_DHASH_BITS = 64  # dHash of a window is too unstable to veto (measured: it lost a third of the crops)
# A crop has no more pixels across than the part of the picture it shows (5 % and 2 px for rounding): two
# different pictures of one size, or two overlapping crops of one big picture, fail this before any decoding.
CROP_UPSCALE = 1.05
# The same window of both pictures, in pHash and dHash: a copy with a sticker or caption over part of it.
PARTIAL_RADIUS_BITS = 8
PARTIAL_DHASH_BITS = 10
# Up to this many images the routes search exactly (a few seconds at most: the window route compares 48 n^2
# hashes); past it from bucket tables (scaled_candidates.py), which miss a few pairs but scale to millions.
EXACT_MAX_IMAGES = 5_000


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs (left < right), one row per pair, sorted by (left, right)."""

    left: np.ndarray  # int32 (as Pairs)
    right: np.ndarray
    distance_bits: np.ndarray  # uint8: the route's hash distance (largest of pHash and dHash)
    identical: np.ndarray  # bool
    route: np.ndarray  # uint8 Route
    turn: np.ndarray  # uint8: 0 upright, else 1 + index in fingerprint.TURNS, applied to `left` to look like right
    window: np.ndarray  # int16: index in windows.WINDOWS of the cropped-out picture's window, -1 if none
    window_of_left: np.ndarray  # bool: the window is one of left's (right is the crop), else of right's

    def __len__(self) -> int:
        return len(self.left)


class ExtraHashes(Protocol):
    """Where the routes read the turned and window hashes of given image rows: (pHash, dHash) as uint64 arrays of
    (len(rows), hashes), zeros where a row has none, and a bool per row saying which have them. A scan's records
    hold none (matching.hash_spill has them); RecordHashes reads them from fingerprints that do."""

    def turned(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

    def windows(self, rows: np.ndarray, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...


@dataclass(frozen=True, slots=True)
class RecordHashes:
    """ExtraHashes from the images' own fingerprints."""

    images: ImageTable

    def turned(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chosen = [self.images.fingerprint(i) for i in rows.tolist()]
        p, present = _stacked([fp.turned_phash for fp in chosen], len(TURNS))
        d, _ = _stacked([fp.turned_dhash for fp in chosen], len(TURNS))
        return p, d, present

    def windows(self, rows: np.ndarray, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chosen = [self.images.fingerprint(i) for i in rows.tolist()]
        p, present = _stacked([fp.window_phash for fp in chosen], len(WINDOWS))
        d, _ = _stacked([fp.window_dhash for fp in chosen], len(WINDOWS))
        return p[:, columns], d[:, columns], present


def _stacked(rows: Sequence[Hashes], width: int) -> tuple[np.ndarray, np.ndarray]:
    """(len(rows), width) uint64 of rows of `width` hashes, zeros for a row without them, and which rows have them."""
    table = Hashes.table(rows)
    if table is None or table.shape[1] != width:
        return np.zeros((len(rows), width), np.uint64), np.zeros(len(rows), bool)
    if isinstance(table, np.ma.MaskedArray):
        return np.ma.filled(table, 0), ~np.ma.getmaskarray(table)[:, 0]
    return table, np.ones(len(rows), bool)


def find_candidates(
    images: Sequence[ImageRecord],
    max_distance_bits: int,
    *,
    extra: ExtraHashes | None = None,
    turned_radius_bits: int = TURNED_RADIUS_BITS,
    window_radius_bits: int = WINDOW_RADIUS_BITS,
    plain_preferred_bits: int = 12,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Candidates:
    """Plain pairs up to max_distance_bits (pHash and dHash), plus turned and window pairs within their radii: the
    turned and window hashes read from `extra` (by default from the images' fingerprints).

    Exact up to EXACT_MAX_IMAGES images; past it from bucket tables (scaled_candidates.py)."""
    images = ImageTable.of(images)
    count = len(images)
    extra = extra if extra is not None else RecordHashes(images)
    if count > EXACT_MAX_IMAGES:
        from dupfinder.core.matching.scaled_candidates import Radii, scaled_routes  # numba: only when needed

        meter = ProgressMeter(ScanStage.COMPARING, None, progress)

        def advance(rows: int) -> None:
            if cancel is not None:
                cancel.raise_if_cancelled()
            meter.advance(rows)

        def set_total(total: int) -> None:
            meter.total = total

        radii = Radii(max_distance_bits, turned_radius_bits, window_radius_bits, PARTIAL_RADIUS_BITS,
                      PARTIAL_DHASH_BITS, CROP_UPSCALE)  # fmt: skip
        routes = scaled_routes(image_hashes(images, extra), images.digests, radii, len(TURNS), advance, set_total)
        meter.finish()
        return merge_rows(routes, count, plain_preferred_bits)
    phash, dhash = (np.ascontiguousarray(images.column(name)) for name in ("phash", "dhash"))
    plain = pairs_for_parts(
        [phash.tolist(), dhash.tolist()],
        images.digests,
        max_distance_bits,
        progress=progress,
        cancel=cancel,
    )
    n = len(plain)
    plain_rows = row_block(plain.left, plain.right, plain.distance_bits, plain.identical,
                           np.full(n, Route.PLAIN, np.uint8), np.zeros(n, np.uint8), np.full(n, -1, np.int16),
                           np.zeros(n, bool))  # fmt: skip
    rows = [plain_rows]
    meter = ProgressMeter(ScanStage.COMPARING, 2 * count, progress)

    def tick(done: int) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()

    every = np.arange(count)
    turned_p, turned_d = _masked(*extra.turned(every))
    if turned_p is not None and turned_d is not None:
        owner, other, turn, distance = _search(turned_p, turned_d, phash, dhash, turned_radius_bits, None, tick)
        rows.append(oriented_rows(owner, other, distance, Route.TURNED, turn + 1, None))
    meter.advance(count)
    window_p, window_d = _masked(*extra.windows(every, range(len(WINDOWS))))
    if window_p is not None and window_d is not None:
        owner, other, window, distance = _search(
            window_p[:, :CROP_WINDOWS], window_d[:, :CROP_WINDOWS], phash, dhash, window_radius_bits,
            WINDOW_DHASH_BITS, tick,
        )  # fmt: skip
        boxes = np.array(WINDOWS)[window]
        width, height = (images.column(name).astype(np.float64) for name in ("width", "height"))
        fits = (width[other] <= width[owner] * (boxes[:, 2] - boxes[:, 0]) * CROP_UPSCALE + 2) & (
            height[other] <= height[owner] * (boxes[:, 3] - boxes[:, 1]) * CROP_UPSCALE + 2
        )
        owner, other, window, distance = owner[fits], other[fits], window[fits], distance[fits]
        rows.append(oriented_rows(owner, other, distance, Route.WINDOW, None, window))
    if window_p is not None and window_d is not None and not isinstance(window_p, np.ma.MaskedArray):
        rows.append(_partial(window_p, window_d, cancel))
    meter.finish()
    return merge_rows(rows, count, plain_preferred_bits)


def _partial(window_p: np.ndarray, window_d: np.ndarray, cancel: CancelToken | None):
    """Pairs alike in the same window (any of them) within PARTIAL_RADIUS_BITS in pHash and PARTIAL_DHASH_BITS in
    dHash; the distance kept is the closest window's."""
    lefts, rights, dists, windows = [], [], [], []
    no_digests = [None] * len(window_p)
    for k in range(window_p.shape[1]):
        found = find_pairs(window_p[:, k].tolist(), no_digests, PARTIAL_RADIUS_BITS, cancel=cancel)
        d = np.bitwise_count(window_d[found.left, k] ^ window_d[found.right, k])
        keep = d <= PARTIAL_DHASH_BITS
        lefts.append(found.left[keep].astype(np.int64))
        rights.append(found.right[keep].astype(np.int64))
        dists.append(np.maximum(found.distance_bits[keep], d[keep]).astype(np.int64))
        windows.append(np.full(int(keep.sum()), k, np.int16))
    left, right = np.concatenate(lefts), np.concatenate(rights)
    n = len(left)
    return row_block(left, right, np.concatenate(dists), np.zeros(n, bool), np.full(n, Route.PARTIAL, np.uint8),
                     np.zeros(n, np.uint8), np.concatenate(windows), np.ones(n, bool))  # fmt: skip


def image_hashes(images: ImageTable, extra: ExtraHashes):
    """scaled_candidates' view of the images (a RouteHashes): turned and window hashes read for the rows asked,
    zeros for an image without them (it is then a candidate only of others without them: the second measure
    decides)."""
    from dupfinder.core.matching.scaled_candidates import RouteHashes

    return RouteHashes(
        np.ascontiguousarray(images.column("phash")),
        np.ascontiguousarray(images.column("dhash")),
        images.column("width").astype(np.float64),
        images.column("height").astype(np.float64),
        lambda rows: extra.turned(rows)[:2],
        lambda rows, columns: extra.windows(rows, columns)[:2],
    )


def _masked(p: np.ndarray, d: np.ndarray, present: np.ndarray):
    """The exact routes' tables: None when no image has these hashes; rows without them masked when some lack them."""
    if not present.any():
        return None, None
    if present.all():
        return p, d
    mask = np.repeat(~present[:, None], p.shape[1], axis=1)
    return np.ma.masked_array(p, mask), np.ma.masked_array(d, mask)


def hash_table(images: Sequence[ImageRecord], name: str) -> np.ndarray | None:
    """(n, k) uint64 of a per-image hash tuple; images without it (cached before it existed) get a masked row."""
    if isinstance(images, ImageTable):
        return Hashes.table(images.hashes(name))
    return Hashes.table([getattr(im.fingerprint, name) for im in images])  # records (the library's): no table made


def _search(query_p, query_d, phash, dhash, radius, dhash_radius, tick):
    """(owner image, other image, column, distance) of every query row within radius in pHash and dHash."""
    width = query_p.shape[1]
    valid = None
    if isinstance(query_p, np.ma.MaskedArray):
        valid = ~np.ma.getmaskarray(query_p).reshape(-1)
        query_p, query_d = query_p.filled(0), np.ma.filled(query_d, 0)
    flat_p, flat_d = query_p.reshape(-1), query_d.reshape(-1)
    query, key, p_distance = pairs_between(flat_p, phash, radius, tick)
    if valid is not None:
        keep = valid[query]
        query, key, p_distance = query[keep], key[keep], p_distance[keep]
    d_distance = np.bitwise_count(flat_d[query] ^ dhash[key]).astype(np.int64)
    owner = query // width
    keep = (d_distance <= (radius if dhash_radius is None else dhash_radius)) & (owner != key)
    distance = np.maximum(p_distance.astype(np.int64), d_distance if dhash_radius is None else 0)
    return owner[keep], key[keep], (query % width)[keep], distance[keep]


def oriented_rows(owner, other, distance, route, turn, window):
    """Rows with left < right. A turn applies to the owner; the pair keeps it when the owner is left, else its
    inverse (turning the other way round)."""
    left, right = np.minimum(owner, other), np.maximum(owner, other)
    n = len(owner)
    if turn is not None:
        from dupfinder.core.matching.differences import inverse_turn

        turn = np.where(owner == left, turn, inverse_turn(turn)).astype(np.uint8)
    else:
        turn = np.zeros(n, np.uint8)
    window_index = np.full(n, -1, np.int16) if window is None else window.astype(np.int16)
    return row_block(left, right, distance, np.zeros(n, bool), np.full(n, route, np.uint8), turn, window_index,
                     owner == left)  # fmt: skip


def row_block(left, right, distance, identical, route, turn, window, of_left) -> list[np.ndarray]:
    """A route's rows in the layout merge_rows takes, as compact as Pairs keeps them (int32 rows, uint8 distances):
    at a million images the routes find tens of millions of rows."""
    return [left.astype(np.int32, copy=False), right.astype(np.int32, copy=False),
            np.minimum(distance, 255).astype(np.uint8, copy=False), identical.astype(bool, copy=False),
            route.astype(np.uint8, copy=False), turn.astype(np.uint8, copy=False),
            window.astype(np.int16, copy=False), of_left.astype(bool, copy=False)]  # fmt: skip


def merge_rows(rows: list[list[np.ndarray]], count: int, plain_preferred_bits: int) -> Candidates:
    """One row per pair: identical bytes first, then the plain route when within plain_preferred_bits (the whole
    pictures' own distance), then the smallest distance. Takes the blocks out of `rows` (row_block lists), each
    column freed once joined: the merge holds the rows about twice, not five times."""
    columns = []
    for c in range(len(Candidates.__slots__)):
        columns.append(np.concatenate([block[c] for block in rows]))
        for block in rows:
            block[c] = None
    rows.clear()
    left, right, distance, identical, route = columns[:5]
    keys = left.astype(np.int64) * count + right
    preferred = (route == Route.PLAIN) & (distance <= plain_preferred_bits)
    if count < 1 << 25:  # one int64 sort key (pair, then the preferences in 12 bits): a quarter of lexsort's time
        rank = (~identical).astype(np.uint16) << 11 | (~preferred).astype(np.uint16) << 10
        rank |= distance.astype(np.uint16) << 2 | route.astype(np.uint16)
        keys <<= 12
        keys |= rank
        del rank
        order = np.argsort(keys)
        keys = keys[order] >> 12
    else:
        order = np.lexsort((route, distance, ~preferred, ~identical, keys))
        keys = keys[order]
    first = np.ones(len(keys), bool)
    first[1:] = keys[1:] != keys[:-1]
    del keys
    pick = order[first]
    del order
    return Candidates(*(column[pick] for column in columns))
