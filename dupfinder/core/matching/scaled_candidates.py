"""The candidate routes of candidates.py for scans too large for their exact search: bucket tables instead.

Exact, the window route alone compares 48 n^2 hashes (half a minute at 10,000 images, days at a million). Past
candidates.EXACT_MAX_IMAGES every route takes its candidates from bucket_search's tables:

* plain pairs first, with enough tables to find a copy PLAIN_DESIGN_BITS apart (pHash and dHash together) with the
  probability DESIGN_RECALL;
* then the turned, crop and same-window routes, from representatives only (representatives()) against every
  image: where a picture has hundreds of re-encoded copies, one of them looks for their turned, cropped and
  covered relatives, instead of each of them finding all of those again. Their tables are sized for
  TURNED_DESIGN_BITS / WINDOW_DESIGN_BITS / PARTIAL_DESIGN_BITS, and the windows searched are as many as
  EDITED_BUDGET_ROWS allows: all of them when representatives are few (a data set of many copies), the centred
  ones first when every image is its own (a million distinct pictures still get centre crops and edge stickers,
  not every off-centre crop). Only representatives' turned and window hashes are ever read (the callables of
  RouteHashes), so a million images' 118 hashes each are never all in memory.

The rows, distances, routes and vetoes are those of the exact routes (candidates.py); only some pairs are missed.
bench_pair_search.py measures what each route finds, against the exact search where that can run.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from dupfinder.core import bucket_search
from dupfinder.core.grouping import identical_pairs, with_identical
from dupfinder.core.matching.windows import CROP_WINDOWS, EDGE_STRIPS, WINDOWS
from dupfinder.core.models import Route

DESIGN_RECALL = 0.95
PLAIN_DESIGN_BITS = 12  # pHash + dHash distance of a copy the plain route must find with DESIGN_RECALL
TURNED_DESIGN_BITS = 12
WINDOW_DESIGN_BITS = 6  # pHash distance of a crop to its window
PARTIAL_DESIGN_BITS = 8  # pHash + dHash distance of a window both copies share
EDITED_BUDGET_ROWS = 250_000_000  # table rows of the turned, crop and same-window routes together
HUB_BITS = 8  # plain distance (pHash and dHash) within which a copy searches through its representative
SELF_CAP = 4  # a bucket of up to this many images compares them all, a larger one each with its first
JOIN_CAP = 8  # bucket members a query meets (its lowest rows)
JOIN_KEY_SHORTER = 3  # join keys this many bits shorter than self keys: ~4 rows a bucket, fewer tables per recall
MAX_TABLES = 32


@dataclass(frozen=True, slots=True)
class RouteHashes:
    """What the routes compare, for n images: whole-picture hashes and sizes as arrays, the turned and window
    hashes on demand for given rows."""

    phash: np.ndarray  # (n,) uint64
    dhash: np.ndarray
    width: np.ndarray  # (n,) float64 pixels
    height: np.ndarray
    turned: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # rows -> (pHash, dHash), (len(rows), 7) each
    windows: Callable[[np.ndarray, Sequence[int]], tuple[np.ndarray, np.ndarray]]  # rows, window indices -> same


@dataclass(frozen=True, slots=True)
class EditedPlan:
    """Tables of the turned, crop and same-window routes, and the windows searched (indices in WINDOWS)."""

    turned: tuple[bucket_search.Table, ...]
    crop: tuple[bucket_search.Table, ...]
    partial: tuple[bucket_search.Table, ...]
    crop_windows: tuple[int, ...]
    partial_windows: tuple[int, ...]

    def rows(self, count: int, hubs: int, turns: int) -> int:
        """Table rows these routes read (a progress total)."""
        return (len(self.turned) * (hubs * turns + count) + len(self.crop) * (hubs * len(self.crop_windows) + count)
                + len(self.partial) * hubs * len(self.partial_windows))  # fmt: skip


def _tables(distance: int, word_bits: int, key_bits: int) -> int:
    return min(MAX_TABLES, bucket_search.tables_needed(distance, word_bits, key_bits, DESIGN_RECALL))


def plain_tables(count: int) -> tuple[bucket_search.Table, ...]:
    key_bits = bucket_search.key_bits_for(count)
    return bucket_search.tables_for(2, key_bits, _tables(PLAIN_DESIGN_BITS, 128, key_bits), seed=1)


def windows_by_priority() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Crop windows centred first, larger scales first, then off-centre; edge strips first for the same-window
    route (they are what finds a sticker), then the crop windows in the same order."""
    centre = [(abs((x0 + x1) / 2 - 0.5) + abs((y0 + y1) / 2 - 0.5), -(x1 - x0) * (y1 - y0), k)
              for k, (x0, y0, x1, y1) in enumerate(WINDOWS[:CROP_WINDOWS])]  # fmt: skip
    crop = tuple(k for *_, k in sorted(centre))
    strips = tuple(range(CROP_WINDOWS, CROP_WINDOWS + len(EDGE_STRIPS)))
    return crop, strips + crop


