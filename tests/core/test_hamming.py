"""Pair search against brute force in pure Python, on random data (with near neighbours planted)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from dupfinder.core import hamming


def _values(rng: random.Random, count: int, bits: int) -> list[int]:
    """Distinct random hashes, half of them a few flipped bits away from another."""
    values = {rng.getrandbits(bits) for _ in range(count // 2)}
    for v in list(values):
        for _ in range(rng.randrange(1, 12)):
            v ^= 1 << rng.randrange(bits)
        values.add(v)
    return sorted(values)


def _expected(values: list[int], r: int) -> set[tuple[int, int, int]]:
    return {
        (i, j, (values[i] ^ values[j]).bit_count())
        for i in range(len(values))
        for j in range(i + 1, len(values))
        if (values[i] ^ values[j]).bit_count() <= r
    }


def _masks(bits: int, tolerance: int) -> int:
    return sum(math.comb(bits, k) for k in range(tolerance + 1))


def _found(result) -> set[tuple[int, int, int]]:
    left, right, distance = result
    return set(zip(left.tolist(), right.tolist(), distance.tolist(), strict=True))


@pytest.mark.parametrize("bits", [64, 128])
@pytest.mark.parametrize("r", [0, 3, 10, 16, 40])
def test_both_methods_match_python(bits, r):
    rng = random.Random(bits * 100 + r)
    values = _values(rng, 300, bits)
    words = hamming.to_words(values)
    expected = _expected(values, r)
    ticks = []
    assert _found(hamming.brute_force(words, r, ticks.append)) == expected
    assert sum(ticks) == len(values)
    for per_word in (3, 4, 5):
        chunks = hamming.chunk_layout(words.shape[1], per_word, r)
        if chunks is not None and all(_masks(c.bits, c.tolerance) < 10_000 for c in chunks):
            assert _found(hamming.multi_index(words, r, chunks, lambda n: None)) == expected
    assert _found(hamming.pairs_within(words, r, lambda n: None)) == expected


def test_planted_pairs_are_found_by_multi_index():
    rng = random.Random(7)
    values = _values(rng, 2000, 64)
    chunks = hamming.chunk_layout(1, 3, 10)
    found = _found(hamming.multi_index(hamming.to_words(values), 10, chunks, lambda n: None))
    assert found == _expected(values, 10)
    assert len(found) > 500


def test_chunk_tolerances_satisfy_pigeonhole():
    for words in (1, 2):
        for r in range(0, 40):
            for per_word in range(3, 9):
                chunks = hamming.chunk_layout(words, per_word, r)
                if chunks is None:
                    continue
                assert sum(c.bits for c in chunks) == 64 * words
                assert sum(c.tolerance + 1 for c in chunks) > r


def test_plan_prefers_multi_index_for_many_values_at_moderate_radius():
    assert hamming.plan(1_000_000, 1, 10)[0] is not None
    assert hamming.plan(1_000, 1, 16)[0] is None


def test_to_words_splits_wide_hashes():
    words = hamming.to_words([(1 << 127) | 5, 3])
    assert words.dtype == np.uint64
    assert words.tolist() == [[1 << 63, 5], [0, 3]]
    assert hamming.to_words([1, 2]).shape == (2, 1)
