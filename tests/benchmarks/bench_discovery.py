"""Time discovery of a generated tree of tiny files (default 50,000 in 500 folders).

Run: /work/venv/bin/python tests/benchmarks/bench_discovery.py [files] [folder]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from dupfinder.core.discovery import discover
from dupfinder.core.options import ScanOptions


def make_tree(root: str, files: int, per_folder: int = 100) -> None:
    for i in range(files):
        folder = os.path.join(root, f"year{i // 10000}", f"album{i // per_folder:04d}")
        if i % per_folder == 0:
            os.makedirs(folder, exist_ok=True)
        name = f"IMG_{i:06d}.jpg" if i % 10 else f"note_{i:06d}.txt"
        with open(os.path.join(folder, name), "wb") as f:
            f.write(b"x")


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        root = sys.argv[2] if len(sys.argv) > 2 else tmp
        if not os.listdir(root):
            t0 = time.perf_counter()
            make_tree(root, files)
            print(f"made {files} files in {time.perf_counter() - t0:.1f} s")
        options = ScanOptions(roots=(root,))
        for run in range(3):
            t0 = time.perf_counter()
            entries, problems = discover(options, progress=lambda e: None)
            elapsed = time.perf_counter() - t0
            print(f"run {run}: {len(entries)} image files, {len(problems)} problems in {elapsed:.3f} s")


if __name__ == "__main__":
    main()
