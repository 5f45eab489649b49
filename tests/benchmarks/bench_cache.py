"""Time the fingerprint cache with 100,000 rows: store, reopen, warm lookup (as a rescan does), digests.

Also times the alternative of reading the whole table into a dict, which lookup() does not use.
Run: /work/venv/bin/python tests/benchmarks/bench_cache.py [rows]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time

from dupfinder.core.cache import FingerprintCache
from dupfinder.core.models import FileEntry, Fingerprint


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - t0:.3f} s")
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(1)
    entries = [
        FileEntry(
            f"/home/user/Pictures/{i // 200:04d}/IMG_{i:06d}.jpg",
            3_000_000 + i,
            1_700_000_000_000_000_000 + i,
            2049,
            1000 + i,
        )
        for i in range(n)
    ]
    fps = [
        Fingerprint(4000, 3000, "JPEG", *(rng.getrandbits(64) for _ in range(4)), "2024-01-01 12:00:00")
        for _ in entries
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fp.sqlite3")
        with FingerprintCache(path, "recipe-1") as cache:
            timed(f"store {n} fingerprints", lambda: cache.store(zip(entries, fps, strict=True)))
            timed(f"store {n} digests", lambda: cache.store_digests((e, os.urandom(32)) for e in entries))
        print(f"file size: {os.path.getsize(path) / 1e6:.1f} MB")
        cache = timed("reopen (incl. quick_check)", lambda: FingerprintCache(path, "recipe-1"))
        found = timed(f"lookup {n} (warm rescan)", lambda: cache.lookup(entries))
        assert len(found) == n and all(found[i] == fps[i] for i in range(0, n, 997)), "lookup mismatch"
        found = timed(f"lookup_digests {n}", lambda: cache.lookup_digests(entries))
        assert len(found) == n
        few = entries[::100]
        timed(f"lookup {len(few)} (1% of the rows)", lambda: cache.lookup(few))

        def full_scan():
            rows = {r[0]: r for r in cache._db.execute("SELECT * FROM fingerprints")}
            return sum(1 for e in entries if os.fsencode(e.path) in rows)

        timed(f"alternative: full table scan into a dict + match {n}", full_scan)
        cache.close()


if __name__ == "__main__":
    main()
