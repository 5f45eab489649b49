"""Peak memory of a real scan of huge-but-small files: the audit's 20000 x 20000 progressive JPEG (2.7 MB on disk,
four at once) and 169 MP PNG, TIFF and GIF files.

    python tests/benchmarks/bench_decode_memory.py --make /tmp/bigfiles        # once, takes a minute and ~3 GB
    python tests/benchmarks/bench_decode_memory.py /tmp/bigfiles               # this tree
    python tests/benchmarks/bench_decode_memory.py /tmp/bigfiles --tree OLD    # another checkout (its dupfinder/)

Each folder of DIR is scanned by `dupfinder scan FOLDER --no-cache --workers 4` in a fresh process, which reports its
own peak RSS (VmHWM: ru_maxrss would include the forking parent's), the time, and what it said on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCAN = """
import contextlib, io, json, sys
from dupfinder.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["scan", sys.argv[1], "--no-cache", "--workers", "4", "-q", "--no-progress"])
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
problems = [line.strip() for line in out.getvalue().splitlines() if line.startswith("  ")]
print(json.dumps({"code": code, "peak_bytes": peak, "problems": problems}), file=sys.__stdout__)
"""


def make(folder: Path) -> None:
    """Smooth pictures (tiny noise blown up), so the files stay small while their pixel counts are huge."""
    import numpy as np
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    rng = np.random.default_rng(1)
    jpegs, others = folder / "progressive-jpeg-x4", folder / "169mp-png-tiff-gif"
    jpegs.mkdir(parents=True, exist_ok=True)
    others.mkdir(parents=True, exist_ok=True)
    seed = Image.fromarray(rng.integers(0, 256, (5, 6, 3), dtype=np.uint8), "RGB")
    big = seed.resize((20000, 20000), Image.Resampling.BILINEAR)
    big.save(jpegs / "0.jpg", quality=70, progressive=True)
    del big
    for n in range(1, 4):
        shutil.copyfile(jpegs / "0.jpg", jpegs / f"{n}.jpg")
    big = seed.resize((13000, 13000), Image.Resampling.BILINEAR)
    big.save(others / "a.png", compress_level=6)
    big.save(others / "b.tiff", compression="tiff_adobe_deflate")
    big.quantize(64).save(others / "c.gif")
    for path in sorted(folder.rglob("*.*")):
        print(f"{path.relative_to(folder)}: {path.stat().st_size / 1e6:.1f} MB")


def measure(folder: Path, tree: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", SCAN, str(folder)], capture_output=True, text=True, env=env, cwd=tree, check=True
    )
    report = json.loads(run.stdout.strip().splitlines()[-1])
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    report["stderr"] = run.stderr.strip()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--make", action="store_true", help="write the files into FOLDER")
    parser.add_argument("--tree", type=Path, default=ROOT, help="a checkout whose dupfinder/ is measured")
    args = parser.parse_args()
    if args.make:
        make(args.folder)
        return
    for sub in sorted(p for p in args.folder.iterdir() if p.is_dir()):
        r = measure(sub, args.tree.resolve())
        print(f"{sub.name}: peak RSS {r['peak_bytes'] / 2**20:,.0f} MiB, {r['elapsed_s']} s, exit {r['code']}")
        for line in r["problems"]:
            print(f"    {line}")
        if r["stderr"]:
            print("    stderr: " + r["stderr"].replace("\n", "\n            "))


if __name__ == "__main__":
    main()
