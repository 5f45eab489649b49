"""The pair search at dataset scale: bucket tables (bucket_search) and the routes built on them
(matching.scaled_candidates), checked against the exact search on the same hashes."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.core import bucket_search
from dupfinder.core.fingerprint import TURNS
from dupfinder.core.matching import candidates, scaled_candidates
from dupfinder.core.matching.windows import CROP_WINDOWS, WINDOWS
from dupfinder.core.models import FileEntry, Fingerprint, ImageRecord, Route


def _flip(rng, values: np.ndarray, bits: int) -> np.ndarray:
    out = values.copy()
    for index in np.ndindex(out.shape):
        for b in rng.choice(64, bits, replace=False):
            out[index] ^= np.uint64(1) << np.uint64(int(b))
    return out


def _random(rng, shape) -> np.ndarray:
    return rng.integers(0, 2**64 - 1, shape, dtype=np.uint64, endpoint=True)


def _brute(a: np.ndarray, b: np.ndarray, radii) -> set[tuple[int, int]]:
    distance = np.stack([np.bitwise_count(a[:, None, w] ^ b[None, :, w]) for w in range(a.shape[1])])
    within = (distance <= np.array(radii)[:, None, None]).all(axis=0)
    return set(zip(*np.nonzero(within), strict=True))


def test_self_pairs_find_planted_copies_and_only_pairs_within_the_radii():
    rng = np.random.default_rng(3)
    values = _random(rng, (3000, 2))
    copies = _flip(rng, values[:500], 3)  # 6 bits apart over both words
    values = np.concatenate([values, copies])
    tables = bucket_search.tables_for(2, bucket_search.key_bits_for(len(values)), 16)
    left, right, distance = bucket_search.self_pairs(values, (5, 5), tables, 4, lambda rows: None)
    found = set(zip(left.tolist(), right.tolist(), strict=True))
    planted = {(i, 3000 + i) for i in range(500)}
    assert len(planted & found) / len(planted) >= 0.97
    assert found <= {(int(i), int(j)) for i, j in _brute(values, values, (5, 5)) if i < j}
    exact = np.bitwise_count(values[left] ^ values[right]).max(axis=1)
    assert np.array_equal(distance, exact)
    assert (left < right).all() and len(found) == len(left)


def test_a_big_bucket_links_every_member_to_its_first_row_only():
    rng = np.random.default_rng(4)
    centre = _random(rng, (1, 2))
    values = np.concatenate([centre, _flip(rng, np.repeat(centre, 40, axis=0), 1)])
    tables = bucket_search.tables_for(2, 12, 1)
    left, right, _ = bucket_search.self_pairs(values, (3, 3), tables, 4, lambda rows: None)
    in_bucket = bucket_search.keys_of(values, tables[0]) == bucket_search.keys_of(centre, tables[0])[0]
    members = set(np.flatnonzero(in_bucket).tolist()) - {0}
    assert len(members) > 4
    edges = set(zip(left.tolist(), right.tolist(), strict=True))
    assert {(0, m) for m in members} <= edges
    assert not any(a in members and b in members for a, b in edges)  # not the members' len * (len - 1) / 2 pairs


def test_join_pairs_agree_with_brute_force_and_accept_queries_in_blocks(monkeypatch):
    rng = np.random.default_rng(5)
    keys = _random(rng, (2000, 1))
    queries = np.concatenate([_random(rng, (3000, 1)), _flip(rng, keys[:300], 2)])
    tables = bucket_search.tables_for(1, 10, 12)
    monkeypatch.setattr(bucket_search, "QUERY_BLOCK", 700)
    whole = bucket_search.join_pairs(queries, len(queries), keys, (4,), tables, 8, lambda rows: None)
    blocks = bucket_search.join_pairs(lambda a, b: queries[a:b], len(queries), keys, (4,), tables, 8, lambda r: None)
    assert all(np.array_equal(x, y) for x, y in zip(whole, blocks, strict=True))
    found = set(zip(whole[0].tolist(), whole[1].tolist(), strict=True))
    assert found <= {(int(q), int(k)) for q, k in _brute(queries, keys, (4,))}
    planted = {(3000 + i, i) for i in range(300)}
    assert len(planted & found) / len(planted) >= 0.97


def test_table_counts_follow_the_hit_probability():
    assert bucket_search.table_hit_probability(0, 64, 20) == 1.0
    assert bucket_search.table_hit_probability(50, 64, 20) == 0.0
    few = bucket_search.tables_needed(4, 128, 20, 0.95)
    assert few < bucket_search.tables_needed(12, 128, 20, 0.95)
    p = bucket_search.table_hit_probability(12, 128, 20)
    n = bucket_search.tables_needed(12, 128, 20, 0.95)
    assert 1 - (1 - p) ** n >= 0.95 > 1 - (1 - p) ** (n - 1)


def test_representatives_are_the_best_connected_image_of_each_cluster():
    # 0-1, 0-2, 0-3 close; 4-5 close; 6 alone; 3-7 far (not within the bits)
    left = np.array([0, 0, 0, 4, 3])
    right = np.array([1, 2, 3, 5, 7])
    distance = np.array([2, 3, 4, 1, 12])
    chosen = scaled_candidates.representatives(8, left, right, distance, 8)
    assert np.flatnonzero(chosen).tolist() == [0, 4, 6, 7]


def test_merged_rows_prefer_identical_then_close_plain_then_nearest_as_lexsort_did():
    rng = np.random.default_rng(6)
    n = 5000
    block = candidates.row_block(rng.integers(0, 50, n), rng.integers(50, 100, n), rng.integers(0, 20, n),
                                 rng.random(n) < 0.05, rng.integers(0, 4, n).astype(np.uint8), np.zeros(n, np.uint8),
                                 np.full(n, -1, np.int16), np.zeros(n, bool))  # fmt: skip
    left, right, distance, identical, route = (block[k].astype(np.int64) for k in range(5))
    identical = identical.astype(bool)
    rows = [list(block)]  # merge_rows empties the blocks it is given
    merged = candidates.merge_rows(rows, 100, 12)
    assert rows == []
    keys = left * 100 + right
    preferred = (route == Route.PLAIN) & (distance <= 12)
    order = np.lexsort((route, distance, ~preferred, ~identical, keys))
    first = np.r_[True, keys[order][1:] != keys[order][:-1]]
    pick = order[first]
    assert np.array_equal(merged.left, left[pick]) and np.array_equal(merged.route, route[pick])
    assert np.array_equal(merged.distance_bits, distance[pick])


def _record(i: int, phash, dhash, turned_p, turned_d, window_p, window_d, size=(4000, 3000)) -> ImageRecord:
    fingerprint = Fingerprint(
        size[0], size[1], "JPEG", 0, int(phash), int(dhash), 0,
        turned_phash=tuple(int(v) for v in turned_p), turned_dhash=tuple(int(v) for v in turned_d),
        window_phash=tuple(int(v) for v in window_p), window_dhash=tuple(int(v) for v in window_d), detail=30.0,
    )  # fmt: skip
    return ImageRecord(FileEntry(f"/photos/{i:05d}.jpg", 1000, 0, 1, i), fingerprint)


@pytest.fixture
def library():
    """600 random pictures, then: a re-encoded copy of 0, a mirrored copy of 1, a crop of 2 (window 13), and a
    copy of 3 whose top edge strip alone is still alike."""
    rng = np.random.default_rng(8)
    turns, windows = len(TURNS), len(WINDOWS)
    base = [(_random(rng, 2), _random(rng, (2, turns)), _random(rng, (2, windows))) for _ in range(600)]
    images = [_record(i, up[0], up[1], tu[0], tu[1], wi[0], wi[1]) for i, (up, tu, wi) in enumerate(base)]
    up, tu, wi = base[0]
    images.append(_record(600, *_flip(rng, up, 2), *_flip(rng, tu, 2), *_flip(rng, wi, 2)))
    up, tu, wi = base[1]
    mirror = _random(rng, (2, turns))
    mirror[:, 0] = _flip(rng, up, 1)  # FLIP_LEFT_RIGHT is its own inverse
    images.append(_record(601, *_flip(rng, tu[:, 0], 2), *mirror, *_random(rng, (2, windows))))
    up, tu, wi = base[2]
    box = WINDOWS[13]
    size = (round(4000 * (box[2] - box[0])), round(3000 * (box[3] - box[1])))
    crop = _record(602, *_flip(rng, np.array([wi[0, 13], up[1]]), 2), *_random(rng, (2, turns)),
                   *_random(rng, (2, windows)), size=size)  # fmt: skip
    images.append(crop)
    up, tu, wi = base[3]
    covered = _random(rng, (2, windows))
    covered[:, CROP_WINDOWS] = _flip(rng, wi[:, CROP_WINDOWS], 1)
    images.append(_record(603, *_random(rng, 2), *_random(rng, (2, turns)), *covered))
    return images


def test_the_scaled_routes_find_what_the_exact_routes_find(library, monkeypatch):
    exact = candidates.find_candidates(library, 18, plain_preferred_bits=12)
    monkeypatch.setattr(candidates, "EXACT_MAX_IMAGES", 100)
    scaled = candidates.find_candidates(library, 18, plain_preferred_bits=12)
    rows = {(int(a), int(b)): (int(r), int(t), int(w)) for a, b, r, t, w in
            zip(scaled.left, scaled.right, scaled.route, scaled.turn, scaled.window, strict=True)}  # fmt: skip
    assert rows[(0, 600)][0] == Route.PLAIN
    assert rows[(1, 601)][:2] == (Route.TURNED, 1)
    assert rows[(2, 602)] == (Route.WINDOW, 0, 13)
    assert rows[(3, 603)] == (Route.PARTIAL, 0, CROP_WINDOWS)
    exact_rows = {(int(a), int(b)): (int(r), int(d)) for a, b, r, d in
                  zip(exact.left, exact.right, exact.route, exact.distance_bits, strict=True)}  # fmt: skip
    for pair in [(0, 600), (1, 601), (2, 602), (3, 603)]:
        assert exact_rows[pair][0] == rows[pair][0]
    for a, b, r, d in zip(scaled.left, scaled.right, scaled.route, scaled.distance_bits, strict=True):
        assert exact_rows[(int(a), int(b))] == (int(r), int(d))  # nothing the exact search would not propose


def test_the_scaled_search_reports_progress_to_its_total_and_can_be_cancelled(library, monkeypatch):
    from dupfinder.core.progress import CancelToken, ScanCancelled

    monkeypatch.setattr(candidates, "EXACT_MAX_IMAGES", 100)
    events = []
    candidates.find_candidates(library, 18, progress=events.append)
    assert events[-1].total is not None and events[-1].done == events[-1].total > 0
    token = CancelToken()
    token.cancel()
    with pytest.raises(ScanCancelled):
        candidates.find_candidates(library, 18, cancel=token)


def test_self_pairs_on_two_threads_find_the_same_pairs_as_on_one():
    rng = np.random.default_rng(9)
    values = np.concatenate([_random(rng, (2000, 2)), np.repeat(_random(rng, (1, 2)), 30, axis=0)])
    values = np.concatenate([values, _flip(rng, values[:400], 2)])
    tables = bucket_search.tables_for(2, bucket_search.key_bits_for(len(values)), 9)
    one = bucket_search.self_pairs(values, (4, 4), tables, 4, lambda rows: None)
    ticks = []
    two = bucket_search.self_pairs(values, (4, 4), tables, 4, ticks.append, threads=2)
    assert all(np.array_equal(a, b) for a, b in zip(one, two, strict=True))
    assert len(one[0]) > 400 and sum(ticks) == 9 * len(values)
