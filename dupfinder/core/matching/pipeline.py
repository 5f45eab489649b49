"""The default scan's matching: candidates (candidates.py) -> second measure (confirm.py) -> Pairs.

Run once per scan; the Pairs it returns hold every candidate with its verdict and figures, so that grouping at any
threshold (grouping.cluster, through grouping.usable_pairs) needs no image I/O.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence

import numpy as np

from dupfinder.core.matching.candidates import Candidates, find_candidates
from dupfinder.core.matching.confirm import confirm_pairs
from dupfinder.core.models import ImageRecord, Pairs, Route, Verdict
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanStage

log = logging.getLogger(__name__)

# Which candidates get the second measure (each picture in one costs a second small decode, about as much as its
# fingerprint): not byte-identical pairs; not plain pairs within HASH_ACCEPT_BITS between pictures with detail
# (measured: no false pair that close on either bench corpus); not plain pairs past CONFIRM_PLAIN_BITS (the
# normal preset), which only the hash-alone end of the slider ("loose") groups.
HASH_ACCEPT_BITS = 2
CONFIRM_PLAIN_BITS = 12
DETAIL_SURE = 8.0  # grey-level spread above which a picture is surely not flat (windows.picture_detail)

DEBUG_MEASURES: list | None = None  # benchmarks set a list here to receive (pair row, Measure) of the last run


def matched_pairs(
    images: Sequence[ImageRecord],
    max_distance_bits: int,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Pairs:
    """Candidate pairs up to max_distance_bits (plain) and within the turned/window radii, each measured."""
    started = time.perf_counter()
    found = find_candidates(
        images, max_distance_bits, plain_preferred_bits=CONFIRM_PLAIN_BITS, progress=progress, cancel=cancel
    )
    searched = time.perf_counter()
    # Plain pairs past the confirmation radius, found by no other route, are left out: nothing would group them.
    found = _rows(
        found, ~((found.route == Route.PLAIN) & (found.distance_bits > CONFIRM_PLAIN_BITS) & ~found.identical)
    )
    count = len(found)
    detail = np.array([-1.0 if im.fingerprint.detail is None else im.fingerprint.detail for im in images])
    plain = found.route == Route.PLAIN
    sure = (detail[found.left] >= DETAIL_SURE) & (detail[found.right] >= DETAIL_SURE)
    skip = found.identical.copy()
    skip |= plain & (found.distance_bits <= HASH_ACCEPT_BITS) & sure
    measure_rows = np.flatnonzero(~skip)
    left, right = found.left[measure_rows], found.right[measure_rows]
    images_needed = len(set(left.tolist()) | set(right.tolist()))
    meter = ProgressMeter(ScanStage.CONFIRMING, images_needed + len(measure_rows), progress)

    def tick(done: int) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        meter.advance(done)

    framed = found.route[measure_rows] != Route.WINDOW
    measures = confirm_pairs(
        [im.path for im in images],
        left,
        right,
        found.turn[measure_rows],
        framed,
        workers=workers or _cores(),
        tick=tick,
    )
    meter.finish()
    log.info(
        "matching: %d candidate pairs in %.2f s; %d pictures and %d pairs measured in %.2f s",
        count,
        searched - started,
        images_needed,
        len(measure_rows),
        time.perf_counter() - searched,
    )
    verdict = np.full(count, Verdict.HASH_ONLY, np.uint8)
    inliers = np.zeros(count, np.uint16)
    coverage, kept_left, kept_right, angle, agreement = (np.zeros(count, np.float32) for _ in range(5))
    kept_left[:] = kept_right[:] = 1.0
    edits = np.zeros(count, np.uint8)
    for row, m in zip(measure_rows.tolist(), measures, strict=True):
        verdict[row], inliers[row], coverage[row] = m.verdict, min(m.inliers, 65535), m.coverage
        kept_left[row], kept_right[row], angle[row], edits[row] = m.kept_left, m.kept_right, m.angle, m.edits
        agreement[row] = m.agreement
    log.debug("%d candidate pairs: %s", count, np.bincount(verdict, minlength=6).tolist())
    pairs = Pairs(
        found.left.astype(np.int32),
        found.right.astype(np.int32),
        np.minimum(found.distance_bits, 255).astype(np.uint8),
        found.identical,
        verdict=verdict,
        route=found.route,
        turn=found.turn,
        inliers=inliers,
        coverage=coverage,
        kept_left=kept_left,
        kept_right=kept_right,
        angle=angle,
        edits=edits,
        agreement=agreement,
    )
    if DEBUG_MEASURES is not None:
        DEBUG_MEASURES[:] = [(int(r), m) for r, m in zip(measure_rows.tolist(), measures, strict=True)]
    return pairs


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _rows(found: Candidates, keep: np.ndarray) -> Candidates:
    return Candidates(*(getattr(found, name)[keep] for name in Candidates.__slots__))
