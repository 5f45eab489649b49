"""Fingerprinting throughput: the plain scan (threads on this machine) against a Dask LocalCluster, same files.

    python tests/benchmarks/bench_dask.py FOLDER [--rounds 2] [--workers 2]

Both scans run without the cache, interleaved, and print images per second with the ratio to the plain scan. On
one machine a LocalCluster can only add overhead (pickling, scheduling); the figure says how much, which is what a
cluster of N such machines has to win back.
"""

from __future__ import annotations

import argparse
import statistics
import time

from distributed import LocalCluster

from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan


def timed(options: ScanOptions) -> tuple[float, int]:
    started = time.perf_counter()
    result = run_scan(options)
    return time.perf_counter() - started, result.stats.images_fingerprinted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (one thread each)")
    args = parser.parse_args()
    with LocalCluster(
        n_workers=args.workers, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as cluster:
        plain = ScanOptions(roots=(args.folder,), use_cache=False)
        dask = ScanOptions(roots=(args.folder,), use_cache=False, dask_scheduler=cluster.scheduler_address)
        timed(dask)  # warm the workers' imports once
        rows: dict[str, list[float]] = {"plain": [], "dask": []}
        count = 0
        for _ in range(args.rounds):
            for name, options in (("plain", plain), ("dask", dask)):
                seconds, count = timed(options)
                rows[name].append(seconds)
    base = statistics.median(rows["plain"])
    for name, times in rows.items():
        median = statistics.median(times)
        print(f"{name:6} {count / median:8.1f} images/s  median {median:6.2f} s  {median / base:4.2f}x the plain time")


if __name__ == "__main__":
    main()
