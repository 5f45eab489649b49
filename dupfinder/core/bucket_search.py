"""Near pairs among hundreds of thousands to millions of hashes: bucket tables (locality-sensitive hashing).

The exact searches of hamming.py cost O(n^2) at the radii the matching needs (16 bits on pHash+dHash, 12 on the
seven turned orientations, 10 on 48 crop windows): 10^11 to 10^13 comparisons at a million images. Past a size
where that stops being interactive, candidates come from bucket tables instead:

* each table takes a few contiguous bits of every hash word (a rotation and a mask: cheap on numpy arrays) as the
  key; two hashes within a few bits of each other share the key with a probability that falls with their distance
  (table_hit_probability), and `tables` independent tables make a miss unlikely at the distances copies have;
* a bucket's members are compared with each other (then verified on every hash word, within the radius of each:
  the vetoes are applied inside the search, so memory holds found pairs only);
* a bucket of more than `cap` members is a cluster of near-copies (or degenerate hashes): every member is compared
  with its first member (lowest row) only. The lowest row of a cluster shares a bucket with most of its copies in
  one table or another, so it ends with an edge to nearly every copy: star grouping (grouping.cluster) makes it
  the reference of one group, while the pairs stay O(n * tables) whatever the cluster sizes, where all pairs of a
  1,000-copy cluster would be half a million. A query of a join meets at most `cap` members of a bucket (its
  lowest rows) for the same reason.

The cost is O(tables * (queries + keys)), independent of the data's structure; what it gives up is certainty: a pair
is missed with the probability (1 - p)^tables. bench_pair_search.py measures both on generated fingerprints.

The loops are compiled with numba: bucketing, probing and verifying a row in one pass, where numpy's vectorised
version of the same steps (measured first: a dozen passes over temporaries per table) took twice as long on the
same benchmark, about 130 ns a row, a million images at minutes. They release the GIL, so
routes can run on two threads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

Tick = Callable[[int], None]
QUERY_BLOCK = 1 << 21  # query rows per pass: bounds the temporaries (~100 MB) whatever the number of queries


@dataclass(frozen=True, slots=True)
class Table:
    """A bucket key: `bits[w]` contiguous bits of word w, after rotating it right by `shifts[w]`."""

    shifts: tuple[int, ...]
    bits: tuple[int, ...]

    @property
    def key_bits(self) -> int:
        return sum(self.bits)


def tables_for(words: int, key_bits: int, count: int, seed: int = 0) -> tuple[Table, ...]:
    """`count` tables of `key_bits` bits split evenly over `words` words, at rotations spread over the word (a
    fixed seed: the same scan finds the same pairs)."""
    rng = np.random.default_rng(seed)
    split = [key_bits // words + (1 if w < key_bits % words else 0) for w in range(words)]
    tables = []
    for t in range(count):
        base = (t * 64) // max(1, count)
        shifts = tuple(int((base + rng.integers(0, 64)) % 64) if w else base % 64 for w in range(words))
        tables.append(Table(shifts, tuple(split)))
    return tuple(tables)


def key_bits_for(keys: int) -> int:
    """Key width giving about one key per two buckets: few chance candidates, small count tables."""
    return int(min(24, max(8, math.ceil(math.log2(max(2, keys))) + 1)))


def table_hit_probability(distance: int, word_bits: int, key_bits: int) -> float:
    """Chance that a pair `distance` bits apart (positions random among word_bits) shares one table's key."""
    if distance > word_bits - key_bits:
        return 0.0
    return math.comb(word_bits - distance, key_bits) / math.comb(word_bits, key_bits)


def tables_needed(distance: int, word_bits: int, key_bits: int, recall: float) -> int:
    """Tables for a pair `distance` bits apart to be found with probability `recall`."""
    p = table_hit_probability(distance, word_bits, key_bits)
    if p <= 0:
        return 10**9
    if p >= 1:
        return 1
    return max(1, math.ceil(math.log(1 - recall) / math.log(1 - p)))


