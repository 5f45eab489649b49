"""One scan, start to finish: discover → cache → fingerprint → digests → pairs (candidates → second measure,
matching/) → ScanResult.

The only orchestration in the engine; the CLI and the GUI both call `run_scan` and nothing below it.
Files that failed for a reason of their own bytes (LASTING_FAILURES) are remembered in the cache, so an unchanged
broken file is not decoded again on every scan; a changed file, or another decoder version, is tried again.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Sequence

import numpy as np

from dupfinder.core.cache import FingerprintCache
from dupfinder.core.decode import DECODER_VERSIONS
from dupfinder.core.discovery import discover
from dupfinder.core.fingerprint import FINGERPRINT_RECIPE, digest_files, fingerprint_files
from dupfinder.core.grouping import pairs_for_images
from dupfinder.core.ignore import drop_ignored
from dupfinder.core.image_table import DigestColumn, FileTable, FingerprintColumns, ImageTable
from dupfinder.core.matching.hash_spill import HashSpill
from dupfinder.core.matching.pipeline import matched_pairs
from dupfinder.core.matching.stash import ViewStash
from dupfinder.core.models import FileEntry, Fingerprint, Problem, ProblemKind, ScanResult, ScanStats
from dupfinder.core.options import ScanOptions
from dupfinder.core.progress import CancelToken, ProgressCallback

log = logging.getLogger(__name__)

CACHE_BATCH = 256  # fingerprints per cache transaction: a killed scan loses at most this many
DIGEST_LOOKUP_ROWS = 50_000  # files whose digest is looked up at once (the answers are bytes objects until kept)
# Problems that follow from the file's bytes and the decoder alone; timeouts, permissions and I/O errors may pass.
LASTING_FAILURES = frozenset(
    {ProblemKind.EMPTY, ProblemKind.NOT_AN_IMAGE, ProblemKind.UNSUPPORTED, ProblemKind.CORRUPT, ProblemKind.TOO_LARGE}
)


class _NoCache:
    """Stands in for FingerprintCache when the user turned caching off."""

    warnings: tuple[str, ...] = ()

    def lookup(self, entries: Sequence[FileEntry], spill=None, into=None) -> dict[int, Fingerprint]:
        return {} if into is None else into

    def store(self, items) -> None:
        pass

    def lookup_digests(self, entries: Sequence[FileEntry]) -> dict[int, bytes]:
        return {}

    def store_digests(self, items) -> None:
        pass

    def lookup_failures(self, entries: Sequence[FileEntry], decoder: str) -> dict[int, Problem]:
        return {}

    def store_failures(self, items, decoder: str) -> None:
        pass

    def close(self) -> None:
        pass


def run_scan(
    options: ScanOptions,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ScanResult:
    """Scan options.roots and return everything found. Raises ScanCancelled when `cancel` is set; fingerprints
    computed until then are already in the cache, so the next scan resumes where this one stopped."""
    started = time.monotonic()
    cancel = cancel or CancelToken()
    found, problems = discover(options, progress=progress, cancel=cancel)
    entries = FileTable.of(found)  # a million FileEntry objects take ~330 MB, their columns ~90 MB
    del found
    cache = FingerprintCache(options.cache_path, FINGERPRINT_RECIPE) if options.use_cache else _NoCache()
    stash = _view_stash(options, cache)
    # The matching's turned and window hashes wait on disk for the candidate search (matching.hash_spill).
    spill = HashSpill(len(entries), _scratch_folder(cache)) if options.confirm else None
    try:
        fingerprints = cache.lookup(entries, spill, into=FingerprintColumns(len(entries)))
        from_cache = len(fingerprints)
        decoded = _fingerprint_missing(entries, fingerprints, problems, cache, options, stash, spill, progress, cancel)
        indices = fingerprints.rows()
        images = fingerprints.images(entries)
        del fingerprints
        images = _with_digests(images, cache, options, progress, cancel)
        if spill is not None:  # candidates, then the second measure (matching/), remembered by a cache that can
            store = cache if hasattr(cache, "lookup_measures") else None
            pairs = matched_pairs(
                images, options.pair_distance_bits, workers=options.workers, store=store, stash=stash,
                extra=spill.for_images(images, indices), progress=progress, cancel=cancel,
            )  # fmt: skip
        warnings = tuple(cache.warnings)
    finally:
        if stash is not None:
            stash.close()
        if spill is not None:
            spill.close()
        cache.close()
    if not options.confirm:
        pairs = pairs_for_images(
            images,
            options.hash_kind,
            options.pair_distance_bits,
            match_turned=options.match_turned,
            progress=progress,
            cancel=cancel,
        )
    pairs, ignore_warnings = drop_ignored(images, pairs)  # the user's "not a duplicate" decisions (core/ignore.py)
    warnings += ignore_warnings
    stats = ScanStats(
        files_seen=len(entries),
        images_fingerprinted=decoded,
        images_from_cache=from_cache,
        skipped=len(problems),
        elapsed_s=time.monotonic() - started,
    )
    return ScanResult(
        roots=options.roots,
        protected_roots=options.protected_roots,
        images=images,
        problems=tuple(sorted(problems, key=lambda p: p.path)),
        pairs=pairs,
        hash_name=options.hash_kind.value,
        hash_bits=options.hash_kind.bits,
        max_distance_bits=options.pair_distance_bits,
        stats=stats,
        warnings=warnings,
        matched_turned=options.match_turned or options.confirm,
    )


def _view_stash(options: ScanOptions, cache) -> ViewStash | None:
    """Where fingerprinting keeps the second measure's views (matching.stash): only when the measure runs and the
    pictures are decoded here, in a file next to the fingerprint cache (a disk, where the temporary folder may be
    memory)."""
    if not options.confirm or options.dask_scheduler is not None:
        return None
    return ViewStash(_scratch_folder(cache))


def _scratch_folder(cache) -> str | None:
    """The fingerprint cache's folder (a disk, where the temporary folder may be memory), else the temporary one."""
    path = getattr(cache, "path", None)
    return str(path.parent) if path is not None and path.parent.is_dir() else None


