"""The default scan's matching: candidates (candidates.py) -> second measure (confirm.py) -> Pairs.

Run once per scan; the Pairs it returns hold every candidate with its verdict and figures, so that grouping at any
threshold (grouping.cluster, through grouping.usable_pairs) needs no image I/O.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dupfinder.core.image_table import FileTable, ImageTable
from dupfinder.core.matching.candidates import EXACT_MAX_IMAGES, Candidates, ExtraHashes, find_candidates
from dupfinder.core.matching.confirm import Measure, confirm_pairs
from dupfinder.core.matching.stash import ViewStash
from dupfinder.core.models import FileEntry, ImageRecord, Pairs, Route, Verdict
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanStage

log = logging.getLogger(__name__)

# Which candidates get the second measure (each picture in one costs a second small decode, about as much as its
# fingerprint): not byte-identical pairs; not plain pairs within HASH_ACCEPT_BITS between pictures with detail
# (measured: no false pair that close on either bench corpus); not plain pairs past CONFIRM_PLAIN_BITS (the
# normal preset) unless within MEASURE_PLAIN_BITS and both pictures have detail.
HASH_ACCEPT_BITS = 2
CONFIRM_PLAIN_BITS = 12
# Plain pairs from CONFIRM_PLAIN_BITS to this are measured too when both pictures have detail, and group only when
# confirmed (grouping.FAR_PLAIN_BITS): a sticker or a small turn moves a copy's whole-picture hashes this far
# (measured: 16 bits added 120 pictures measured of 1,210 on the perf corpus and no false pair; 18 bits 300, one).
MEASURE_PLAIN_BITS = 16
DETAIL_SURE = 8.0  # grey-level spread above which a picture is surely not flat (windows.picture_detail)


def matched_pairs(
    images: Sequence[ImageRecord],
    max_distance_bits: int,
    *,
    workers: int | None = None,
    store: MeasureStore | None = None,
    stash: ViewStash | None = None,
    extra: ExtraHashes | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Pairs:
    """Candidate pairs up to max_distance_bits (plain) and within the turned/window radii, each measured.

    `store` (optional) remembers measures between scans: a pair whose two files are unchanged is not decoded again,
    so a rescan of an unchanged library measures nothing. `stash` (optional): the views fingerprinting kept
    (matching.stash), so that the pictures this scan decoded are not decoded again. `extra`: where the turned and
    window hashes are, when the images' fingerprints hold none (matching.hash_spill)."""
    started = time.perf_counter()
    images = ImageTable.of(images)
    found = find_candidates(
        images,
        max_distance_bits,
        extra=extra,
        plain_preferred_bits=CONFIRM_PLAIN_BITS,
        progress=progress,
        cancel=cancel,
    )
    searched = time.perf_counter()
    detail = np.nan_to_num(images.column("detail"), nan=-1.0)
    # Plain pairs past the confirmation radius, found by no other route, are measured only up to MEASURE_PLAIN_BITS
    # and between pictures with detail (their hashes mean something); the rest are left out: nothing would group them.
    far = (found.route == Route.PLAIN) & (found.distance_bits > CONFIRM_PLAIN_BITS) & ~found.identical
    far &= (
        (found.distance_bits > MEASURE_PLAIN_BITS)
        | (detail[found.left] < DETAIL_SURE)
        | (detail[found.right] < DETAIL_SURE)
    )
    found = _rows(found, ~far)
    count = len(found)
    plain = found.route == Route.PLAIN
    sure = (detail[found.left] >= DETAIL_SURE) & (detail[found.right] >= DETAIL_SURE)
    skip = found.identical.copy()
    skip |= plain & (found.distance_bits <= HASH_ACCEPT_BITS) & sure
    measure_rows = np.flatnonzero(~skip)
    del plain, sure, skip
    figures = _Figures.for_pairs(count)
    files = images.files
    left, right = found.left[measure_rows], found.right[measure_rows]
    turns = found.turn[measure_rows]
    framed = found.route[measure_rows] != Route.WINDOW
    todo = _recall(store, files, left, right, turns, framed, measure_rows, figures) if store is not None else None
    known = 0 if todo is None else len(measure_rows) - len(todo)
    if todo is not None:  # only what is still to measure, from here on (one array at a time: each old one freed)
        measure_rows = measure_rows[todo]
        left, right, turns, framed = left[todo], right[todo], turns[todo], framed[todo]
    del todo
    needed = np.unique(np.concatenate([left, right]))
    if len(needed) > EXACT_MAX_IMAGES:  # at dataset scale, in an order that holds few views at once
        from dupfinder.core.matching.view_order import breadth_first_order

        order = breadth_first_order(left, right, len(images))
        measure_rows = measure_rows[order]
        left, right, turns, framed = left[order], right[order], turns[order], framed[order]
        del order
    meter = ProgressMeter(ScanStage.CONFIRMING, len(needed) + len(left), progress)

    def tick(done: int) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        meter.advance(done)

    fresh = confirm_pairs(images.paths, left, right, turns, framed, workers=workers or _cores(), tick=tick, stash=stash)
    remember: list[tuple[bytes, MeasureRow]] = []
    for k, m in enumerate(fresh):
        figures.put(int(measure_rows[k]), m)
        if store is not None and m.verdict != Verdict.HASH_ONLY:
            a, b = int(left[k]), int(right[k])
            remember.append((measure_key(files[a], files[b], int(turns[k]), bool(framed[k])), _measure_row(m)))
            if len(remember) >= STORE_BATCH:
                store.store_measures(remember)
                remember = []
    if store is not None and remember:
        store.store_measures(remember)
    kept = sum(images.path(i) in stash for i in needed.tolist()) if stash is not None else 0
    meter.finish()
    log.info(
        "matching: %d candidate pairs in %.2f s; %d pictures (%d kept from fingerprinting) and %d pairs measured"
        " (%d known) in %.2f s",
        count,
        searched - started,
        len(needed),
        kept,
        len(left),
        known,
        time.perf_counter() - searched,
    )
    if log.isEnabledFor(logging.DEBUG):  # a count per verdict: an 80 MB temporary at ten million pairs
        log.debug("%d candidate pairs: %s", count, np.bincount(figures.verdict, minlength=6).tolist())
    del measure_rows, left, right, turns, framed, needed  # at ten million pairs, ~200 MB
    return Pairs(  # the candidates' own arrays where they already have Pairs' types
        found.left.astype(np.int32, copy=False),
        found.right.astype(np.int32, copy=False),
        np.minimum(found.distance_bits, 255).astype(np.uint8, copy=False),
        found.identical,
        route=found.route,
        turn=found.turn,
        **figures.columns(),
    )


