"""Packed hashes (models.Hashes): a fingerprint's turned and window hashes read like tuples of ints, cost a fifth of
them, and stack into the (n, k) tables the pair search uses."""

from __future__ import annotations

import pickle
import random
import sys

import numpy as np
import pytest

from dupfinder.core.matching.candidates import hash_table
from dupfinder.core.models import FileEntry, Fingerprint, Hashes, ImageRecord


def _values(rng: random.Random, count: int) -> tuple[int, ...]:
    return (*(rng.getrandbits(64) for _ in range(count - 2)), 0, 2**64 - 1)


def test_packed_hashes_read_like_the_tuple_they_were_made_from():
    values = _values(random.Random(1), 52)
    packed = Hashes.of(values)
    assert len(packed) == 52 and tuple(packed) == values and packed == values
    assert packed[0] == values[0] and packed[-1] == 2**64 - 1 and packed[3:7] == values[3:7]
    with pytest.raises(IndexError):
        packed[52]
    assert packed.array.dtype == np.uint64 and packed.array.tolist() == list(values)
    assert Hashes.of(bytes(packed)) == packed and packed != values[:-1]
    assert sys.getsizeof(packed) < sys.getsizeof(values) + sum(map(sys.getsizeof, values)) / 4


def test_a_fingerprint_packs_ints_and_equals_one_made_from_bytes():
    rng = random.Random(2)
    turned, windows = _values(rng, 7), _values(rng, 52)
    from_ints = Fingerprint(10, 20, "PNG", 1, 2, 3, 4, None, turned, turned, windows, windows)
    packed = (Hashes.of(v) for v in (turned, turned, windows, windows))
    from_bytes = Fingerprint(10, 20, "PNG", 1, 2, 3, 4, None, *packed)
    assert from_ints == from_bytes and hash(from_ints) == hash(from_bytes)
    assert type(from_ints.window_dhash) is Hashes and from_ints.window_dhash == windows
    assert pickle.loads(pickle.dumps(from_ints)) == from_ints  # the fingerprint workers and Dask send them so
    assert Fingerprint(1, 1, "PNG", 0, 0, 0, 0).turned_phash == ()


def test_hash_table_stacks_the_rows_and_masks_images_without_them():
    rng = random.Random(3)
    rows = [_values(rng, 7) if k % 4 else () for k in range(40)]
    images = [
        ImageRecord(FileEntry(f"/p/{k}.jpg", 1, 0, 1, k), Fingerprint(8, 8, "PNG", 0, 0, 0, 0, None, row))
        for k, row in enumerate(rows)
    ]
    table = hash_table(images, "turned_phash")
    assert table.shape == (40, 7) and table.dtype == np.uint64
    assert np.ma.getmaskarray(table).any(axis=1).tolist() == [not row for row in rows]
    assert [tuple(r) for r, row in zip(table.tolist(), rows, strict=True) if row] == [row for row in rows if row]
    full = hash_table(images[1:4], "turned_phash")
    assert not isinstance(full, np.ma.MaskedArray) and full.tolist() == [list(r) for r in rows[1:4]]
    assert hash_table(images, "window_phash") is None