def edited_plan(count: int, hubs: int, turns: int, budget_rows: int = EDITED_BUDGET_ROWS) -> EditedPlan:
    """Tables for `hubs` representatives among `count` images; as many windows as the budget allows."""
    join_bits = max(8, bucket_search.key_bits_for(count) - JOIN_KEY_SHORTER)
    hub_bits = bucket_search.key_bits_for(hubs)
    turned = _tables(TURNED_DESIGN_BITS, 128, join_bits) if turns else 0
    crop = _tables(WINDOW_DESIGN_BITS, 64, join_bits)
    partial = _tables(PARTIAL_DESIGN_BITS, 128, hub_bits)
    crop_order, partial_order = windows_by_priority()
    left = budget_rows - turned * (hubs * turns + count) - crop * count
    per_crop_window = hubs * (crop + partial * len(partial_order) / len(crop_order))
    crop_count = int(max(1, min(len(crop_order), math.floor(left / max(1.0, per_crop_window)))))
    partial_count = max(len(EDGE_STRIPS), crop_count * len(partial_order) // len(crop_order))
    return EditedPlan(
        bucket_search.tables_for(2, join_bits, turned, seed=2),
        bucket_search.tables_for(1, join_bits, crop, seed=3),
        bucket_search.tables_for(2, hub_bits, partial, seed=4),
        crop_order[:crop_count],
        partial_order[:partial_count],
    )


@dataclass(frozen=True, slots=True)
class Radii:
    plain: int
    turned: int
    window: int
    partial_phash: int
    partial_dhash: int
    crop_upscale: float


def scaled_routes(
    hashes: RouteHashes,
    digests: Sequence[bytes | None],
    radii: Radii,
    turns: int,
    tick: bucket_search.Tick,
    set_total: Callable[[int], None] = lambda total: None,
    threads: int = 2,
) -> list[tuple[np.ndarray, ...]]:
    """Candidate rows per route, in candidates.py's row layout (left, right, distance, identical, route, turn,
    window, window_of_left), before merging. `set_total` hears the number of table rows once it is known (after
    the plain route, which reports count * its tables)."""
    count = len(hashes.phash)
    upright = np.stack([hashes.phash, hashes.dhash], axis=1)
    plain = plain_tables(count)
    set_total(count * len(plain))
    lock = threading.Lock()

    def locked_tick(done: int) -> None:
        with lock:
            tick(done)

    left, right, distance = bucket_search.self_pairs(
        upright, (radii.plain, radii.plain), plain, SELF_CAP, locked_tick, threads
    )
    rows = [_plain_rows(hashes, digests, left, right, distance)]
    hubs = np.flatnonzero(representatives(count, left, right, distance, HUB_BITS))
    plan = edited_plan(count, len(hubs), turns)
    set_total(count * len(plain) + plan.rows(count, len(hubs), turns))

    # The crop route is the longest (measured at 1M clustered: 14.5 s, against 5.9 s turned and 3.5 s same-window):
    # its tables split in two jobs, longest first, so that two threads finish together.
    crop_p = hashes.windows(hubs, plan.crop_windows)[0].reshape(-1)
    half = (len(plan.crop) + 1) // 2
    jobs = [lambda: _crop_rows(hashes, hubs, crop_p, upright, plan, plan.crop[:half], radii, locked_tick),
            lambda: _crop_rows(hashes, hubs, crop_p, upright, plan, plan.crop[half:], radii, locked_tick),
            lambda: _partial_rows(hashes, hubs, plan, radii, locked_tick)]  # fmt: skip
    if turns and plan.turned:
        jobs.insert(2, lambda: _turned_rows(hashes, hubs, upright, plan, radii, turns, locked_tick))
    with ThreadPoolExecutor(max_workers=threads) as pool:  # the kernels release the GIL
        rows.extend(future.result() for future in [pool.submit(job) for job in jobs])
    return rows


def _plain_rows(hashes: RouteHashes, digests, left, right, distance):
    from dupfinder.core.matching.candidates import row_block

    count = len(hashes.phash)
    same_left, same_right = identical_pairs(digests)
    same_distance = np.maximum(
        np.bitwise_count(hashes.phash[same_left] ^ hashes.phash[same_right]),
        np.bitwise_count(hashes.dhash[same_left] ^ hashes.dhash[same_right]),
    )
    if len(same_left):
        left, right, distance, identical = with_identical(count, left, right, distance, same_left, same_right,
                                                          same_distance)  # fmt: skip
    else:  # the search's pairs are sorted and unique already
        identical = np.zeros(len(left), bool)
    n = len(left)
    return row_block(left, right, distance, identical, np.full(n, Route.PLAIN, np.uint8), np.zeros(n, np.uint8),
                     np.full(n, -1, np.int16), np.zeros(n, bool))  # fmt: skip


def _turned_rows(hashes: RouteHashes, hubs, upright, plan: EditedPlan, radii: Radii, turns: int, tick):
    from dupfinder.core.matching.candidates import oriented_rows

    turned_p, turned_d = hashes.turned(hubs)
    flat_p, flat_d = turned_p.reshape(-1), turned_d.reshape(-1)
    query, key, distance = bucket_search.join_pairs(
        lambda a, b: np.stack([flat_p[a:b], flat_d[a:b]], axis=1), len(hubs) * turns, upright,
        (radii.turned, radii.turned), plan.turned, JOIN_CAP, tick,
    )  # fmt: skip
    owner = hubs[query // turns]
    keep = owner != key
    return oriented_rows(owner[keep], key[keep], distance[keep], Route.TURNED,
                         (query % turns)[keep] + 1, None)  # fmt: skip


def _crop_rows(hashes: RouteHashes, hubs, flat, upright, plan: EditedPlan, tables, radii: Radii, tick):
    """The crop route through `tables` (some of plan.crop); `flat`: the hubs' crop-window pHashes, row-major."""
    from dupfinder.core.matching.candidates import oriented_rows

    windows = len(plan.crop_windows)
    query, key, distance = bucket_search.join_pairs(
        lambda a, b: flat[a:b, None], len(hubs) * windows, upright[:, :1], (radii.window,), tables, JOIN_CAP, tick
    )
    owner, window = hubs[query // windows], np.asarray(plan.crop_windows)[query % windows]
    boxes = np.array(WINDOWS)[window]
    upscale = radii.crop_upscale
    fits = (owner != key) & (hashes.width[key] <= hashes.width[owner] * (boxes[:, 2] - boxes[:, 0]) * upscale + 2)
    fits &= hashes.height[key] <= hashes.height[owner] * (boxes[:, 3] - boxes[:, 1]) * upscale + 2
    return oriented_rows(owner[fits], key[fits], distance[fits], Route.WINDOW, None, window[fits])


def _partial_rows(hashes: RouteHashes, hubs, plan: EditedPlan, radii: Radii, tick):
    from dupfinder.core.matching.candidates import row_block

    window_p, window_d = hashes.windows(hubs, plan.partial_windows)
    lefts, rights, dists, which = [], [], [], []
    for column, window in enumerate(plan.partial_windows):
        values = np.stack([window_p[:, column], window_d[:, column]], axis=1)
        a, b, d = bucket_search.self_pairs(
            values, (radii.partial_phash, radii.partial_dhash), plan.partial, SELF_CAP, tick
        )
        lefts.append(hubs[a])
        rights.append(hubs[b])
        dists.append(d)
        which.append(np.full(len(a), window, np.int16))
    a, b = np.concatenate(lefts), np.concatenate(rights)
    n = len(a)
    return row_block(a, b, np.concatenate(dists), np.zeros(n, bool), np.full(n, Route.PARTIAL, np.uint8),
                     np.zeros(n, np.uint8), np.concatenate(which), np.ones(n, bool))  # fmt: skip


def representatives(count: int, left: np.ndarray, right: np.ndarray, distance: np.ndarray, bits: int) -> np.ndarray:
    """Which images the edited-copy routes search from (bool per image): those with no plain neighbour within
    `bits` that has more such neighbours (ties: the lower row). Such a neighbour is the reference star grouping
    puts the copy with, so the edges that matter start from it; in a cluster of 1,000 copies one or a few images
    search, where all 1,000 would find each other's turned and cropped relatives."""
    close = distance <= bits
    a, b = left[close], right[close]
    degree = np.bincount(a, minlength=count) + np.bincount(b, minlength=count)
    score = degree.astype(np.int64) * count + (count - 1 - np.arange(count))
    best = score.copy()  # each image's best score among itself and its close neighbours (no sort: 14x faster)
    np.maximum.at(best, a, score[b])
    np.maximum.at(best, b, score[a])
    return best == score