STORE_BATCH = 10_000  # new measures per write to the store
RECALL_BLOCK = 50_000  # measured pairs whose keys are made and looked up at a time


def _recall(store, files, left, right, turns, framed, measure_rows, figures) -> np.ndarray:
    """Put the measures `store` remembers into `figures`; the positions (into left/right) still to measure. A block of
    keys at a time: a million measured pairs never hold a million keys."""
    todo = [np.empty(0, np.int64)]
    for start in range(0, len(left), RECALL_BLOCK):
        stop = min(len(left), start + RECALL_BLOCK)
        a, b = left[start:stop], right[start:stop]
        part = _file_parts(files, np.unique(np.concatenate([a, b])))
        rows = zip(a.tolist(), b.tolist(), turns[start:stop].tolist(), framed[start:stop].tolist(), strict=True)
        keys = [_key(part[i], part[j], t, f) for i, j, t, f in rows]
        known = store.lookup_measures(keys)
        missing = []
        for k, key in enumerate(keys, start):
            row = known.get(key)
            if row is None:
                missing.append(k)
            else:
                verdict, *rest = row
                figures.put(int(measure_rows[k]), Measure(Verdict(verdict), *rest))
        todo.append(np.array(missing, np.int64))
    return np.concatenate(todo)


@dataclass(slots=True)
class _Figures:
    """The second measure's figures of every candidate pair, as Pairs holds them (unmeasured: HASH_ONLY)."""

    verdict: np.ndarray
    inliers: np.ndarray
    coverage: np.ndarray
    kept_left: np.ndarray
    kept_right: np.ndarray
    angle: np.ndarray
    edits: np.ndarray
    agreement: np.ndarray

    @classmethod
    def for_pairs(cls, count: int) -> _Figures:
        reals = [np.zeros(count, np.float32) for _ in range(5)]
        reals[1][:] = reals[2][:] = 1.0  # kept_left, kept_right
        return cls(np.full(count, Verdict.HASH_ONLY, np.uint8), np.zeros(count, np.uint16), reals[0], reals[1],
                   reals[2], reals[3], np.zeros(count, np.uint8), reals[4])  # fmt: skip

    def put(self, row: int, m: Measure) -> None:
        self.verdict[row], self.inliers[row], self.coverage[row] = m.verdict, min(m.inliers, 65535), m.coverage
        self.kept_left[row], self.kept_right[row], self.angle[row] = m.kept_left, m.kept_right, m.angle
        self.edits[row], self.agreement[row] = m.edits, m.agreement

    def columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.__slots__}


# Part of every stored measure's key: bump when confirm.py or the choice of what is measured changes.
MEASURE_RECIPE = "2;orb1000-fast5-view512;affine-ransac;photo96-grid8;framed"

# (verdict, inliers, coverage, kept_left, kept_right, angle, edits, residual, agreement, reason): confirm.Measure
MeasureRow = tuple


class MeasureStore(Protocol):
    """Where measures outlive a scan (the fingerprint cache can offer these two methods)."""

    def lookup_measures(self, keys: Sequence[bytes]) -> dict[bytes, MeasureRow]: ...

    def store_measures(self, items: Sequence[tuple[bytes, MeasureRow]]) -> None: ...


def measure_key(left: FileEntry, right: FileEntry, turn: int, framed: bool) -> bytes:
    """What a stored measure depends on: both files as they are now (path, size, mtime, ctime), the candidate's
    turn and framing, and MEASURE_RECIPE."""
    parts = (f"{e.path}\0{e.size_bytes}\0{e.mtime_ns}\0{e.ctime_ns}" for e in (left, right))
    return _key(*parts, turn, framed)


def _key(left_part: str, right_part: str, turn: int, framed: bool) -> bytes:
    text = "\0".join([MEASURE_RECIPE, left_part, right_part, str(turn), str(int(framed))])
    return hashlib.blake2b(os.fsencode(text), digest_size=16).digest()


def _file_parts(files: FileTable, images: np.ndarray) -> dict[int, str]:
    """measure_key's text of each of these files, read from the columns (making their FileEntry objects cost 60 %
    of a million-image rescan's key making)."""
    columns = (files.column(name)[images].tolist() for name in ("size_bytes", "mtime_ns", "ctime_ns"))
    return {
        i: f"{files.paths[i]}\0{size}\0{mtime}\0{ctime}"
        for i, size, mtime, ctime in zip(images.tolist(), *columns, strict=True)
    }


def _measure_row(m: Measure) -> MeasureRow:
    return (int(m.verdict), m.inliers, m.coverage, m.kept_left, m.kept_right, m.angle, m.edits, m.residual,
            m.agreement, m.reason)  # fmt: skip


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _rows(found: Candidates, keep: np.ndarray) -> Candidates:
    return Candidates(*(getattr(found, name)[keep] for name in Candidates.__slots__))
