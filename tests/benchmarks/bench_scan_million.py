"""A warm rescan of a million-file data set through the real CLI: peak RSS and time per phase.

    PYTHONPATH=. /work/main/.venv/bin/python tests/benchmarks/bench_scan_million.py --dir /work/data/million \
        [--files 1000000] [--kind clustered|uniform] [--source CHECKOUT ...]

Decoding a million pictures takes this machine hours, and what grows with the data set's size is what the scan holds
after decoding: its records, the pair search, the second measure's bookkeeping, the groups. So this bench makes the
state a rescan meets: FILES sparse files named .jpg (folders of 1,000; unique sizes, except byte-identical copies;
a line of text, then a hole: they take no disk), and a fingerprint cache that knows all of them, with the fingerprints
of bench_pair_search's generator (uniform, or clustered: near-copies, turned, cropped and covered copies of 3,000
centres), 5 % of the near-copies made byte-identical copies. Both are made once and kept (the cache is copied for
each run, so every run meets the same one). Then `dupfinder scan DIR` runs for each `--source` (a checkout; default
this one) in a child process on a pseudo-terminal: peak RSS (getrusage of the child), wall time, phase times. The
second measure finds no picture in the files (they are not pictures): its bookkeeping runs, its decoding fails fast.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_many_files import phase_spans, run_cli
from bench_pair_search import KINDS, generate

BYTE_COPY_SHARE = 0.05  # of the near-copies


def make_data(folder: Path, cache: Path, count: int, kind: str) -> None:
    from dupfinder.core.cache import FingerprintCache
    from dupfinder.core.discovery import discover
    from dupfinder.core.fingerprint import FINGERPRINT_RECIPE
    from dupfinder.core.models import Fingerprint
    from dupfinder.core.options import ScanOptions

    started = time.monotonic()
    h, cluster, what, width, height = generate(count, kind)
    rng = np.random.default_rng(5)
    source = np.full(count, -1, np.int64)
    centre_of = {}
    for i in np.flatnonzero(what == KINDS.index("centre")).tolist():
        centre_of[int(cluster[i])] = i
    near = np.flatnonzero((what == KINDS.index("near")) & (rng.random(count) < BYTE_COPY_SHARE))
    source[near] = [centre_of[int(c)] for c in cluster[near].tolist()]
    for name in h:  # a byte copy has its original's fingerprint
        h[name][near] = h[name][source[near]]
    width[near], height[near] = width[source[near]], height[source[near]]
    other = rng.integers(0, 2**63, (count, 2)).tolist()
    for n in range(count):
        sub = folder / f"{n // 1000:04d}"
        if n % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        twin = int(source[n])
        size = 4096 + (twin if twin >= 0 else n)
        with open(sub / f"img{n:07d}.jpg", "wb") as f:
            f.write(b"not a picture %d" % (twin if twin >= 0 else n))
            f.truncate(size)
    print(f"wrote {count:,} files in {time.monotonic() - started:.0f} s", flush=True)
    entries, problems = discover(ScanOptions(roots=(str(folder),)))
    assert len(entries) == count and not problems, (len(entries), problems[:3])
    row = {e.path: int(Path(e.path).stem[3:]) for e in entries}
    turned_p, turned_d = h["turned_p"].astype(">u8"), h["turned_d"].astype(">u8")
    window_p, window_d = h["window_p"].astype(">u8"), h["window_d"].astype(">u8")

    def fingerprints():
        for e in entries:
            n = row[e.path]
            yield e, Fingerprint(
                int(width[n]), int(height[n]), "JPEG", other[n][0], int(h["phash"][n]), int(h["dhash"][n]),
                other[n][1], None, turned_p[n].tobytes(), turned_d[n].tobytes(), window_p[n].tobytes(),
                window_d[n].tobytes(), 30.0,
            )  # fmt: skip

    with FingerprintCache(cache, FINGERPRINT_RECIPE) as store:
        store.store(fingerprints())
    print(f"data set ready in {time.monotonic() - started:.0f} s ({cache.stat().st_size / 2**20:,.0f} MiB cache)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=("clustered", "uniform"), default="clustered")
    parser.add_argument("--dir", type=Path, required=True, help="the files (made there once, then reused)")
    parser.add_argument("--source", type=Path, action="append", help="a checkout to run (repeatable)")
    args = parser.parse_args()
    sources = [s.resolve() for s in args.source or [Path(__file__).parents[2]]]  # the child runs elsewhere
    cache = args.dir.with_name(args.dir.name + ".cache.sqlite3")
    done = args.dir.with_name(args.dir.name + ".complete")
    label = f"{args.files} {args.kind}"
    if not done.exists() or done.read_text().strip() != label:
        shutil.rmtree(args.dir, ignore_errors=True)
        cache.unlink(missing_ok=True)
        make_data(args.dir, cache, args.files, args.kind)
        done.write_text(label + "\n")
    print(f"{args.files:,} files, {args.kind}; load average {os.getloadavg()[0]:.1f}", flush=True)
    for source in sources:
        with tempfile.TemporaryDirectory(prefix="dupfinder-million-", dir=args.dir.parent) as temp:
            copy = Path(temp) / "cache.sqlite3"
            shutil.copyfile(cache, copy)
            run = run_cli(source, args.dir, copy)
        print(f"{source}: wall {run['wall']:.1f} s, peak RSS {run['rss_mb']:,.0f} MB, {run['groups']} groups, "
              f"rc {run['rc']}; load average after {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        print(f"  phases: {phase_spans(run)}", flush=True)
        print("  " + " | ".join(run["summary"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