def _table_arrays(table: Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shifts = np.array(table.shifts, np.uint64)
    masks = np.array([(1 << b) - 1 for b in table.bits], np.uint64)
    offsets = np.array(np.cumsum((0, *table.bits[:-1])), np.uint64)
    return shifts, masks, offsets


def keys_of(values: np.ndarray, table: Table) -> np.ndarray:
    """(n,) int64 bucket key of each (n, words) uint64 row."""
    out = np.empty(len(values), np.int64)
    _keys(np.ascontiguousarray(values), *_table_arrays(table), out)
    return out


def self_pairs(
    values: np.ndarray,
    radii: tuple[int, ...],
    tables: tuple[Table, ...],
    cap: int,
    tick: Tick,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pairs i < j of (n, words) `values` sharing a bucket in some table and within radii[w] bits in every
    word w: (i, j, largest word distance), each pair once. With `threads` > 1 the tables are split between threads
    (the kernels release the GIL) and their pairs merged; `tick` must then be safe to call from any of them."""
    values = np.ascontiguousarray(values)
    limits = np.array(radii, np.int64)

    def search(share: tuple[Table, ...]) -> _Found:
        found = _Found(len(values))
        for table in share:
            keys = keys_of(values, table)
            starts, order = _counting_sort(keys, 1 << table.key_bits)
            found.add(_bucket_pairs(values[order], starts, order, limits, cap, found.width))
            tick(len(values))
        return found

    if threads <= 1 or len(tables) < 2:
        return search(tables).result()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        parts = list(pool.map(search, [tables[t::threads] for t in range(threads)]))
    total = parts[0]
    for part in parts[1:]:
        total.codes = _merged(total.codes, part.codes)
    return total.result()


def join_pairs(
    queries: np.ndarray | Callable[[int, int], np.ndarray],
    query_count: int,
    keys: np.ndarray,
    radii: tuple[int, ...],
    tables: tuple[Table, ...],
    cap: int,
    tick: Tick,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query row, key row, largest word distance) of query/key pairs sharing a bucket in some table and within
    radii[w] bits in every word w, each pair once. `queries` is an array or a function (start, stop) -> rows, so a
    query table of tens of millions of rows (crop windows) is never whole in memory. `tick` hears the key rows
    bucketed and the query rows probed."""
    keys = np.ascontiguousarray(keys)
    found = _Found(len(keys), query_count)
    limits = np.array(radii, np.int64)
    for table in tables:
        starts, order = _counting_sort(keys_of(keys, table), 1 << table.key_bits)
        bucketed = keys[order]  # each bucket's rows side by side: a probe reads one stretch of memory
        arrays = _table_arrays(table)
        tick(len(keys))
        for q0 in range(0, query_count, QUERY_BLOCK):
            q1 = min(query_count, q0 + QUERY_BLOCK)
            block = queries[q0:q1] if isinstance(queries, np.ndarray) else queries(q0, q1)
            found.add(_probe(np.ascontiguousarray(block), bucketed, starts, order, *arrays, limits, cap, found.width,
                             q0))  # fmt: skip
            tick(q1 - q0)
    return found.result()


class _Found:
    """Pairs found so far, as sorted unique codes: (query/left row * width + key/right row) << 8 | distance.

    The kernels write one such int64 code per pair (8 bytes, not the 17 of two rows and a distance); each table's
    codes are sorted in place and de-duplicated (a pair has one distance, so its codes are equal wherever it was
    found), then merged into the sorted total in one linear pass: a pair meets in many tables, and sorting everything
    found at the end would hold every table's copies at once (at a million images, a gigabyte for ten million
    pairs)."""

    def __init__(self, width: int, rows: int | None = None) -> None:
        if (rows or width) * width >= 1 << 55:
            raise ValueError(f"too many rows for one search: {rows or width:,} x {width:,}")
        self.width = np.int64(width)
        self.codes = np.empty(0, np.int64)

    def add(self, codes: np.ndarray) -> None:
        codes.sort()
        if len(codes) > 1:
            codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
        self.codes = _merged(self.codes, codes)

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pair = self.codes >> 8
        return pair // self.width, pair % self.width, (self.codes & 255).astype(np.uint8)


@numba.njit(cache=True, nogil=True)
def _merged(a, b):
    """The union of two sorted unique code arrays."""
    out = np.empty(len(a) + len(b), np.int64)
    x = y = n = 0
    while x < len(a) or y < len(b):
        if y == len(b) or (x < len(a) and a[x] < b[y]):
            out[n] = a[x]
            x += 1
        elif x == len(a) or b[y] < a[x]:
            out[n] = b[y]
            y += 1
        else:
            out[n] = a[x]
            x += 1
            y += 1
        n += 1
    return out[:n].copy()


@numba.njit(cache=True, nogil=True)
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@numba.njit(cache=True, nogil=True)
def _key(values, row, shifts, masks, offsets):
    key = np.uint64(0)
    for w in range(values.shape[1]):
        x = values[row, w]
        s = shifts[w]
        if s:
            x = (x >> s) | (x << (np.uint64(64) - s))
        key |= (x & masks[w]) << offsets[w]
    return np.int64(key)


@numba.njit(cache=True, nogil=True)
def _keys(values, shifts, masks, offsets, out):
    for row in range(values.shape[0]):
        out[row] = _key(values, row, shifts, masks, offsets)


@numba.njit(cache=True, nogil=True)
def _counting_sort(keys, buckets):
    """(start of each bucket in `order`, with a final end; rows by bucket, ascending within one)."""
    starts = np.zeros(buckets + 1, np.int64)
    for k in keys:
        starts[k + 1] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts.copy()
    order = np.empty(len(keys), np.int64)
    for row in range(len(keys)):
        k = keys[row]
        order[fill[k]] = row
        fill[k] += 1
    return starts, order


@numba.njit(cache=True, nogil=True)
def _distance(a, i, b, j, limits):
    """Largest word distance of a[i] and b[j], or -1 when a word is past its limit."""
    largest = 0
    for w in range(a.shape[1]):
        d = _popcount(a[i, w] ^ b[j, w])
        if d > limits[w]:
            return -1
        largest = max(largest, d)
    return largest


@numba.njit(cache=True, nogil=True)
def _grown(array, size):
    out = np.empty(max(2 * len(array), size), array.dtype)
    out[: len(array)] = array
    return out


@numba.njit(cache=True, nogil=True)
def _bucket_pairs(bucketed, starts, order, limits, cap, width):
    """Verified pairs within each bucket, as _Found codes: all pairs of a bucket of up to `cap` rows, else each row
    with the first. `bucketed` holds the rows in `order`."""
    codes = np.empty(1024, np.int64)
    n = 0
    for b in range(len(starts) - 1):
        s, e = starts[b], starts[b + 1]
        if e - s < 2:
            continue
        for x in range(s, e - 1):
            if e - s > cap and x > s:
                break
            for y in range(x + 1, e):
                d = _distance(bucketed, x, bucketed, y, limits)
                if d < 0:
                    continue
                if n == len(codes):
                    codes = _grown(codes, n + 1)
                i, j = min(order[x], order[y]), max(order[x], order[y])
                codes[n] = (i * width + j) << 8 | d
                n += 1
    return codes[:n].copy()


@numba.njit(cache=True, nogil=True)
def _probe(queries, bucketed, starts, order, shifts, masks, offsets, limits, cap, width, first_query):
    """Verified (query, key) pairs as _Found codes (queries numbered from first_query): each query against the first
    `cap` rows of its bucket (`bucketed`: the key rows in `order`)."""
    codes = np.empty(1024, np.int64)
    n = 0
    for q in range(queries.shape[0]):
        k = _key(queries, q, shifts, masks, offsets)
        s, e = starts[k], min(starts[k + 1], starts[k] + cap)
        for x in range(s, e):
            d = _distance(queries, q, bucketed, x, limits)
            if d < 0:
                continue
            if n == len(codes):
                codes = _grown(codes, n + 1)
            codes[n] = ((q + first_query) * width + order[x]) << 8 | d
            n += 1
    return codes[:n].copy()
