"""A scan of many small images through the real CLI: time per phase, images/s, peak RSS, groups, no fd leak.

    PYTHONPATH=. /work/main/.venv/bin/python tests/benchmarks/bench_many_files.py --files 100000 \
        --dir /work/data/many-100k [--source DIR]

Writes FILES small pictures (64-128 px, PNG or JPEG) in folders of 1,000, unless DIR already holds them (kept
between runs: writing 100k takes minutes). Of every ten: an original, a byte copy of it, a resized and re-encoded
copy, a mirrored copy, a cropped copy, and five unrelated originals. Then runs `dupfinder scan DIR` twice in a
fresh process each (cold cache, then warm) on a pseudo-terminal, so the progress bar shows and each phase's start is
timed from it; reports the phases, images/s, the process's peak RSS (getrusage of the child) and the groups found.
`--source DIR` runs another checkout's code (e.g. a baseline), else this one's. In-process run_scan is also checked
for a file handle leak (exit 1).
"""

from __future__ import annotations

import argparse
import itertools
import os
import pty
import random
import re
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageOps

STAGES = ("Finding files", "Fingerprinting", "Comparing", "Confirming matches", "Grouping")


def make_files(folder: Path, count: int) -> None:
    rng = random.Random(7)
    original = None
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        kind = n % 10
        path = sub / f"img{n:06d}"
        if kind == 0 or kind >= 5:  # an original: smooth random blobs, detail at every scale
            width = rng.randint(64, 128)
            height = rng.randint(48, 128)
            noise = Image.frombytes("RGB", (8, 6), rng.randbytes(8 * 6 * 3)).resize((width // 2, height // 2))
            fine = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
            picture = Image.blend(noise.resize((width, height), Image.Resampling.BICUBIC), fine, 0.15)
            suffix = ".png" if rng.random() < 0.3 else ".jpg"
            picture.save(path.with_suffix(suffix), quality=92)
            if kind == 0:
                original = (picture, path.with_suffix(suffix))
            continue
        picture, first = original
        if kind == 1:
            path.with_suffix(first.suffix).write_bytes(first.read_bytes())
        elif kind == 2:
            picture.resize((picture.width * 3 // 4, picture.height * 3 // 4)).save(path.with_suffix(".jpg"), quality=80)
        elif kind == 3:
            ImageOps.mirror(picture).save(path.with_suffix(".jpg"), quality=90)
        else:
            w, h = picture.size
            picture.crop((w // 12, h // 12, w - w // 12, h - h // 12)).save(path.with_suffix(".jpg"), quality=90)


def run_cli(source: Path, folder: Path, cache: Path) -> dict:
    """`dupfinder scan` in a child process on a pty: phase start times (from the progress bar), wall, peak RSS."""
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(source), LANG="C", LC_ALL="C", LANGUAGE="en", COLUMNS="120")
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "dupfinder", "scan", str(folder), "--cache", str(cache), "--quiet"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=tempfile.gettempdir(),
    )  # fmt: skip
    os.close(slave)
    seen: dict[str, float] = {}
    chunks = []
    stdout = child.stdout
    while True:
        ready, _, _ = select.select([master, stdout], [], [], 1.0)
        if master in ready:
            try:
                text = os.read(master, 65536).decode("utf-8", "replace")
            except OSError:
                text = ""
            for stage in STAGES:
                if stage not in seen and stage in text:
                    seen[stage] = time.monotonic() - started
        if stdout in ready:
            data = stdout.read1(65536)
            if not data:
                break
            chunks.append(data)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    os.close(master)
    out = b"".join(chunks).decode("utf-8", "replace")
    groups = re.search(r"Groups: ([\d,]+)", out)
    return {"wall": wall, "phases": seen, "rss_mb": usage.ru_maxrss / 1024, "summary": out.strip().splitlines()[-3:],
            "groups": groups.group(1) if groups else "?", "rc": os.waitstatus_to_exitcode(status)}  # fmt: skip


def phase_spans(run: dict) -> str:
    """run_cli's phase start times as "phase N s" spans, in the order they began."""
    marks = [*sorted(run["phases"].items(), key=lambda kv: kv[1]), ("end", run["wall"])]
    return ", ".join(f"{a} {t1 - t0:.1f} s" for (a, t0), (_, t1) in itertools.pairwise(marks))


def fd_leak_check(folder: Path) -> bool:
    from dupfinder.core.options import ScanOptions
    from dupfinder.core.scanner import run_scan

    with tempfile.TemporaryDirectory(prefix="dupfinder-many-") as temp:
        before = len(os.listdir("/proc/self/fd"))
        run_scan(ScanOptions(roots=(str(folder),), cache_path=str(Path(temp) / "cache.sqlite3"), confirm=False))
        after = len(os.listdir("/proc/self/fd"))
    print(f"in-process hash-only scan: open fds {before} before, {after} after")
    return after <= before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, required=True, help="the pictures (written there once, then reused)")
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--skip-fd-check", action="store_true")
    args = parser.parse_args()
    done = args.dir.with_name(args.dir.name + ".complete")
    if not done.exists() or done.read_text().strip() != str(args.files):
        started = time.monotonic()
        make_files(args.dir, args.files)
        done.write_text(f"{args.files}\n")
        print(f"wrote {args.files:,} files in {time.monotonic() - started:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="dupfinder-many-") as temp:
        cache = Path(temp) / "cache.sqlite3"
        for label in ("cold", "warm"):
            run = run_cli(args.source, args.dir, cache)
            print(f"{label}: wall {run['wall']:.1f} s ({args.files / run['wall']:,.0f} images/s), "
                  f"peak RSS {run['rss_mb']:.0f} MB, {run['groups']} groups, rc {run['rc']}", flush=True)  # fmt: skip
            print(f"  phases: {phase_spans(run)}", flush=True)
            print("  " + " | ".join(run["summary"]), flush=True)
    return 0 if args.skip_fd_check or fd_leak_check(args.dir) else 1


if __name__ == "__main__":
    sys.exit(main())
