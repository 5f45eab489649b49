"""Whole-scan throughput on a folder, cold and warm fingerprint cache, against the naive baseline and the decode floor.

    python tests/benchmarks/bench_scan.py FOLDER [--baseline-limit 100]

In one run (files read once first, so the OS page cache is warm for every phase):
- naive baseline: Image.open + imagehash.phash on the fully decoded image, one core (first --baseline-limit files);
- decode floor: Pillow draft-decoding every file on all cores, nothing else;
- run_scan with an empty fingerprint cache (cold), then again with the cache it filled (warm);
- regroup at the normal preset from the stored pairs.
Prints images/s, ratios against the floor and the baseline, the CPU seconds of the floor and the cold scan, and peak
RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from bench_fingerprint import draft_decode, image_files, naive_phash, run_bounded, warm_cache

from dupfinder.core.grouping import regroup
from dupfinder.core.options import Preset, ScanOptions, preset_distance
from dupfinder.core.scanner import run_scan


def cpu_s() -> float:
    """CPU seconds (user + system) this process used so far: on a machine shared with other jobs, the floor and the
    cold scan compare more steadily this way than by wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--baseline-limit", type=int, default=100)
    args = parser.parse_args()
    paths = image_files(args.folder)
    if not paths:
        print(f"no image files under {args.folder}", file=sys.stderr)
        return 1
    gigabytes = warm_cache(paths) / 1e9
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"{len(paths)} files, {gigabytes:.2f} GB, {workers} cores")

    sample = paths[: args.baseline_limit]
    start = time.perf_counter()
    for path in sample:
        naive_phash(path)
    naive_rate = len(sample) / (time.perf_counter() - start)

    start, start_cpu = time.perf_counter(), cpu_s()
    with ThreadPoolExecutor(workers) as executor:
        run_bounded(executor, draft_decode, paths, workers * 4)
    floor_s, floor_cpu = time.perf_counter() - start, cpu_s() - start_cpu

    with tempfile.TemporaryDirectory() as cache_dir:
        options = ScanOptions((args.folder,), cache_path=os.path.join(cache_dir, "bench.sqlite3"))
        start_cpu = cpu_s()
        cold = run_scan(options)
        cold_cpu = cpu_s() - start_cpu
        warm = run_scan(options)
    distance = preset_distance(Preset.NORMAL, options.hash_kind)
    start = time.perf_counter()
    groups = regroup(warm, distance)
    regroup_s = time.perf_counter() - start

    floor_rate = len(paths) / floor_s
    rows = [
        ("naive baseline (1 core, full decode + phash)", naive_rate, None),
        ("decode floor (draft decode, all cores)", floor_rate, floor_s),
        ("dupfinder scan, cold cache", len(paths) / cold.stats.elapsed_s, cold.stats.elapsed_s),
        ("dupfinder scan, warm cache", len(paths) / warm.stats.elapsed_s, warm.stats.elapsed_s),
    ]
    for name, rate, seconds in rows:
        vs_floor = f"{seconds / floor_s:5.2f}x floor time" if seconds else " " * 16
        print(f"{name:<46} {rate:9.1f} img/s  {vs_floor}  {rate / naive_rate:6.1f}x baseline speed")
    print(
        f"cold scan: {cold.stats.images_fingerprinted} decoded, {len(cold.problems)} skipped, "
        f"{len(cold.pairs)} pairs; warm scan: {warm.stats.images_from_cache} from cache"
    )
    print(f"CPU seconds: decode floor {floor_cpu:.1f}, cold scan {cold_cpu:.1f} ({cold_cpu / floor_cpu:.2f}x)")
    print(f"regroup at normal ({distance} bits): {len(groups)} groups in {regroup_s * 1000:.1f} ms")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
