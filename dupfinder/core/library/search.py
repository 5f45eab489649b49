"""Single-query search: which of n stored fingerprints are within a distance of one query fingerprint.

A fingerprint of several parts (options.HashKind, e.g. phash+dhash) is alike only when alike in every part, at the
largest of the parts' distances, exactly as the scan's pair search decides (grouping.pairs_for_parts).

Kept: a vectorised full scan (XOR and `np.bitwise_count` over the first part's n uint64 values, the other parts
only on the survivors). Measured on 1,000,000 random fingerprints at the presets' radii (6-18 bits), in
tests/benchmarks/bench_library_query.py, against a BK-tree (pybktree, and this project's own iterative one) and
multi-index hashing (hamming.py's chunks, prebuilt bucket tables, one query at a time): see the README
("Performance") for the figures and why the full scan was kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored fingerprint within the distance of the query: its position and its distance (largest part)."""

    index: int
    distance_bits: int
    turned: bool = False  # matched one of the query's mirrored/turned orientations, not the upright picture


def within(
    query: Sequence[int], columns: Sequence[np.ndarray], max_distance_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """(positions, distances) of the stored fingerprints alike to `query` in every part.

    query[p] is the query's hash of part p; columns[p] the stored hashes of part p (uint64, all of one length)."""
    first = np.bitwise_count(columns[0] ^ np.uint64(query[0]))
    positions = np.flatnonzero(first <= max_distance_bits)
    distance = first[positions].astype(np.int64)
    for value, column in zip(query[1:], columns[1:], strict=True):
        distance = np.maximum(distance, np.bitwise_count(column[positions] ^ np.uint64(value)))
        keep = distance <= max_distance_bits
        positions, distance = positions[keep], distance[keep]
    return positions, distance


def candidates(
    query: Sequence[int],
    columns: Sequence[np.ndarray],
    max_distance_bits: int,
    *,
    turned_query: Sequence[Sequence[int]] = (),
) -> list[Candidate]:
    """Every stored fingerprint within max_distance_bits of `query`, closest first (then by position).

    turned_query[t][p]: the query's hash of part p in its mirrored/turned orientation t (Fingerprint.turned_*),
    to find copies that are mirrored or turned; a stored fingerprint found several ways keeps its smallest distance."""
    best: dict[int, tuple[int, bool]] = {}
    for hashes, turned in ((query, False), *((t, True) for t in turned_query)):
        positions, distance = within(hashes, columns, max_distance_bits)
        for i, d in zip(positions.tolist(), distance.tolist(), strict=True):
            if i not in best or d < best[i][0]:
                best[i] = (d, turned)
    return sorted((Candidate(i, d, t) for i, (d, t) in best.items()), key=lambda c: (c.distance_bits, c.index))
