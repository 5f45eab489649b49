"""Perceptual fingerprints of image files, one at a time or in parallel on every core.

All four imagehash hashes (64 bits each) are computed from the one small grey image that `decode` makes,
so the expensive part (decoding) happens once per file.

Parallelism uses threads, measured against a forkserver process pool on 1,210 12 MP camera JPEGs on 2 cores:
threads cost 1.06x the CPU time of bare draft decoding, processes 1.11x, and processes hold 100 MiB more
(tests/benchmarks/bench_fingerprint.py). Pillow releases the GIL while it decodes and resizes, and hashing a
64 px image is a few percent of the work; threads also start at once, need no pickling and no
`freeze_support()`, and are safe to start from the GUI's QThread.
A worker stuck in one file does not stall the scan: after `timeout_s` the file is reported as TIMEOUT, the
worker is abandoned (daemon thread, it exits when its decode returns) and a fresh one takes its place.
Content digests run on the same workers with the same time limit, and read the file through reading.open_photo
like decoding does (a FIFO put in a photo's place must not hang the scan).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import imagehash
import numpy as np
import scipy.fft
from PIL import Image

from dupfinder.core.decode import DECODE_METHOD, NORMALISED_SIZE, FingerprintError, decode_for_hashing
from dupfinder.core.matching.windows import WINDOW_RECIPE, picture_detail, window_hashes
from dupfinder.core.models import FileEntry, Fingerprint, Problem, ProblemKind
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanCancelled, ScanStage
from dupfinder.core.reading import open_photo

if TYPE_CHECKING:  # not at run time: fingerprinting (also on Dask workers) needs no OpenCV
    from dupfinder.core.matching.stash import ViewStash

__all__ = [
    "FINGERPRINT_RECIPE",
    "FingerprintError",
    "content_digest",
    "digest_files",
    "fingerprint_file",
    "fingerprint_files",
]

log = logging.getLogger(__name__)

# Stored with every cached fingerprint: bump the leading version when decoding or hashing changes.
FINGERPRINT_RECIPE = (
    f"5;{DECODE_METHOD};ahash8,phash8,dhash8,whash8-haar{NORMALISED_SIZE};turns7-phash8,dhash8;"
    f"{WINDOW_RECIPE};detail-std"
)

# The seven other orientations of a picture (mirrored, turned by 90/180/270 degrees, and both), as Pillow names them.
TURNS = (
    Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_270,
    Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.TRANSPOSE,
    Image.Transpose.TRANSVERSE,
)
# Each turn as (swap axes first, then flip rows, flip columns) of a (rows, columns) array.
_TURN_STEPS = {
    Image.Transpose.FLIP_LEFT_RIGHT: (False, False, True),
    Image.Transpose.ROTATE_90: (True, True, False),
    Image.Transpose.ROTATE_180: (False, True, True),
    Image.Transpose.ROTATE_270: (True, False, True),
    Image.Transpose.FLIP_TOP_BOTTOM: (False, True, False),
    Image.Transpose.TRANSPOSE: (True, False, False),
    Image.Transpose.TRANSVERSE: (True, True, True),
}
_SIGN = (-1.0) ** np.arange(8)  # reversing a signal flips the sign of its odd DCT coefficients

DIGEST_CHUNK_BYTES = 1 << 20
DIGEST_SIZE_BYTES = 32
_POLL_S = 0.1  # how often the collector looks at the cancel token and the clock while waiting
_WINDOW_PER_WORKER = 4  # files queued or running per worker: keeps memory flat for any number of files


def fingerprint_file(
    path: str,
    identity: tuple[int, int] | None = None,
    stash: ViewStash | None = None,
    thumbnails: dict[str, bytes] | None = None,
) -> Fingerprint:
    """Decode `path` (the file of that (dev, ino) if given) and hash it; raises FingerprintError when it cannot.
    `stash`: where to keep the second measure's view of the picture when this decode gives it (matching.stash).
    `thumbnails`: where to put, by path, the stored thumbnail of a big picture decoded whole (core.thumbnail)."""
    view_side = None if stash is None else stash.side
    decoded = decode_for_hashing(path, identity, view_side=view_side, thumbnail=thumbnails is not None)
    if decoded.view is not None and stash is not None:
        stash.put(path, decoded.view)
    if decoded.thumbnail is not None and thumbnails is not None:
        thumbnails[path] = decoded.thumbnail
    small = decoded.image
    phashes, dhashes = _orientation_hashes(small)
    window_phash, window_dhash = window_hashes(small)
    return Fingerprint(
        width=decoded.width,
        height=decoded.height,
        format=decoded.format,
        ahash=_to_int(imagehash.average_hash(small)),
        phash=phashes[0],
        dhash=dhashes[0],
        whash=_to_int(imagehash.whash(small, image_scale=NORMALISED_SIZE)),
        taken=decoded.taken,
        turned_phash=phashes[1:],
        turned_dhash=dhashes[1:],
        window_phash=window_phash,
        window_dhash=window_dhash,
        detail=picture_detail(small),
    )


def _orientation_hashes(small: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """imagehash's pHash and dHash of `small` upright, then in each of TURNS, without hashing eight images.

    Reversing an axis of the 32x32 pHash input only flips the sign of odd DCT coefficients along it, and reverses
    the dHash grid, so the picture and its transpose (reduced once each: Pillow's two-pass resize rounds differently
    when the axes swap) serve all eight orientations. Equal to imagehash on each turned image (tested), in 40 %
    of the time."""
    bases = []
    for image in (small, small.transpose(Image.Transpose.TRANSPOSE)):
        pixels = np.asarray(image.resize((32, 32), Image.Resampling.LANCZOS), dtype=np.float64)
        low = scipy.fft.dct(scipy.fft.dct(pixels, axis=0), axis=1)[:8, :8]
        bases.append((low, np.asarray(image.resize((9, 8), Image.Resampling.LANCZOS), dtype=np.int16)))
    phashes, dhashes = [], []
    for turn in (None, *TURNS):
        swap, flip_rows, flip_columns = _TURN_STEPS.get(turn, (False, False, False))
        coefficients, grid = bases[swap]
        if flip_rows:
            coefficients, grid = coefficients * _SIGN[:, None], grid[::-1, :]
        if flip_columns:
            coefficients, grid = coefficients * _SIGN[None, :], grid[:, ::-1]
        phashes.append(_bits_to_int(coefficients > np.median(coefficients)))
        dhashes.append(_bits_to_int(grid[:, 1:] > grid[:, :-1]))
    return tuple(phashes), tuple(dhashes)


def _bits_to_int(bits: np.ndarray) -> int:
    return int.from_bytes(np.packbits(bits.ravel()).tobytes(), "big")


def _to_int(image_hash: imagehash.ImageHash) -> int:
    """The hash bits as an int, first bit most significant (the order of imagehash's hex strings)."""
    return _bits_to_int(image_hash.hash)


def content_digest(path: str, identity: tuple[int, int] | None = None) -> bytes:
    """BLAKE2b of the file's bytes, read in 1 MiB chunks; raises OSError (also when it is no longer the regular
    file of that (dev, ino))."""
    digest = hashlib.blake2b(digest_size=DIGEST_SIZE_BYTES)
    buffer = bytearray(DIGEST_CHUNK_BYTES)
    view = memoryview(buffer)
    with open(open_photo(path, identity), "rb", buffering=0) as fp:
        while n := fp.readinto(buffer):
            digest.update(view[:n])
    return digest.digest()


def _fingerprint_or_problem(
    entry: FileEntry, stash: ViewStash | None = None, thumbnails: dict[str, bytes] | None = None
) -> Fingerprint | Problem:
    path = entry.path
    try:
        return fingerprint_file(path, entry.identity, stash, thumbnails)
    except FingerprintError as exc:
        return Problem(path, exc.kind, exc.detail)
    except Exception as exc:  # a bug or an error nobody has seen yet: one file's problem, not the scan's
        log.exception("unexpected error fingerprinting %s", path)
        return Problem(path, ProblemKind.UNREADABLE, f"unexpected {type(exc).__name__}: {exc}")


def _digest_or_problem(entry: FileEntry) -> bytes | Problem:
    try:
        return content_digest(entry.path, entry.identity)
    except OSError as exc:
        return Problem(entry.path, ProblemKind.UNREADABLE, exc.strerror or str(exc))


class _Workers:
    """Daemon threads that run `job` on (index, entry) tasks and put (index, result) results.

    `running` maps each task in progress to its start time, so the collector can spot one that takes too long.
    A task the collector gave up on is `abandoned`: its worker drops the result and exits.
    """

    def __init__(self, job: Callable[[FileEntry], object]) -> None:
        self.job = job
        self.tasks: queue.SimpleQueue[tuple[int, FileEntry] | None] = queue.SimpleQueue()
        self.results: queue.SimpleQueue[tuple[int, object]] = queue.SimpleQueue()
        self.running: dict[int, float] = {}
        self.abandoned: set[int] = set()
        self.lock = threading.Lock()
        self.started = 0

    def start_one(self) -> None:
        self.started += 1
        threading.Thread(target=self._run, name=f"fingerprint-{self.started}", daemon=True).start()

    def _run(self) -> None:
        while (task := self.tasks.get()) is not None:
            index, entry = task
            with self.lock:
                self.running[index] = time.monotonic()
            result = self.job(entry)
            with self.lock:
                del self.running[index]
                if index in self.abandoned:
                    return
            self.results.put((index, result))

    def overdue(self, timeout_s: float) -> list[int]:
        """Tasks running for longer than timeout_s, now marked abandoned."""
        limit = time.monotonic() - timeout_s
        with self.lock:
            late = [i for i, start in self.running.items() if start < limit and i not in self.abandoned]
            self.abandoned.update(late)
        return late

    def stop(self) -> None:
        """Let every worker finish its current file and exit (the abandoned ones have exited or will)."""
        while True:
            try:
                self.tasks.get_nowait()
            except queue.Empty:
                break
        for _ in range(self.started):
            self.tasks.put(None)


def fingerprint_files(
    entries: Sequence[FileEntry],
    *,
    workers: int | None = None,
    timeout_s: float = 30.0,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    stash: ViewStash | None = None,
    thumbnails: dict[str, bytes] | None = None,
) -> Iterator[tuple[int, Fingerprint | Problem]]:
    """Yield (index into entries, Fingerprint or Problem) as files complete, in any order, on every core.

    A file still decoding after `timeout_s` yields Problem(TIMEOUT). When `cancel` is set, the files already
    finished are yielded, then ScanCancelled is raised, within about a tenth of a second. `stash`, `thumbnails`:
    see fingerprint_file (a file's thumbnail is in `thumbnails` before its fingerprint is yielded).
    """
    job = functools.partial(_fingerprint_or_problem, stash=stash, thumbnails=thumbnails)
    return _run_all(job, ScanStage.FINGERPRINTING, entries, workers, timeout_s, progress, cancel)


def digest_files(
    entries: Sequence[FileEntry],
    *,
    workers: int | None = None,
    timeout_s: float = 30.0,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[int, bytes | Problem]]:
    """Yield (index into entries, content digest or Problem), like fingerprint_files (same time limit)."""
    return _run_all(_digest_or_problem, ScanStage.COMPARING, entries, workers, timeout_s, progress, cancel)


def _run_all(job, stage, entries, workers, timeout_s, progress, cancel) -> Iterator[tuple[int, object]]:
    total = len(entries)
    meter = ProgressMeter(stage, total, progress)
    pool = _Workers(job)
    worker_count = max(1, min(workers or _usable_cores(), total))
    window = worker_count * _WINDOW_PER_WORKER
    submitted = done = 0
    next_check = time.monotonic() + _POLL_S
    try:
        for _ in range(worker_count if total else 0):
            pool.start_one()
        while done < total:
            while submitted < total and submitted - done < window:
                pool.tasks.put((submitted, entries[submitted]))
                submitted += 1
            if cancel is not None and cancel.cancelled:
                yield from _finished(pool)
                raise ScanCancelled()
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + _POLL_S
                for index in pool.overdue(timeout_s):
                    log.warning("gave up on %s after %g s", entries[index].path, timeout_s)
                    pool.start_one()
                    done += 1
                    meter.advance(1, entries[index].path)
                    yield index, Problem(entries[index].path, ProblemKind.TIMEOUT, f"no result after {timeout_s:g} s")
            try:
                index, result = pool.results.get(timeout=_POLL_S)
            except queue.Empty:
                continue
            done += 1
            meter.advance(1, entries[index].path)
            yield index, result
        meter.finish()
    finally:
        pool.stop()


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def _finished(pool: _Workers) -> Iterator[tuple[int, object]]:
    """Results already waiting, without waiting for more."""
    while True:
        try:
            yield pool.results.get_nowait()
        except queue.Empty:
            return
