"""How fast is fingerprinting, against the naive way and against the cost of decoding alone?

    python tests/benchmarks/bench_fingerprint.py FOLDER [--baseline-limit 100] [--repeat 2] [--workers N]

Measures, in one run on the image files under FOLDER (after reading them once so the OS caches them):
- naive baseline: Image.open + imagehash.phash on the fully decoded image, one core (first --baseline-limit files);
- decode floor: Pillow draft-decoding every file to a small grey image on all cores and nothing else
  (with threads and with processes; the faster one is the floor);
- fingerprint_files (the product, threads), and the same work on a forkserver process pool.
Prints images/s, time ratios against the floor and speed-ups against the baseline, CPU time per image and
peak RSS (this process plus its pool workers, sampled from /proc every 50 ms; Linux only).
With --repeat, the parallel phases run interleaved that many times and the best run of each counts, because the
machine may be shared.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait

import imagehash
from PIL import Image

from dupfinder.core import fingerprint
from dupfinder.core.decode import NORMALISED_SIZE
from dupfinder.core.models import FileEntry, Problem
from dupfinder.core.options import DEFAULT_EXTENSIONS


def image_files(folder: str) -> list[str]:
    found = []
    for root, _dirs, names in os.walk(folder):
        found.extend(os.path.join(root, n) for n in names if os.path.splitext(n)[1].lower() in DEFAULT_EXTENSIONS)
    return sorted(found)


def warm_cache(paths: Iterable[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as fp:
            while chunk := fp.read(1 << 20):
                total += len(chunk)
    return total


def naive_phash(path: str) -> None:
    with Image.open(path) as im:
        imagehash.phash(im)


def draft_decode(path: str) -> None:
    with Image.open(path) as im:
        im.draft("L", (NORMALISED_SIZE, NORMALISED_SIZE))
        im.load()


def run_bounded(executor: Executor, fn: Callable[[object], object], items: list, window: int) -> None:
    """Submit at most `window` tasks at a time, as fingerprint_files does."""
    pending: set[Future] = set()
    for item in items:
        if len(pending) >= window:
            _done, pending = wait(pending, return_when="FIRST_COMPLETED")
        pending.add(executor.submit(fn, item))
    wait(pending)


class TreeSampler:
    """Peak resident memory and CPU time of this process and all its descendants (pool workers).

    Sampled from /proc every 50 ms, so it also sees forkserver workers, which are not our direct children.
    CPU seconds say what a phase costs whatever else the machine is running; wall time does not.
    """

    def __init__(self) -> None:
        self.peak_kib = 0
        self._cpu_ticks: dict[int, int] = {}
        self._start_ticks = _tree_sample(os.getpid())[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            rss_kib, ticks = _tree_sample(os.getpid())
            self.peak_kib = max(self.peak_kib, rss_kib)
            for pid, value in ticks.items():
                self._cpu_ticks[pid] = max(self._cpu_ticks.get(pid, 0), value)
            if self._stop.wait(0.05):
                return

    @property
    def cpu_s(self) -> float:
        spent = sum(v - self._start_ticks.get(pid, 0) for pid, v in self._cpu_ticks.items())
        return spent / os.sysconf("SC_CLK_TCK")


def _tree_sample(root: int) -> tuple[int, dict[int, int]]:
    """(resident KiB of the process tree under root, {pid: user+system clock ticks})."""
    children: dict[int, list[int]] = {}
    stats: dict[int, tuple[int, int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fp:
                fields = fp.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        children.setdefault(int(fields[1]), []).append(pid)
        stats[pid] = (int(fields[21]) * resource.getpagesize() // 1024, int(fields[11]) + int(fields[12]))
    rss_kib, ticks, todo = 0, {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            rss_kib += stats[pid][0]
            ticks[pid] = stats[pid][1]
        todo.extend(children.get(pid, ()))
    return rss_kib, ticks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--baseline-limit", type=int, default=100, help="files for the one-core naive baseline")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs of each parallel phase; best counts")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    paths = image_files(args.folder)
    if not paths:
        print(f"no image files under {args.folder}", file=sys.stderr)
        return 1
    stats = {p: os.stat(p) for p in paths}  # the real identity: fingerprinting checks it when it opens a file
    entries = [FileEntry(p, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino) for p, st in stats.items()]
    size_gb = warm_cache(paths) / 1e9
    workers, window = args.workers, args.workers * 4
    print(f"{len(paths)} files, {size_gb:.2f} GB, {workers} workers, cpu_count {os.cpu_count()}")

    sample = paths[: args.baseline_limit]
    with TreeSampler() as sampler:
        start = time.perf_counter()
        for path in sample:
            naive_phash(path)
    naive_s = (time.perf_counter() - start) / len(sample)
    print(
        f"{'naive baseline (1 core, phash)':<40} {1 / naive_s:8.1f} img/s  {naive_s * 1000:7.1f} ms/img"
        f"  on {len(sample)} files  peak RSS {sampler.peak_kib / 1024:.0f} MiB"
    )

    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(["dupfinder.core.fingerprint"])

    def floor_threads() -> None:
        with ThreadPoolExecutor(workers) as ex:
            run_bounded(ex, draft_decode, paths, window)

    def floor_processes() -> None:
        with ProcessPoolExecutor(workers, mp_context=forkserver) as ex:
            run_bounded(ex, draft_decode, paths, window)

    def product_threads() -> None:
        problems = [r for _i, r in fingerprint.fingerprint_files(entries, workers=workers) if isinstance(r, Problem)]
        if problems:
            print(f"  {len(problems)} problems, e.g. {problems[0]}")

    def processes() -> None:
        with ProcessPoolExecutor(workers, mp_context=forkserver) as ex:
            run_bounded(ex, fingerprint._fingerprint_or_problem, entries, window)

    phases = {
        "decode floor, threads": floor_threads,
        "decode floor, processes": floor_processes,
        "fingerprint_files (threads)": product_threads,
        "fingerprint, forkserver processes": processes,
    }
    best: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rss: dict[str, float] = {}
    for round_no in range(args.repeat):
        for name, fn in phases.items():
            with TreeSampler() as sampler:
                start = time.perf_counter()
                fn()
                elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, elapsed), elapsed)
            cpu[name] = min(cpu.get(name, sampler.cpu_s), sampler.cpu_s)
            rss[name] = max(rss.get(name, 0.0), sampler.peak_kib / 1024)
            print(
                f"  round {round_no + 1}: {name:<36} {len(paths) / elapsed:8.1f} img/s"
                f"  {sampler.cpu_s * 1000 / len(paths):6.1f} CPU ms/img  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    floor_s = min(best["decode floor, threads"], best["decode floor, processes"])
    floor_cpu = min(cpu["decode floor, threads"], cpu["decode floor, processes"])
    print(
        f"\n{'best of ' + str(args.repeat):<36} {'img/s':>8} {'x floor':>8} {'x naive':>8}"
        f" {'CPU ms/img':>11} {'x floor CPU':>12} {'peak RSS':>10}"
    )
    for name, elapsed in best.items():
        rate = len(paths) / elapsed
        print(
            f"{name:<36} {rate:8.1f} {elapsed / floor_s:8.2f} {rate * naive_s:8.1f}"
            f" {cpu[name] * 1000 / len(paths):11.1f} {cpu[name] / floor_cpu:12.2f} {rss[name]:6.0f} MiB"
        )
    print("x floor: wall time / the best decode floor's; x naive: speed / the one-core naive phash speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
