"""All pairs of distinct hash values within a Hamming distance, vectorised with numpy.

Hash values arrive as an (n, words) uint64 array (a 128-bit phash+dhash is two words; its distance is the sum of
both words' distances). Two exact methods, chosen per call by a cost model calibrated on random 64-bit hashes
(tests/benchmarks/bench_grouping.py):

* blocked brute force: XOR one block of rows against all later rows, `np.bitwise_count`, keep <= r. About 1.25 ns
  per pair and word, whatever the data, so it is the fallback and wins for small inputs and loose radii.
* multi-index hashing (Norouzi et al.): split the hash into m chunks with tolerances s_c where
  sum(s_c + 1) > r; by pigeonhole a pair within r is within s_c bits in some chunk c. Each chunk's values are
  bucketed (counting sort over 2**bits keys); every value looks up the buckets of its chunk XOR every mask of at most
  s_c bits, and the candidates are verified on the full hash. It wins by an order of magnitude on large inputs at
  moderate radii (e.g. 1M values at r=10), and loses at r>=16 on 64 bits, where almost every pair is a candidate.

A BK-tree (what the plan first named) was measured and dropped: on random 64-bit hashes at r=16 a dict-based
iterative BK-tree took 10.9 s for 10k values and pybktree 2.4 s for 3k, where brute force takes 0.08 s for 10k:
at that radius a BK-tree visits almost every node, at Python speed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BLOCK_ELEMENTS = 1 << 22  # pairs per brute-force block (~40 MB of temporaries, ~6 ms of work)
LOOKUP_ELEMENTS = 1 << 18  # bucket look-ups per multi-index block (< 0.1 s with its candidates)
MAX_CHUNK_BITS = 24  # largest bucket table: 2**24 int32 counts = 64 MB

# Costs in nanoseconds, measured on random 64-bit hashes (2-core x86-64, numpy 2.4); only their ratios matter.
NS_PER_PAIR_WORD = 1.25  # brute force, per pair and 64-bit word
NS_PER_LOOKUP_SMALL = 5.0  # bucket look-up while the count table fits in cache (<= 16-bit chunks)
NS_PER_LOOKUP_LARGE = 10.0  # bucket look-up in a larger table
NS_PER_CANDIDATE = 20.0  # expanding and verifying one candidate pair

Tick = Callable[[int], None]  # called with units of work done; checks cancellation and reports progress


@dataclass(frozen=True, slots=True)
class Chunk:
    """`bits` bits of word `word`, starting at bit `shift`, matched within `tolerance` bits."""

    word: int
    shift: int
    bits: int
    tolerance: int


def to_words(hashes: list[int] | tuple[int, ...]) -> np.ndarray:
    """Python int hashes as an (n, words) uint64 array, most significant word first."""
    widest = max((h.bit_length() for h in hashes), default=0)
    words = max(1, math.ceil(widest / 64))
    if words == 1:
        return np.array(hashes, dtype=np.uint64).reshape(-1, 1)
    size = 8 * words
    raw = b"".join(h.to_bytes(size, "big") for h in hashes)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, words)


def plan(count: int, words: int, max_distance_bits: int) -> tuple[tuple[Chunk, ...] | None, float]:
    """The cheapest method for `count` distinct values: (None, cost) for brute force or (chunks, cost)."""
    best: tuple[tuple[Chunk, ...] | None, float] = (None, count * (count - 1) / 2 * words * NS_PER_PAIR_WORD)
    for per_word in range(1, 17):
        chunks = chunk_layout(words, per_word, max_distance_bits)
        if chunks is None:
            continue
        cost = 0.0
        for c in chunks:
            masks = _mask_count(c.bits, c.tolerance)
            lookup = NS_PER_LOOKUP_SMALL if c.bits <= 16 else NS_PER_LOOKUP_LARGE
            cost += count * masks * (lookup + count / 2**c.bits * NS_PER_CANDIDATE)
        if cost < best[1]:
            best = (chunks, cost)
    return best


def pairs_within(values: np.ndarray, max_distance_bits: int, tick: Tick) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All row pairs i < j of distinct `values` within max_distance_bits, by the cheaper method: (left, right,
    distance). `tick(rows)` is called every few ms; the rows add up to work_units(...)."""
    chunks, _ = plan(len(values), values.shape[1], max_distance_bits)
    if chunks is None:
        return brute_force(values, max_distance_bits, tick)
    return multi_index(values, max_distance_bits, chunks, tick)


def work_units(count: int, words: int, max_distance_bits: int) -> int:
    """What the ticks of pairs_within add up to (a progress total)."""
    chunks, _ = plan(count, words, max_distance_bits)
    return count if chunks is None else count * len(chunks)


