"""Pair search and regrouping speed on random 64-bit hashes (the worst case: no structure to exploit).

    /work/venv/bin/python tests/benchmarks/bench_grouping.py [--sizes 10000 100000 1000000] [--budget-s 120]

For each N and radius (the PHASH loose preset and 10 bits) it times each method of dupfinder.core.hamming
(brute force, multi-index hashing with 3/4/5 chunks), then find_pairs() end to end (which picks a method by its cost
model), then regroup() from those pairs. A brute-force run whose estimate exceeds --budget-s is timed on a random
subsample and scaled by (N/n)^2 (its cost is exactly quadratic; marked "~"); other runs above budget are skipped.
"""

from __future__ import annotations

import argparse
import math
import resource
import time

import numpy as np

from dupfinder.core import hamming
from dupfinder.core.grouping import find_pairs, regroup
from dupfinder.core.models import FileEntry, Fingerprint, ImageRecord, ScanResult
from dupfinder.core.options import PRESET_DISTANCES, HashKind, Preset

CALIBRATION = 2.0  # measured time / cost-model estimate, roughly, on the machine the model was fitted on


def _estimate_s(method, count: int, r: int) -> float:
    if method == "brute force":
        return count * (count - 1) / 2 * hamming.NS_PER_PAIR_WORD * 1e-9
    chunks = hamming.chunk_layout(1, method, r)
    if chunks is None:
        return math.inf
    cost = 0.0
    for c in chunks:
        masks = sum(math.comb(c.bits, k) for k in range(c.tolerance + 1))
        lookup = hamming.NS_PER_LOOKUP_SMALL if c.bits <= 16 else hamming.NS_PER_LOOKUP_LARGE
        cost += count * masks * (lookup + count / 2**c.bits * hamming.NS_PER_CANDIDATE)
    return cost * 1e-9 * CALIBRATION


def _time(fn) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scan_result(hashes: list[int], pairs, r: int) -> ScanResult:
    images = tuple(
        ImageRecord(
            FileEntry(f"/photos/{i:07d}.jpg", 1000 + i % 977, i, 1, i), Fingerprint(4000, 3000, "JPEG", 0, h, 0, 0)
        )
        for i, h in enumerate(hashes)
    )
    return ScanResult(("/photos",), (), images, (), pairs, "phash", 64, r)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--budget-s", type=float, default=120.0)
    args = parser.parse_args()
    loose = PRESET_DISTANCES[HashKind.PHASH][Preset.LOOSE]
    normal = PRESET_DISTANCES[HashKind.PHASH][Preset.NORMAL]
    rng = np.random.default_rng(1)
    noop = lambda rows: None  # noqa: E731
    print(f"{'N':>9} {'r':>3} {'method':<18} {'seconds':>9} {'pairs':>10}")
    for count in args.sizes:
        words = np.unique(rng.integers(0, 2**64, count, dtype=np.uint64)).reshape(-1, 1)
        for r in (loose, 10):
            for method in ("brute force", 3, 4, 5):
                name = method if method == "brute force" else f"multi-index m={method}"
                estimate = _estimate_s(method, len(words), r)
                if estimate <= args.budget_s:
                    if method == "brute force":
                        seconds, found = _time(lambda w=words, r=r: hamming.brute_force(w, r, noop))
                    else:
                        chunks = hamming.chunk_layout(1, method, r)
                        seconds, found = _time(lambda w=words, r=r, c=chunks: hamming.multi_index(w, r, c, noop))
                    print(f"{count:>9} {r:>3} {name:<18} {seconds:>9.2f} {len(found[0]):>10}", flush=True)
                elif method == "brute force":
                    sample = max(1000, int(len(words) * math.sqrt(args.budget_s / 4 / estimate)))
                    part = rng.choice(words, sample, replace=False)
                    seconds, found = _time(lambda p=part, r=r: hamming.brute_force(p, r, noop))
                    scale = (len(words) / sample) ** 2
                    print(
                        f"{count:>9} {r:>3} {name:<18} ~{seconds * scale:>8.0f} ~{len(found[0]) * scale:>9.0f}"
                        f"  (from n={sample}: {seconds:.2f} s)",
                        flush=True,
                    )
                else:
                    print(f"{count:>9} {r:>3} {name:<18} skipped (estimate {estimate:.0f} s)", flush=True)
            chunks, cost = hamming.plan(len(words), 1, r)
            if cost * 1e-9 * CALIBRATION > args.budget_s:
                print(f"{count:>9} {r:>3} find_pairs skipped (estimate {cost * 1e-9 * CALIBRATION:.0f} s)")
                continue
            hashes = [int(h) for h in words[:, 0]]
            seconds, pairs = _time(lambda h=hashes, r=r: find_pairs(h, [None] * len(h), r))
            chosen = "brute force" if chunks is None else f"multi-index m={len(chunks)}"
            print(f"{count:>9} {r:>3} {'find_pairs':<18} {seconds:>9.2f} {len(pairs):>10}  ({chosen})", flush=True)
            result = _scan_result(hashes, pairs, r)
            for threshold in sorted({normal, r}):
                seconds, groups = _time(lambda res=result, t=threshold: regroup(res, t))
                print(f"{count:>9} {threshold:>3} {'regroup':<18} {seconds:>9.3f} {len(groups):>10} groups", flush=True)
        print(f"peak RSS so far: {_peak_rss_mb():.0f} MB", flush=True)
    # regroup at the size the product promises: 100k images with 300k pairs in clusters of edited copies
    count, r = 100_000, loose
    base = rng.integers(0, 2**64, count // 4, dtype=np.uint64)
    flips = np.zeros(count, np.uint64)
    for _ in range(6):
        flips |= np.uint64(1) << rng.integers(0, 64, count).astype(np.uint64)
    hashes = [int(h) for h in base[rng.integers(0, len(base), count)] ^ flips]
    seconds, pairs = _time(lambda: find_pairs(hashes, [None] * count, r))
    print(f"clustered {count} images: find_pairs {seconds:.2f} s, {len(pairs)} pairs")
    result = _scan_result(hashes, pairs, r)
    for threshold in (normal, r):
        seconds, groups = _time(lambda t=threshold: regroup(result, t))
        print(f"clustered {count} images: regroup at {threshold} bits {seconds:.3f} s, {len(groups)} groups")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
