"""One query against a large fingerprint library: load time and single-query time, full scan vs BK-tree vs MIH.

    PYTHONPATH=/tmp/bkdeps /work/main/.venv/bin/python tests/benchmarks/bench_library_query.py \
        [--size 1000000] [--queries 200] [--radii 6 12 14 18] [--bk-size 100000] [--no-load]

Fingerprints are random 64-bit pHash/dHash values (the worst case for every index: no clusters to exploit), plus a
few planted near-copies per query so every query has matches. For each radius it times, per single query (the
median of --queries queries):

* full scan: dupfinder.core.library.search.within (XOR + np.bitwise_count over n uint64, dHash on the survivors);
* the scan's existing pair search, hamming.pairs_between, called with the query as a one-row block;
* multi-index hashing: hamming.chunk_layout's chunks with prebuilt bucket tables (argsort per chunk), one query's
  masked look-ups, candidates verified on both hashes (build time reported separately);
* BK-tree: pybktree (if importable; `pip install --target /tmp/bkdeps pybktree`) and a small iterative own one, on
  pHash, with dHash checked on the results; built on --bk-size fingerprints (building 1M in Python is minutes) and
  the query time scaled by n/bk-size (a BK-tree at these radii visits a fixed share of its nodes: scaling is linear,
  checked by timing two sizes).

Then (unless --no-load) it writes a real library file with dupfinder.core.library.store, reopens it and reports
the time to open it and load the arrays, and the query time through find's own path. With --keep-library PATH the
file stays, so `time dupfinder find PHOTO --db PATH` measures a whole command.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from dupfinder.core import hamming
from dupfinder.core.library.search import within


def random_library(size: int, queries: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    phash = rng.integers(0, 2**64, size, dtype=np.uint64)
    dhash = rng.integers(0, 2**64, size, dtype=np.uint64)
    picks = rng.choice(size, queries, replace=False)
    # Plant near-copies: flip 3 bits of the picked fingerprints, so every query has a match.
    flips = np.zeros(queries, np.uint64)
    for _ in range(3):
        flips |= np.uint64(1) << rng.integers(0, 64, queries).astype(np.uint64)
    queries_arr = np.stack([phash[picks] ^ flips, dhash[picks] ^ flips], axis=1)
    return phash, dhash, queries_arr


def timed(fn, repeat):
    times = []
    out = None
    for args in repeat:
        start = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


# -- multi-index hashing for one query at a time -------------------------------------------------------------------
class MultiIndex:
    def __init__(self, phash: np.ndarray, dhash: np.ndarray, r: int, per_word: int) -> None:
        self.phash, self.dhash, self.r = phash, dhash, r
        self.chunks = hamming.chunk_layout(1, per_word, r)
        self.tables = []
        for c in self.chunks:
            keys = ((phash >> np.uint64(c.shift)) & np.uint64((1 << c.bits) - 1)).astype(np.int64)
            order = np.argsort(keys, kind="stable").astype(np.int32)
            counts = np.bincount(keys, minlength=1 << c.bits)
            starts = np.concatenate([[0], np.cumsum(counts)])
            self.tables.append((order, starts, hamming._masks(c.bits, c.tolerance)))

    def query(self, p: int, d: int):
        found = []
        for c, (order, starts, masks) in zip(self.chunks, self.tables, strict=True):
            key = (p >> c.shift) & ((1 << c.bits) - 1)
            look = key ^ masks
            lo, hi = starts[look], starts[look + 1]
            sizes = hi - lo
            total = int(sizes.sum())
            if not total:
                continue
            offsets = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes - lo, sizes)
            found.append(order[offsets])
        if not found:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        cand = np.unique(np.concatenate(found))
        dist = np.maximum(
            np.bitwise_count(self.phash[cand] ^ np.uint64(p)), np.bitwise_count(self.dhash[cand] ^ np.uint64(d))
        )
        keep = dist <= self.r
        return cand[keep], dist[keep]


# -- an own BK-tree (iterative, dict children) ---------------------------------------------------------------------
class BKTree:
    def __init__(self, values) -> None:
        it = iter(values)
        first = next(it)
        self.root = (first, {})
        for v in it:
            self.add(v)

    def add(self, value) -> None:
        node = self.root
        while True:
            d = (node[0][0] ^ value[0]).bit_count()
            child = node[1].get(d)
            if child is None:
                node[1][d] = (value, {})
                return
            node = child

    def find(self, value, r: int):
        out = []
        stack = [self.root]
        while stack:
            (v, children) = stack.pop()
            d = (v[0] ^ value[0]).bit_count()
            if d <= r:
                out.append(v)
            for k in range(max(0, d - r), d + r + 1):
                child = children.get(k)
                if child is not None:
                    stack.append(child)
        return out


def bench_search(args) -> None:
    phash, dhash, queries = random_library(args.size, args.queries)
    qs = [(int(q[0]), int(q[1])) for q in queries]
    print(f"{args.size:,} random fingerprints, {args.queries} queries each with a planted 3-bit copy")
    columns = (phash, dhash)
    for r in args.radii:
        full_s, _ = timed(lambda p, d, r=r: within((p, d), columns, r), qs)
        line = [f"r={r:2}: full scan {full_s * 1e3:7.2f} ms"]

        def pair_search(p, d, r=r):  # the scan's own search (hamming.pairs_between) with one query row
            _, k, dist = hamming.pairs_between(np.array([p], np.uint64), phash, r, lambda rows: None)
            return k[np.bitwise_count(dhash[k] ^ np.uint64(d)) <= r], dist

        pair_s, _ = timed(pair_search, qs)
        line.append(f"pairs_between {pair_s * 1e3:7.2f} ms")
        for per_word in (3, 4, 5):
            if hamming.chunk_layout(1, per_word, r) is None:
                continue
            start = time.perf_counter()
            index = MultiIndex(phash, dhash, r, per_word)
            build = time.perf_counter() - start
            mih_s, _ = timed(index.query, qs)
            line.append(f"MIH/{per_word} {mih_s * 1e3:7.2f} ms (build {build:.1f} s)")
            del index
        print(" · ".join(line), flush=True)
    if args.bk_size:
        bench_bk(phash, dhash, qs, args)


def bench_bk(phash, dhash, qs, args) -> None:
    try:
        import pybktree
    except ImportError:
        pybktree = None
    for n in (args.bk_size // 4, args.bk_size):
        values = list(zip(phash[:n].tolist(), dhash[:n].tolist(), strict=True))
        start = time.perf_counter()
        own = BKTree(values)
        own_build = time.perf_counter() - start
        few = qs[: max(5, args.queries // 20)]
        for r in args.radii:

            def own_query(p, d, r=r, own=own):
                return [v for v in own.find((p, d), r) if (v[1] ^ d).bit_count() <= r]

            own_s, _ = timed(own_query, few)
            line = f"BK n={n:,} r={r:2}: own {own_s * 1e3:8.1f} ms (build {own_build:.1f} s)"
            line += f" -> at {args.size:,}: ~{own_s * args.size / n * 1e3:,.0f} ms"
            if pybktree is not None and r in (args.radii[0], 12):
                start = time.perf_counter()
                tree = pybktree.BKTree(lambda a, b: (a[0] ^ b[0]).bit_count(), values)
                build = time.perf_counter() - start
                pyb_s, _ = timed(lambda p, d, r=r, tree=tree: tree.find((p, d), r), few)
                line += (
                    f" · pybktree {pyb_s * 1e3:8.1f} ms (build {build:.1f} s) -> ~{pyb_s * args.size / n * 1e3:,.0f} ms"
                )
            print(line, flush=True)


def bench_load(args) -> None:
    from dupfinder.core.fingerprint import FINGERPRINT_RECIPE
    from dupfinder.core.library.store import FingerprintLibrary, LibraryRow

    rng = np.random.default_rng(2)
    hashes = rng.integers(0, 2**64, (args.size, 4), dtype=np.uint64).tolist()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep_library or os.path.join(folder, "lib.dupfinder-library")
        start = time.perf_counter()
        with FingerprintLibrary.create(path) as library:
            rows = (
                LibraryRow(f"/photos/{i // 1000:04d}/IMG_{i:07d}.jpg", 3_000_000 + i, 1_600_000_000_000_000_000 + i,
                           1_600_000_000_000_000_000 + i, 2049, 10_000 + i, 4032, 3024, "JPEG", None, *h, None)
                for i, h in enumerate(hashes)
            )  # fmt: skip
            library.insert_rows(rows, recipe=FINGERPRINT_RECIPE)
        print(f"wrote {args.size:,} rows in {time.perf_counter() - start:.1f} s "
              f"({os.path.getsize(path) / 2**20:.0f} MiB)")  # fmt: skip
        start = time.perf_counter()
        with FingerprintLibrary.open(path) as library:
            opened = time.perf_counter() - start
            index = library.load_index()
            loaded = time.perf_counter() - start
            print(f"open {opened * 1e3:.0f} ms · open + load arrays {loaded:.2f} s")
            columns = (index.columns["phash"], index.columns["dhash"])
            qs = [(h[1] ^ 0b111, h[2] ^ 0b101) for h in itertools.islice(hashes, 0, args.size, args.size // 50)]
            for r in args.radii:
                query_s, _ = timed(lambda p, d, r=r: within((p, d), columns, r), qs)
                print(f"  r={r:2}: one query {query_s * 1e3:.2f} ms (median of {len(qs)})")
            start = time.perf_counter()
            rows = library.rows(list(range(1, 21)))
            print(f"  fetching 20 matched rows by id: {(time.perf_counter() - start) * 1e3:.2f} ms ({len(rows)} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--radii", type=int, nargs="+", default=[6, 12, 14, 18])
    parser.add_argument("--bk-size", type=int, default=100_000)
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--keep-library", metavar="PATH", help="write the generated library here and keep it (to time "
                        "`dupfinder find PHOTO --db PATH` end to end)")  # fmt: skip
    args = parser.parse_args()
    if not args.no_search:
        bench_search(args)
    if not args.no_load:
        bench_load(args)


if __name__ == "__main__":
    main()
