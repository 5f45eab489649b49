"""Candidate search at dataset scale, on generated fingerprints with every route's hashes (no files decoded).

    PYTHONPATH=. python tests/benchmarks/bench_pair_search.py [--sizes 10000 100000 1000000] [--kinds uniform clustered]

Two kinds of fingerprint sets, with the default hash set (pHash, dHash, 7 turned orientations of each, 52 window
pHash/dHash):

* uniform: every image a random fingerprint, plus 1 % planted near-copies of random others (a data set with
  few duplicates: the search's cost with no structure to exploit);
* clustered: near-copies of CENTRES pictures (cluster sizes heavy-tailed, from 2 to thousands, as a scraped data
  set has): per copy re-encoded/resized (every hash within a few bits of the centre's), mirrored or turned, cropped
  (its pHash near one crop window's of the centre), or covered (only one edge strip still alike).

For each size and kind: time of the candidate search (candidates.find_candidates' route rows, merged), the
process's RSS before it (the generated hashes) and its peak during it, candidate pairs per image, and per kind of
copy the share of copies with a candidate pair to their own cluster (the centre or one of its re-encoded copies);
"cross" counts pairs between different clusters (chance candidates, for the second measure to refute). At 10k
images the exact search (candidates.py) runs too, on the same hashes, as the baseline. Image order is shuffled,
as a scan's discovery order is.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from dupfinder.core.fingerprint import TURNS
from dupfinder.core.matching import candidates
from dupfinder.core.matching import scaled_candidates as sc
from dupfinder.core.matching.candidates import (
    CROP_UPSCALE,
    PARTIAL_DHASH_BITS,
    PARTIAL_RADIUS_BITS,
    TURNED_RADIUS_BITS,
    WINDOW_RADIUS_BITS,
    merge_rows,
)
from dupfinder.core.matching.differences import inverse_turn
from dupfinder.core.matching.windows import CROP_WINDOWS, WINDOWS
from dupfinder.core.models import FileEntry, Fingerprint, ImageRecord

CENTRES = 3_000
KINDS = ("centre", "near", "turned", "crop", "covered", "unique")
MAX_DISTANCE = 18  # the default scan's loosest plain distance (loose preset + margin)


def _noise(rng, shape, mean: float, clip: int) -> np.ndarray:
    """uint64 masks with about Poisson(mean) bits set (at most clip)."""
    flips = np.minimum(rng.poisson(mean, shape), clip)
    mask = np.zeros(shape, np.uint64)
    for f in range(clip):
        bit = np.uint64(1) << rng.integers(0, 64, shape).astype(np.uint64)
        mask |= np.where(f < flips, bit, np.uint64(0))
    return mask


def _random(rng, shape) -> np.ndarray:
    return rng.integers(0, 2**64 - 1, shape, dtype=np.uint64, endpoint=True)


def generate(count: int, kind: str, seed: int = 0):
    """(full hash arrays, cluster id per image (-1 unique), kind index per image)."""
    rng = np.random.default_rng(seed)
    turns, windows = len(TURNS), len(WINDOWS)
    h = {
        "phash": _random(rng, count), "dhash": _random(rng, count),
        "turned_p": _random(rng, (count, turns)), "turned_d": _random(rng, (count, turns)),
        "window_p": _random(rng, (count, windows)), "window_d": _random(rng, (count, windows)),
    }  # fmt: skip
    width, height = np.full(count, 4000.0), np.full(count, 3000.0)
    cluster = np.full(count, -1, np.int64)
    what = np.full(count, KINDS.index("unique"), np.int8)
    if kind == "uniform":
        copies = count // 100
        centres = rng.choice(count - copies, copies, replace=False)
        members = np.arange(count - copies, count)
        cluster[centres] = cluster[members] = np.arange(copies)
        what[centres], what[members] = KINDS.index("centre"), KINDS.index("near")
        source = centres
    else:
        sizes = np.maximum(2, (rng.pareto(1.2, CENTRES) + 1) * 8).astype(np.int64)
        sizes = np.maximum(2, np.round(sizes * count / sizes.sum()).astype(np.int64))
        ids = np.repeat(np.arange(CENTRES), sizes)[:count]
        cluster[: len(ids)] = ids
        first = np.r_[True, ids[1:] != ids[:-1]]
        centres = np.flatnonzero(first)
        members = np.flatnonzero(~first)
        what[centres] = KINDS.index("centre")
        share = rng.random(len(members))
        what[members] = np.select(
            [share < 0.80, share < 0.88, share < 0.96], [KINDS.index(k) for k in ("near", "turned", "crop")],
            KINDS.index("covered"),
        )  # fmt: skip
        source = centres[ids[members]]
    m, src = members, source if kind == "uniform" else centres[cluster[members]]
    near = what[m] == KINDS.index("near")
    for name in h:
        values = h[name]
        values[m[near]] = values[src[near]] ^ _noise(rng, values[src[near]].shape, 3.0, 10)
    turned = np.flatnonzero(what[m] == KINDS.index("turned"))
    t = rng.integers(0, turns, len(turned))
    a, s = m[turned], src[turned]
    h["phash"][a] = h["turned_p"][s, t] ^ _noise(rng, len(a), 3.0, 10)
    h["dhash"][a] = h["turned_d"][s, t] ^ _noise(rng, len(a), 3.0, 10)
    back = inverse_turn(t + 1).astype(np.int64) - 1
    h["turned_p"][a, back] = h["phash"][s] ^ _noise(rng, len(a), 3.0, 10)
    h["turned_d"][a, back] = h["dhash"][s] ^ _noise(rng, len(a), 3.0, 10)
    crop = np.flatnonzero(what[m] == KINDS.index("crop"))
    w = rng.integers(0, CROP_WINDOWS, len(crop))
    a, s = m[crop], src[crop]
    h["phash"][a] = h["window_p"][s, w] ^ _noise(rng, len(a), 3.0, 10)
    box = np.array(WINDOWS)[w]
    width[a], height[a] = width[s] * (box[:, 2] - box[:, 0]), height[s] * (box[:, 3] - box[:, 1])
    covered = np.flatnonzero(what[m] == KINDS.index("covered"))
    k = rng.integers(CROP_WINDOWS, windows, len(covered))
    a, s = m[covered], src[covered]
    h["window_p"][a, k] = h["window_p"][s, k] ^ _noise(rng, len(a), 2.0, 8)
    h["window_d"][a, k] = h["window_d"][s, k] ^ _noise(rng, len(a), 2.0, 10)
    order = rng.permutation(count)
    return {name: v[order] for name, v in h.items()}, cluster[order], what[order], width[order], height[order]


def hashes_for(h, width, height) -> sc.RouteHashes:
    return sc.RouteHashes(
        h["phash"], h["dhash"], width, height,
        lambda rows: (h["turned_p"][rows], h["turned_d"][rows]),
        lambda rows, columns: (h["window_p"][np.ix_(rows, columns)], h["window_d"][np.ix_(rows, columns)]),
    )  # fmt: skip


def scaled_search(h, width, height, count: int):
    radii = sc.Radii(MAX_DISTANCE, TURNED_RADIUS_BITS, WINDOW_RADIUS_BITS, PARTIAL_RADIUS_BITS, PARTIAL_DHASH_BITS,
                     CROP_UPSCALE)  # fmt: skip
    plans = []
    real_plan = sc.edited_plan

    def spy(*args, **kwargs):
        plans.append(real_plan(*args, **kwargs))
        return plans[-1]

    sc.edited_plan = spy
    try:
        started = time.perf_counter()
        rows = sc.scaled_routes(hashes_for(h, width, height), [None] * count, radii, len(TURNS), lambda rows: None)
        found = merge_rows(rows, count, 12)
        seconds = time.perf_counter() - started
    finally:
        sc.edited_plan = real_plan
    plan = plans[-1]
    label = (f"tables {len(sc.plain_tables(count))}/{len(plan.turned)}/{len(plan.crop)}x{len(plan.crop_windows)}w/"
             f"{len(plan.partial)}x{len(plan.partial_windows)}w")  # fmt: skip
    return seconds, found, label


def exact_search(h, width, height, count: int):
    images = [
        ImageRecord(
            FileEntry(f"/d/{i}.jpg", 1, 0, 1, i),
            Fingerprint(
                int(width[i]),
                int(height[i]),
                "JPEG",
                0,
                int(h["phash"][i]),
                int(h["dhash"][i]),
                0,
                turned_phash=tuple(h["turned_p"][i].tolist()),
                turned_dhash=tuple(h["turned_d"][i].tolist()),
                window_phash=tuple(h["window_p"][i].tolist()),
                window_dhash=tuple(h["window_d"][i].tolist()),
                detail=20.0,
            ),
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    limit, candidates.EXACT_MAX_IMAGES = candidates.EXACT_MAX_IMAGES, count
    try:
        found = candidates.find_candidates(images, MAX_DISTANCE, plain_preferred_bits=12)
    finally:
        candidates.EXACT_MAX_IMAGES = limit
    return time.perf_counter() - started, found


def linked(found, cluster, what) -> dict[str, float]:
    """Per kind of copy: the share with a candidate pair to an image of its own cluster (centre or re-encoded)."""
    count = len(cluster)
    good = np.isin(what, [KINDS.index("centre"), KINDS.index("near")])
    same = (cluster[found.left] == cluster[found.right]) & (cluster[found.left] >= 0)
    hit = np.zeros(count, bool)
    hit[found.left[same & good[found.right]]] = True
    hit[found.right[same & good[found.left]]] = True
    out = {}
    for name in ("near", "turned", "crop", "covered"):
        rows = what == KINDS.index(name)
        if rows.any():
            out[name] = float(hit[rows].mean())
    out["cross"] = int(np.count_nonzero(~same))
    return out


def current_rss_mb() -> float:
    """Resident now; also resets the peak (Linux: clear_refs 5), so peak_rss_mb() then covers the search only."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--kinds", nargs="+", default=["uniform", "clustered"])
    args = parser.parse_args()
    print("| images | kind | method | search s | pairs/image | near | turned | crop | covered | cross "
          "| RSS before/peak of the search, MiB |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for count in args.sizes:
        for kind in args.kinds:
            h, cluster, what, width, height = generate(count, kind)
            rows = []
            if count <= 10_000:
                before = current_rss_mb()
                seconds, found = exact_search(h, width, height, count)
                rows.append(("exact", seconds, found, before, peak_rss_mb()))
            before = current_rss_mb()
            seconds, found, label = scaled_search(h, width, height, count)
            rows.append((label, seconds, found, before, peak_rss_mb()))
            for method, seconds, found, before, peak in rows:
                got = linked(found, cluster, what)
                cells = [f"{got[k]:.3f}" if k in got else "-" for k in ("near", "turned", "crop", "covered")]
                rss = f"{before:.0f}/{peak:.0f}"
                print(f"| {count:,} | {kind} | {method} | {seconds:.2f} | {len(found) / count:.2f} | "
                      f"{' | '.join(cells)} | {got['cross']:,} | {rss} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