def _fingerprinter(options: ScanOptions, stash: ViewStash | None, thumbnails: dict[str, bytes] | None):
    """This machine's threads, or the Dask cluster the options name (the optional extra, imported only then). Dask
    workers make no thumbnails (the GUI decodes those pictures for their thumbnails as without a cache)."""
    if options.dask_scheduler is None:
        return functools.partial(fingerprint_files, workers=options.workers, stash=stash, thumbnails=thumbnails)
    from dupfinder.core.distributed import fingerprint_files_on_dask

    return functools.partial(fingerprint_files_on_dask, scheduler=options.dask_scheduler)


def _fingerprint_missing(entries, fingerprints, problems, cache, options, stash, spill, progress, cancel) -> int:
    """Decode what the cache did not know (fingerprint or lasting failure), storing results in batches (flushed on
    cancel too), with the thumbnails those decodes made (core.thumbnail) when there is a cache to keep them; with a
    `spill`, the fingerprints kept hold no turned and window hashes (the spill has them)."""
    unknown = fingerprints.missing().tolist()
    failed = cache.lookup_failures(entries.take(unknown), DECODER_VERSIONS)
    problems.extend(failed.values())
    todo = [i for k, i in enumerate(unknown) if k not in failed]
    del unknown, failed
    wanted = entries.take(todo)
    batch: list[tuple[FileEntry, Fingerprint]] = []
    failures: list[tuple[FileEntry, Problem]] = []
    made: dict[str, bytes] | None = {} if isinstance(cache, FingerprintCache) and cache.enabled else None
    thumbnails: list[tuple[FileEntry, bytes]] = []
    try:
        for k, result in _fingerprinter(options, stash, made)(
            wanted, timeout_s=options.decode_timeout_s, progress=progress, cancel=cancel
        ):
            i, entry = todo[k], wanted[k]
            if isinstance(result, Problem):
                problems.append(result)
                if result.kind in LASTING_FAILURES:
                    failures.append((entry, result))
                continue
            fingerprints[i] = spill.lean(i, result) if spill is not None else result
            batch.append((entry, result))
            if made is not None and (thumbnail := made.pop(entry.path, None)) is not None:
                thumbnails.append((entry, thumbnail))
            if len(batch) >= CACHE_BATCH:
                _store(cache, batch, thumbnails)
                batch, thumbnails = [], []
    finally:
        _store(cache, batch, thumbnails)
        cache.store_failures(failures, DECODER_VERSIONS)
    return sum(1 for i in todo if i in fingerprints)


def _store(cache, fingerprints: list[tuple[FileEntry, Fingerprint]], thumbnails: list[tuple[FileEntry, bytes]]):
    cache.store(fingerprints)  # first: it drops the thumbnails of the paths' former files
    if thumbnails:
        cache.store_thumbnails(thumbnails)


def _with_digests(images: ImageTable, cache, options, progress, cancel) -> ImageTable:
    """Content digests, only for images that share their size with another image (only those can be identical):
    looked up DIGEST_LOOKUP_ROWS files at a time, the missing ones read and stored CACHE_BATCH at a time."""
    _, size_of, count = np.unique(images.files.column("size_bytes"), return_inverse=True, return_counts=True)
    candidates = np.flatnonzero(count[size_of] > 1)
    if not len(candidates):
        return images
    digests = DigestColumn(len(images))
    for start in range(0, len(candidates), DIGEST_LOOKUP_ROWS):
        rows = candidates[start : start + DIGEST_LOOKUP_ROWS]
        for k, digest in cache.lookup_digests(images.files.take(rows)).items():
            digests[int(rows[k])] = digest
    todo = candidates[~digests.present[candidates]]
    files = images.files.take(todo)
    computed = []
    try:
        for k, result in digest_files(
            files, workers=options.workers, timeout_s=options.decode_timeout_s, progress=progress, cancel=cancel
        ):
            if isinstance(result, Problem):  # readable a moment ago; without a digest it is simply not byte-compared
                log.warning("no content digest for %s: %s", files.paths[k], result.reason)
                continue
            digests[int(todo[k])] = result
            computed.append((files[k], result))
            if len(computed) >= CACHE_BATCH:
                cache.store_digests(computed)
                computed = []
    finally:
        cache.store_digests(computed)
    return images.with_digests(digests)
