"""A scan of many tiny images: bounded memory, no file handle leak.

    /work/venv/bin/python tests/benchmarks/bench_many_files.py --files 50000

Writes FILES tiny PNG/JPEG pictures (every tenth a byte copy of the one before, every tenth+1 a resized copy) in
folders of 1,000, then runs run_scan twice (cold, then from the cache) and regroup. Reports elapsed time, peak RSS
(resource.getrusage) and the open file descriptors (/proc/self/fd) before and after; exits 1 on an fd leak.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from dupfinder.core.grouping import regroup
from dupfinder.core.options import Preset, ScanOptions, preset_distance
from dupfinder.core.scanner import run_scan


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_files(folder: Path, count: int) -> None:
    rng = random.Random(7)
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"img{n:06d}.png"
        first = sub / f"img{n - n % 10:06d}.png"  # the picture written at n % 10 == 0
        if n % 10 == 1:
            shutil.copy2(first, path)
            continue
        if n % 10 == 2:
            with Image.open(first) as im:
                im.resize((16, 12)).save(path.with_suffix(".jpg"), quality=90)
            continue
        noise = Image.frombytes("RGB", (8, 6), rng.randbytes(8 * 6 * 3))  # unrelated pictures, unrelated hashes
        noise.resize((32, 24), Image.Resampling.BICUBIC).save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, help="reuse (or create) the pictures here instead of a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dupfinder-many-") as temp:
        folder = args.dir or Path(temp) / "pictures"
        if not folder.is_dir() or not any(folder.iterdir()):
            started = time.monotonic()
            make_files(folder, args.files)
            print(f"wrote {args.files:,} files in {time.monotonic() - started:.1f} s")
        options = ScanOptions(roots=(str(folder),), cache_path=str(Path(temp) / "cache.sqlite3"))
        fds_before, rss_before = open_fds(), peak_rss_mb()
        print(f"before: {fds_before} open fds, peak RSS {rss_before:.0f} MB")
        for label in ("cold", "cached"):
            started = time.monotonic()
            result = run_scan(options)
            scanned = time.monotonic() - started
            started = time.monotonic()
            groups = regroup(result, preset_distance(Preset.NORMAL, options.hash_kind))
            grouped = time.monotonic() - started
            print(
                f"{label}: {len(result.images):,} images ({result.stats.images_from_cache:,} from cache), "
                f"{len(result.problems)} problems, {len(result.pairs):,} pairs, {len(groups):,} groups; "
                f"run_scan {scanned:.1f} s ({len(result.images) / scanned:,.0f}/s), regroup {grouped:.2f} s; "
                f"peak RSS {peak_rss_mb():.0f} MB, open fds {open_fds()}"
            )
        del result, groups
        fds_after = open_fds()
    print(f"after: {fds_after} open fds (before: {fds_before}); peak RSS {peak_rss_mb():.0f} MB")
    return 0 if fds_after <= fds_before else 1


if __name__ == "__main__":
    sys.exit(main())
