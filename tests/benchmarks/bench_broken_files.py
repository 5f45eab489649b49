"""Rescanning a folder of broken files: cold (nothing cached) against warm (the failures remembered).

    python tests/benchmarks/bench_broken_files.py --files 20000                # this tree
    python tests/benchmarks/bench_broken_files.py --files 20000 --tree OLD     # another checkout (its dupfinder/)

Writes FILES broken pictures in folders of 1,000 (truncated JPEGs and PNGs, damaged headers, text named .jpg,
empty files, in turn), syncs, then runs `dupfinder scan` twice on them with one cache file, each in a fresh process, and
prints both times and the number of files skipped.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCAN = """
import json, sys
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan
result = run_scan(ScanOptions((sys.argv[1],), cache_path=sys.argv[2]))
print(json.dumps({"skipped": result.stats.skipped, "images": len(result.images), "warnings": list(result.warnings)}))
"""


def make_files(folder: Path, count: int) -> None:
    from PIL import Image

    picture = Image.radial_gradient("L").resize((320, 240)).convert("RGB")
    jpeg, png = io.BytesIO(), io.BytesIO()
    picture.save(jpeg, "JPEG", quality=85)
    picture.save(png, "PNG")
    broken = [
        ("jpg", jpeg.getvalue()[: len(jpeg.getvalue()) // 2]),
        ("png", png.getvalue()[: len(png.getvalue()) // 2]),
        ("png", png.getvalue()[:16] + b"\x00" * 16 + png.getvalue()[32:]),
        ("jpg", b"not a picture at all\n" * 20),
        ("jpg", b""),
    ]
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(exist_ok=True)
        ext, data = broken[n % len(broken)]
        (sub / f"{n:06d}.{ext}").write_bytes(data + n.to_bytes(4, "big") if data else data)


def scan(folder: Path, cache: Path, tree: Path) -> tuple[float, dict]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", SCAN, str(folder), str(cache)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        check=True,
    )
    return time.monotonic() - started, json.loads(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--tree", type=Path, default=ROOT, help="a checkout whose dupfinder/ is measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "broken", Path(tmp) / "cache" / "fingerprints.sqlite3"
        folder.mkdir()
        make_files(folder, args.files)
        os.sync()  # else the cache's first fsync pays for writing out all those new files (ext4 journal)
        for label in ("cold", "warm"):
            elapsed, report = scan(folder, cache, args.tree.resolve())
            print(f"{label}: {elapsed:.1f} s, {report['skipped']:,} skipped, {report['images']} images")


if __name__ == "__main__":
    main()