def brute_force(values: np.ndarray, r: int, tick: Tick) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs by comparing every row with every later row, a block of rows at a time.

    The temporaries are allocated once: fresh multi-megabyte arrays per block cost more than the XORs."""
    count = len(values)
    columns = [np.ascontiguousarray(values[:, w]) for w in range(values.shape[1])]
    size = min(BLOCK_ELEMENTS + count, count * count)
    xor, bits, total = np.empty(size, np.uint64), np.empty(size, np.uint8), np.empty(size, np.uint8)
    near = np.empty(size, bool)
    lefts, rights, dists = [], [], []
    start = 0
    while start < count:
        rows = max(1, BLOCK_ELEMENTS // (count - start))
        stop = min(count, start + rows)
        shape = (stop - start, count - start)
        n = shape[0] * shape[1]
        d = total[:n].reshape(shape)
        for w, column in enumerate(columns):
            np.bitwise_xor(column[start:stop, None], column[None, start:], out=xor[:n].reshape(shape))
            np.bitwise_count(xor[:n], out=bits[:n] if w else total[:n])
            if w:
                np.add(total[:n], bits[:n], out=total[:n])
        np.less_equal(d, r, out=near[:n].reshape(shape))
        i, j = np.divmod(np.flatnonzero(near[:n]), shape[1])
        later = j > i  # column j is row start + j: keep only the upper triangle
        i, j = i[later], j[later]
        lefts.append(i + start)
        rights.append(j + start)
        dists.append(d[i, j])
        tick(stop - start)
        start = stop
    return _concat(lefts, rights, dists)


def pairs_between(
    queries: np.ndarray, keys: np.ndarray, r: int, tick: Tick
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query index, key index, distance) of every query/key pair of 64-bit values within r bits, by blocked brute
    force: used for the mirrored and turned hashes, which are compared with the upright ones only."""
    rows = max(1, BLOCK_ELEMENTS // max(1, len(keys)))
    found_q, found_k, found_d = [], [], []
    for start in range(0, len(queries), rows):
        block = queries[start : start + rows]
        distance = np.bitwise_count(block[:, None] ^ keys[None, :])
        q, k = np.nonzero(distance <= r)
        found_q.append(q + start)
        found_k.append(k)
        found_d.append(distance[q, k])
        tick(len(block))
    return _concat(found_q, found_k, found_d)


def multi_index(
    values: np.ndarray, r: int, chunks: tuple[Chunk, ...], tick: Tick
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs by multi-index hashing over `chunks` (see chunk_layout); verified on the full hash."""
    count = len(values)
    columns = [np.ascontiguousarray(values[:, w]) for w in range(values.shape[1])]
    lefts, rights, dists = [], [], []
    for chunk in chunks:
        keys = (columns[chunk.word] >> np.uint64(chunk.shift)) & np.uint64((1 << chunk.bits) - 1)
        keys = keys.astype(np.int64)
        order = np.argsort(keys, kind="stable")
        counts = np.bincount(keys, minlength=1 << chunk.bits).astype(np.int32)
        starts = np.cumsum(counts, dtype=np.int64) - counts
        masks = _masks(chunk.bits, chunk.tolerance)
        rows = max(1, LOOKUP_ELEMENTS // len(masks))
        for q0 in range(0, count, rows):
            q1 = min(count, q0 + rows)
            look = (keys[q0:q1, None] ^ masks[None, :]).ravel()
            hits = np.flatnonzero(counts[look])
            i, j = _expand(hits // len(masks) + q0, look[hits], counts, starts, order)
            later = j > i
            i, j = i[later], j[later]
            d = _gathered_distances(columns, i, j)
            near = d <= r
            lefts.append(i[near])
            rights.append(j[near])
            dists.append(d[near])
            tick(q1 - q0)
    left, right, dist = _concat(lefts, rights, dists)
    _, first = np.unique(left * np.int64(count) + right, return_index=True)  # a pair may match in several chunks
    return left[first], right[first], dist[first]


def _gathered_distances(columns: list[np.ndarray], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    total = np.bitwise_count(columns[0][i] ^ columns[0][j])
    for column in columns[1:]:
        total += np.bitwise_count(column[i] ^ column[j])
    return total


def _expand(query, key, counts, starts, order):
    """(query, member) for every member of bucket `key` of every look-up hit."""
    sizes = counts[key].astype(np.int64)
    total = int(sizes.sum())
    first = np.cumsum(sizes) - sizes
    offsets = np.arange(total, dtype=np.int64) - np.repeat(first - starts[key], sizes)
    return np.repeat(query, sizes), order[offsets]


def chunk_layout(words: int, per_word: int, r: int) -> tuple[Chunk, ...] | None:
    """Chunks for `per_word` chunks per word, tolerances summing to r - m + 1 (pigeonhole), or None if useless."""
    m = words * per_word
    spans = []
    for w in range(words):
        shift = 64
        for k in range(per_word):
            bits = 64 // per_word + (1 if k < 64 % per_word else 0)
            shift -= bits
            spans.append((w, shift, bits))
    if max(bits for _, _, bits in spans) > MAX_CHUNK_BITS:
        return None
    spare = max(0, r - m + 1)
    order = sorted(range(m), key=lambda c: -spans[c][2])  # extra tolerance to the widest chunks
    tolerance = [spare // m] * m
    for c in order[: spare % m]:
        tolerance[c] += 1
    if any(t >= spans[c][2] for c, t in enumerate(tolerance)):
        return None
    return tuple(Chunk(w, shift, bits, t) for (w, shift, bits), t in zip(spans, tolerance, strict=True))


def _mask_count(bits: int, tolerance: int) -> int:
    return sum(math.comb(bits, k) for k in range(tolerance + 1))


def _masks(bits: int, tolerance: int) -> np.ndarray:
    """Every `bits`-bit mask with at most `tolerance` bits set."""
    masks = [0]
    for k in range(1, tolerance + 1):
        masks.extend(sum(1 << b for b in combo) for combo in itertools.combinations(range(bits), k))
    return np.array(masks, dtype=np.int64)


def _concat(lefts, rights, dists):
    if not lefts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.uint8)
    return np.concatenate(lefts).astype(np.int64), np.concatenate(rights).astype(np.int64), np.concatenate(dists)
