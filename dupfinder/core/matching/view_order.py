"""The order the second measure takes its pairs in, so that few pictures' views are held at once.

A view is loaded at its picture's first pair and dropped after its last. Candidates come sorted by their first
image, and at dataset scale that holds almost every picture at once: for 10 million measured pairs among 970,000
pictures (bench_pair_search's 1M clustered kind), 842,000 views at the peak, ~80 KB each. Numbering the pictures in
breadth-first order of the pair graph and taking the pairs by that numbering keeps each group's pictures together:
47,000 at the peak (the largest cluster's). confirm.VIEW_BUDGET_BYTES bounds what is left. Compiled with numba
(loaded only here, past candidates.EXACT_MAX_IMAGES pictures: below that the views are few anyway).
"""

from __future__ import annotations

import numba
import numpy as np


def breadth_first_order(left: np.ndarray, right: np.ndarray, count: int) -> np.ndarray:
    """Indices that sort the pairs (left[k], right[k]) of images 0..count-1 by their images' breadth-first numbers
    (smaller, then larger). Built for ten million pairs: no argsort of the 20 million ends, and the sort key made in
    place (each int64 temporary would be 80 MB)."""
    starts, neighbours = _adjacency(count, left, right)
    position = _breadth_first(count, starts, neighbours)
    del starts, neighbours
    a, b = position[left], position[right]
    key = np.minimum(a, b).astype(np.int64)
    np.maximum(a, b, out=a)
    del b
    key *= count
    key += a
    del a
    return np.argsort(key, kind="stable")


@numba.njit(cache=True, nogil=True)
def _adjacency(count, left, right):
    """The pair graph as CSR (neighbours[starts[v]:starts[v + 1]]: v's other ends, those of the pairs where it is
    left first, each in pair order), by counting."""
    starts = np.zeros(count + 1, np.int64)
    for k in range(len(left)):
        starts[left[k] + 1] += 1
        starts[right[k] + 1] += 1
    for v in range(count):
        starts[v + 1] += starts[v]
    fill = starts[:-1].copy()
    neighbours = np.empty(2 * len(left), np.int32)
    for k in range(len(left)):
        neighbours[fill[left[k]]] = right[k]
        fill[left[k]] += 1
    for k in range(len(left)):
        neighbours[fill[right[k]]] = left[k]
        fill[right[k]] += 1
    return starts, neighbours


@numba.njit(cache=True, nogil=True)
def _breadth_first(count, starts, neighbours):
    """Each image's number in a breadth-first walk of the graph (CSR: neighbours[starts[v]:starts[v + 1]]), from
    each not yet numbered image in turn; -1 for images in no pair."""
    position = np.full(count, -1, np.int32)
    queue = np.empty(count, np.int32)
    n = 0
    for root in range(count):
        if position[root] >= 0 or starts[root] == starts[root + 1]:
            continue
        head = n
        position[root] = n
        queue[n] = root
        n += 1
        while head < n:
            v = queue[head]
            head += 1
            for k in range(starts[v], starts[v + 1]):
                w = neighbours[k]
                if position[w] < 0:
                    position[w] = n
                    queue[n] = w
                    n += 1
    return position
