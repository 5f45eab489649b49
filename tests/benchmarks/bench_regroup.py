"""Regroup speed and the memory of a scan result at dataset scale, on generated images and pairs.

    PYTHONPATH=. /work/main/.venv/bin/python tests/benchmarks/bench_regroup.py [--sizes 10000 100000 1000000]
        [--kinds uniform clustered]

Per size and kind, in a fresh child process each (so that peak RSS is that case's own): builds N ImageRecords as a
warm scan does (cache._fingerprint_from on the cache's blobs: every upright, turned and window hash), then a Pairs
object filled as matching.pipeline.matched_pairs fills it (verdict, route, turn, inliers, shares, angle), then times
regroup() at the normal preset (the first regroup of a result), then at 13 and 14 bits (slider moves; the figure
is the slower), with the cyclic collector frozen after the result is built and after each regroup, as the app
does (gui/scan_actions.py). Kinds: "uniform" (one pair per 5 images, between random images) and "clustered" (60 % of the
images in clusters of near-copies, sizes heavy-tailed: most 2-10, some hundreds; each copy paired with the centre
and with up to 10 others of its cluster, some byte-identical twins). Prints peak RSS after the images, after the
pairs and after the regroups; then the time candidates.hash_table takes for the four turned and window tables;
and a checksum of the groups (equal before and after a change that keeps the grouping). Run another checkout's
code with PYTHONPATH=that/checkout.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import resource
import subprocess
import sys
import time

import numpy as np

STANDARD_SIZES = ((4000, 3000), (3000, 4000), (1920, 1080), (1024, 1024), (800, 600), (1200, 1600))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_images(count: int, rng: np.random.Generator):
    from dupfinder.core.cache import _fingerprint_from
    from dupfinder.core.models import FileEntry, ImageRecord

    hashes = rng.integers(0, 2**63, (count, 4), dtype=np.int64).tolist()
    shapes = rng.integers(0, len(STANDARD_SIZES), count).tolist()
    scale = rng.choice([1.0, 1.0, 1.0, 0.5, 0.75], count).tolist()
    sizes = rng.integers(50_000, 5_000_000, count).tolist()
    formats = rng.choice(["JPEG", "JPEG", "PNG", "WEBP"], count).tolist()
    detail = np.round(rng.uniform(0, 60, count), 2).tolist()
    images = []
    for i in range(count):
        turned = rng.bytes(7 * 2 * 8)  # pHash then dHash in each other orientation, as the cache stores them
        windows = rng.bytes(52 * 2 * 8)  # the same for each crop window
        w, h = STANDARD_SIZES[shapes[i]]
        w, h = int(w * scale[i]), int(h * scale[i])
        fp = _fingerprint_from(w, h, formats[i], *(v.to_bytes(8, "big") for v in hashes[i]), None, turned, windows,
                               detail[i])  # fmt: skip
        entry = FileEntry(f"/data/set/{i // 1000:04d}/img_{i:07d}.jpg", sizes[i], 1_700_000_000_000_000_000 + i,
                          2049, 10_000_000 + i, i % 997 == 0, 1_700_000_000_000_000_000 + i)  # fmt: skip
        images.append(ImageRecord(entry, fp, None))
    return tuple(images)


def make_pair_rows(count: int, kind: str, rng: np.random.Generator):
    """(left, right, distance, identical) with left < right, unique, sorted."""
    if kind == "uniform":
        n = count // 5
        a, b = rng.integers(0, count, n), rng.integers(0, count, n)
        dist = rng.integers(0, 19, n)
        same = np.zeros(n, bool)
    else:
        order = rng.permutation(count)
        sizes = np.minimum(rng.zipf(2.2, count) + 1, 500)
        sizes = sizes[np.cumsum(sizes) <= int(count * 0.6)]
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        a_parts, b_parts, d_parts, s_parts = [], [], [], []
        for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
            members = order[start : start + size]
            centre, copies = members[0], members[1:]
            a_parts.append(np.full(len(copies), centre))
            b_parts.append(copies)
            d_parts.append(rng.integers(0, 11, len(copies)))
            twin = np.zeros(len(copies), bool)
            twin[0] = rng.random() < 0.1
            s_parts.append(twin)
            if len(copies) > 1:
                k = min(10, len(copies) - 1)
                x = np.repeat(copies, k)
                y = copies[rng.integers(0, len(copies), len(x))]
                a_parts.append(x)
                b_parts.append(y)
                d_parts.append(rng.integers(2, 19, len(x)))
                s_parts.append(np.zeros(len(x), bool))
        a, b = np.concatenate(a_parts), np.concatenate(b_parts)
        dist, same = np.concatenate(d_parts), np.concatenate(s_parts)
    keep = a != b
    left, right = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    dist, same = np.where(same[keep], 0, dist[keep]), same[keep]
    keys, first = np.unique(left.astype(np.int64) * count + right, return_index=True)
    return keys // count, keys % count, dist[first], same[first]


def make_pairs(count: int, kind: str, rng: np.random.Generator):
    from dupfinder.core.models import Pairs, Route, Verdict

    left, right, dist, same = make_pair_rows(count, kind, rng)
    n = len(left)
    verdict = rng.choice(
        [Verdict.CONFIRMED, Verdict.HASH_ONLY, Verdict.NO_EVIDENCE, Verdict.REFUTED, Verdict.PIXELS, Verdict.FLAT],
        n, p=[0.6, 0.15, 0.1, 0.1, 0.04, 0.01],
    ).astype(np.uint8)  # fmt: skip
    verdict[same] = Verdict.HASH_ONLY
    route = rng.choice([Route.PLAIN, Route.TURNED, Route.WINDOW, Route.PARTIAL], n, p=[0.8, 0.1, 0.07, 0.03])
    route = route.astype(np.uint8)
    route[same] = Route.PLAIN
    turn = np.where(route == Route.TURNED, rng.integers(1, 8, n), 0).astype(np.uint8)
    kept = lambda: np.where(rng.random(n) < 0.7, 1.0, rng.uniform(0.5, 1.0, n)).astype(np.float32)  # noqa: E731
    return Pairs(
        left.astype(np.int32), right.astype(np.int32), dist.astype(np.uint8), same,
        verdict=verdict, route=route, turn=turn, inliers=rng.integers(0, 400, n).astype(np.uint16),
        coverage=rng.uniform(0, 1, n).astype(np.float32), kept_left=kept(), kept_right=kept(),
        angle=np.where(rng.random(n) < 0.9, 0.0, rng.uniform(-20, 20, n)).astype(np.float32),
        edits=rng.integers(0, 4, n).astype(np.uint8), agreement=rng.uniform(0.5, 1, n).astype(np.float32),
    )  # fmt: skip


def checksum(groups) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for g in groups:
        digest.update(repr((g.keeper, [(m.image, m.distance_bits, m.similarity, m.identical) for m in g.members]))
                      .encode())  # fmt: skip
    return digest.hexdigest()


def one_case(count: int, kind: str) -> None:
    from dupfinder.core.grouping import regroup
    from dupfinder.core.matching.candidates import hash_table
    from dupfinder.core.models import ScanResult

    rng = np.random.default_rng(count + (kind == "clustered"))
    started = time.perf_counter()
    images = make_images(count, rng)
    built = time.perf_counter() - started
    rss_images = peak_rss_mb()
    pairs = make_pairs(count, kind, rng)
    rss_pairs = peak_rss_mb()
    result = ScanResult(("/data/set",), (), images, (), pairs, "phash+dhash", 64, 18, matched_turned=True)
    del images  # a scan keeps its images as columns (ScanResult.images), not as records
    gc.freeze()  # as the app does after a scan and after each regroup (gui/scan_actions.py)
    started = time.perf_counter()
    groups = regroup(result, 12)
    first = time.perf_counter() - started
    gc.freeze()
    moves = []
    for threshold in (13, 14, 12):
        started = time.perf_counter()
        moved = regroup(result, threshold)
        moves.append(time.perf_counter() - started)
        gc.freeze()
    members = sum(len(g.members) for g in groups)
    rss_end = peak_rss_mb()
    started = time.perf_counter()
    names = ("turned_phash", "turned_dhash", "window_phash", "window_dhash")
    tables = [hash_table(result.images, name) for name in names]
    tabled = time.perf_counter() - started
    del tables
    print(f"{count:>9} {kind:<9} {len(pairs):>9} {len(groups):>7} {members:>8} {first:>7.3f} {max(moves):>7.3f} "
          f"{rss_images:>7.0f} {rss_pairs:>7.0f} {rss_end:>7.0f} {built:>6.1f} {tabled:>6.2f} "
          f"{checksum(groups)}/{checksum(moved)}", flush=True)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--kinds", nargs="+", default=["uniform", "clustered"])
    parser.add_argument("--case", nargs=2, help=argparse.SUPPRESS)  # run one case in this process
    args = parser.parse_args()
    if args.case:
        one_case(int(args.case[0]), args.case[1])
        return 0
    print(f"{'images':>9} {'kind':<9} {'pairs':>9} {'groups':>7} {'members':>8} {'first_s':>7} {'move_s':>7} "
          f"{'rss_img':>7} {'rss_prs':>7} {'rss_end':>7} {'build':>6} {'tables':>6} checksum(12)/(12 again)",
          flush=True)  # fmt: skip
    for count in args.sizes:
        for kind in args.kinds:
            subprocess.run([sys.executable, __file__, "--case", str(count), kind], check=True, env=os.environ)
    return 0


if __name__ == "__main__":
    sys.exit(main())
