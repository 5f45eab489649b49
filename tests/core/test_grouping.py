"""find_pairs against brute force; grouping without chaining, identical files, thresholds and determinism."""

from __future__ import annotations

import random

import numpy as np
import pytest

from dupfinder.core import grouping
from dupfinder.core.grouping import cluster, find_pairs, regroup, usable_pairs
from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member, Pairs, ScanResult
from dupfinder.core.progress import CancelToken, ScanCancelled, ScanStage
from dupfinder.core.selection import choose_keeper, quality_rank


def _brute_pairs(hashes, digests, r):
    """Every pair within r, and each digest's first image with each other one of that digest (a star)."""
    out = {}
    for i in range(len(hashes)):
        for j in range(i + 1, len(hashes)):
            d = (hashes[i] ^ hashes[j]).bit_count()
            same = digests[i] is not None and digests[i] == digests[j]
            if d <= r or (same and digests.index(digests[i]) == i):
                out[(i, j)] = (d, same)
    return out


def _as_dict(pairs: Pairs):
    rows = zip(
        pairs.left.tolist(), pairs.right.tolist(), pairs.distance_bits.tolist(), pairs.identical.tolist(), strict=True
    )
    return {(i, j): (d, same) for i, j, d, same in rows}


def _random_hashes(rng, count, bits):
    base = [rng.getrandbits(bits) for _ in range(count // 3)]
    hashes = []
    for _ in range(count):
        h = rng.choice(base)
        for _ in range(rng.randrange(0, 14)):  # some copies stay equal: duplicate hash values
            h ^= 1 << rng.randrange(bits)
        hashes.append(h)
    for k in range(0, count - 1, 9):
        hashes[k + 1] = hashes[k]
    return hashes


@pytest.mark.parametrize("bits", [64, 128])
@pytest.mark.parametrize("r", [0, 6, 16, 60])
def test_find_pairs_matches_brute_force(bits, r):
    rng = random.Random(bits + r)
    hashes = _random_hashes(rng, 240, bits)
    digests = [bytes([rng.randrange(40)]) if rng.random() < 0.5 else None for _ in hashes]
    pairs = find_pairs(hashes, digests, r)
    assert _as_dict(pairs) == _brute_pairs(hashes, digests, r)
    assert len({h for h in hashes}) < len(hashes)  # duplicate values were exercised
    keys = pairs.left.astype(np.int64) * len(hashes) + pairs.right
    assert np.all(np.diff(keys) > 0)  # sorted by (left, right), no repeats
    assert pairs.left.dtype == np.int32 and pairs.distance_bits.dtype == np.uint8


def test_find_pairs_reports_progress_and_cancels():
    events = []
    hashes = list(range(3000))
    find_pairs(hashes, [None] * len(hashes), 4, progress=events.append)
    assert events and events[-1].stage is ScanStage.COMPARING
    assert events[-1].done == events[-1].total
    token = CancelToken()
    token.cancel()
    with pytest.raises(ScanCancelled):
        find_pairs(hashes, [None] * len(hashes), 4, cancel=token)


def test_find_pairs_of_nothing():
    assert len(find_pairs([], [], 10)) == 0
    assert len(find_pairs([5], [b"x"], 10)) == 0


def _pairs(hashes, digests=None, r=64):
    return find_pairs(hashes, digests or [None] * len(hashes), r)


def _groups(members):
    return [[m.image for m in g] for g in members]


def test_no_chaining():
    t = 8
    chain = [(1 << (k * t)) - 1 for k in range(5)]  # consecutive hashes t apart, k apart = k * t
    three = cluster(_pairs(chain[:3]), [0, 1, 2], t, 64)
    assert [[(m.image, m.distance_bits) for m in g] for g in three] == [[(1, 0), (0, t), (2, t)]]
    five = cluster(_pairs(chain), [0, 1, 2, 3, 4], t, 64)  # union-find would make one group of all five
    assert _groups(five) == [[1, 0, 2], [3, 4]]
    for group in five:
        ref = chain[group[0].image]
        assert all((chain[m.image] ^ ref).bit_count() <= t for m in group)


def test_members_within_threshold_of_reference_on_random_data():
    rng = random.Random(3)
    hashes = _random_hashes(rng, 400, 64)
    pairs = _pairs(hashes, r=20)
    rank = list(range(len(hashes)))
    rng.shuffle(rank)
    for t in (4, 10, 20):
        seen = set()
        for group in cluster(pairs, rank, t, 64):
            ref = group[0]
            assert ref.distance_bits == 0 and ref.similarity == 100.0
            for m in group[1:]:
                d = (hashes[m.image] ^ hashes[ref.image]).bit_count()
                assert d == m.distance_bits <= t
                assert m.similarity == pytest.approx(100 * (1 - d / 64))
            images = {m.image for m in group}
            assert not images & seen and len(images) == len(group) >= 2
            seen |= images


def test_identical_digests_grouped_even_when_hashes_differ():
    hashes = [0, (1 << 40) - 1, 0b111]
    digests = [b"same", b"same", None]
    groups = cluster(_pairs(hashes, digests), [1, 0, 2], 3, 64)
    assert len(groups) == 1
    (group,) = groups
    by_image = {m.image: m for m in group}
    assert group[0].image == 1  # the better-ranked twin is the reference
    assert by_image[0].identical and by_image[0].distance_bits == 0  # the same bytes: 100 % alike
    assert 2 not in by_image  # 2 is near 0 but not within 3 bits of the reference


def test_identical_set_is_one_node():
    hashes = [0, 0, 0, 0b11]
    digests = [b"d", b"d", b"d", None]
    (group,) = cluster(_pairs(hashes, digests), [3, 2, 1, 0], 4, 64)
    assert [m.image for m in group] == [3, 2, 1, 0]  # equal degree (3): the better rank leads
    assert not any(m.identical for m in group)
    (group,) = cluster(_pairs(hashes, digests), [1, 0, 3, 2], 4, 64)
    assert [m.image for m in group] == [1, 0, 2, 3]  # node {0,1,2} led by its best image 1; 3 joins at 2 bits
    assert [m.identical for m in group] == [False, True, True, False]
    assert group[3].distance_bits == 2


def test_tighter_threshold_splits_groups():
    hashes = [0, 0b1, 0b11 << 10, 0b111 << 10]
    pairs = _pairs(hashes)
    loose = cluster(pairs, [0, 1, 2, 3], 6, 64)
    tight = cluster(pairs, [0, 1, 2, 3], 1, 64)
    assert len(loose) == 1 and sorted(_groups(loose)[0]) == [0, 1, 2, 3]
    assert sorted(sorted(g) for g in _groups(tight)) == [[0, 1], [2, 3]]
    assert cluster(pairs, [0, 1, 2, 3], 0, 64) == []


def test_shuffled_input_gives_the_same_groups():
    rng = random.Random(11)
    hashes = _random_hashes(rng, 300, 64)
    digests = [bytes([rng.randrange(30)]) if rng.random() < 0.3 else None for _ in hashes]
    quality = list(range(len(hashes)))
    rng.shuffle(quality)

    def grouped(perm):
        h = [hashes[p] for p in perm]
        d = [digests[p] for p in perm]
        rank = [quality[p] for p in perm]
        result = cluster(find_pairs(h, d, 12), rank, 12, 64)
        return sorted(tuple(perm[m.image] for m in g) for g in result)

    order = list(range(len(hashes)))
    first = grouped(order)
    rng.shuffle(order)
    assert grouped(order) == first
    assert len(first) > 10


def _record(path, size=1000, width=100, height=100, fmt="JPEG", mtime_ns=0, protected=False, hash_=0, digest=None):
    file = FileEntry(path, size, mtime_ns, 1, abs(hash(path)), protected)
    return ImageRecord(file, Fingerprint(width, height, fmt, 0, hash_, 0, 0), digest)


def _result(images, r=16):
    pairs = find_pairs([im.fingerprint.phash for im in images], [im.digest for im in images], r)
    return ScanResult(("/r",), (), tuple(images), (), pairs, "phash", 64, r)


def test_regroup_sorts_by_reclaimable_bytes_and_picks_keepers():
    images = [
        _record("/r/a1.jpg", size=100, hash_=0),
        _record("/r/a2.jpg", size=200, hash_=1),
        _record("/r/b1.jpg", size=5000, hash_=0xFFFF << 40),
        _record("/r/b2.jpg", size=4000, hash_=0xFFFE << 40, width=200),
        _record("/r/c1.jpg", size=900, hash_=0xFF00FF),
        _record("/r/c2.jpg", size=900, hash_=0xFF00FF, protected=True),
    ]
    groups = regroup(_result(images), 4)
    assert [sorted(g.images) for g in groups] == [[2, 3], [4, 5], [0, 1]]
    assert [g.keeper for g in groups] == [3, 5, 1]  # more pixels; protected; larger file
    assert groups[0].reference == 3  # the best image is the reference
    with pytest.raises(ValueError):
        regroup(_result(images), 17)


def test_regroup_ties_sorted_by_reference_path():
    images = [
        _record("/r/z1.jpg", hash_=0),
        _record("/r/z2.jpg", hash_=0),
        _record("/r/a1.jpg", hash_=0xFFFF << 32),
        _record("/r/a2.jpg", hash_=0xFFFF << 32),
    ]
    groups = regroup(_result(images), 2)
    assert [images[g.reference].path for g in groups] == ["/r/a1.jpg", "/r/z1.jpg"]


def test_a_combined_fingerprint_takes_the_largest_distance_of_its_parts():
    from dupfinder.core.grouping import pairs_for_parts

    phash = [0b0, 0b11, 0b1111, 0b0]  # 0~1: 2 bits, 0~2: 4 bits, 0 and 3 share a hash
    dhash = [0b0, 0b1, (1 << 20) - 1, 1 << 63]  # ...but 0~2 differ by 20 bits and 0~3 by 1
    pairs = pairs_for_parts([phash, dhash], [None, None, None, None], 6)
    found = {(int(a), int(b)): int(d) for a, b, d in zip(pairs.left, pairs.right, pairs.distance_bits, strict=True)}
    assert found == {(0, 1): 2, (0, 3): 1, (1, 3): 2}  # every pair with image 2 is vetoed by dHash


def test_identical_bytes_survive_a_dhash_veto():
    from dupfinder.core.grouping import pairs_for_parts

    pairs = pairs_for_parts([[0, 0], [0, (1 << 40) - 1]], [b"same", b"same"], 4)
    assert list(pairs.identical) == [True] and int(pairs.left[0]) == 0 and int(pairs.right[0]) == 1


def test_turned_hashes_find_a_mirrored_copy_and_keep_the_smaller_distance():
    from dupfinder.core.grouping import pairs_with_turns

    upright = [0b0, 0xFF00, 0b1]  # upright, image 1 is 8 bits from image 0 and 9 from image 2...
    turned = [(0xFF00, 0xFFFF), (0b10, 0xF0F0), (0xFFFF, 0xFFFF)]  # ...but image 0 mirrored hashes like image 1
    pairs = pairs_with_turns([upright], [turned], [None] * 3, 2)
    found = {(int(a), int(b)): int(d) for a, b, d in zip(pairs.left, pairs.right, pairs.distance_bits, strict=True)}
    # (0, 1) is found both ways (0 mirrored = 1: 0 bits; 1 mirrored vs 0: 1 bit) and keeps 0; (1, 2) only turned
    assert found == {(0, 1): 0, (0, 2): 1, (1, 2): 2}


def test_a_turned_match_must_hold_in_every_part_for_the_same_turn():
    from dupfinder.core.grouping import pairs_with_turns

    phash, dhash = [0, 0xFFFF], [0, 0xFF]
    turned_phash = [(0xF0F0, 0xF0F0), (0, 1)]  # image 1 in turn 0 or 1 matches image 0 in pHash...
    turned_dhash = [(0xF0F0, 0xF0F0), (0xFF, 0)]  # ...but in dHash only in turn 1, whose pHash is 1 bit away
    pairs = pairs_with_turns([phash, dhash], [turned_phash, turned_dhash], [None, None], 3)
    assert [(int(a), int(b), int(d)) for a, b, d in zip(pairs.left, pairs.right, pairs.distance_bits, strict=True)] == [
        (0, 1, 1)
    ]


def _reference_groups(result, t):
    """The module docstring's rules taken literally, with dicts and sets: what cluster() and regroup() must equal."""
    images, pairs = result.images, result.pairs
    rank = quality_rank(images)
    links, same = {}, {}
    for row in np.flatnonzero(usable_pairs(pairs, t)).tolist():
        i, j, d = int(pairs.left[row]), int(pairs.right[row]), int(pairs.distance_bits[row])
        links.setdefault(i, {})[j] = links.setdefault(j, {})[i] = d
        if pairs.identical[row]:
            same[(i, j)] = d
    node = list(range(len(images)))  # byte-identical images share a node (components of the identical pairs)
    changed = True
    while changed:
        changed = False
        for i, j in same:
            low = min(node[i], node[j])
            if node[i] != low or node[j] != low:
                node[i] = node[j] = low
                changed = True
    members = {}
    for i in sorted(range(len(images)), key=rank.__getitem__):
        members.setdefault(node[i], []).append(i)
    leader = {n: m[0] for n, m in members.items()}
    near = {n: {node[j]: d for j, d in links.get(leader[n], {}).items() if j == leader[node[j]]} for n in members}
    degree = {n: sum(len(members[o]) for o in near[n]) + len(members[n]) - 1 for n in members}
    walk = sorted((n for n in members if degree[n] > 0), key=lambda n: (-degree[n], rank[leader[n]]))
    taken, clusters = set(), []
    for n in walk:
        if n in taken:
            continue
        taken.add(n)
        ref = leader[n]
        rows = [(0, rank[i], i, True) for i in members[n][1:]]  # the reference's byte twins: 100 % alike
        for other, d in near[n].items():
            if other not in taken:
                taken.add(other)
                rows += [(d, rank[i], i, False) for i in members[other]]
        if rows:
            rows.sort()
            others = (Member(i, d, 100 * (1 - d / 64), s) for d, _, i, s in rows)
            clusters.append((Member(ref, 0, 100.0, False), *others))
    groups = []
    for c in clusters:
        keeper = choose_keeper([m.image for m in c], images, rank)
        reclaimable = sum(images[m.image].file.size_bytes for m in c) - images[keeper].file.size_bytes
        groups.append((-reclaimable, images[c[0].image].path, Group(c, keeper)))
    groups.sort(key=lambda row: row[:2])
    return clusters, tuple(g for _, _, g in groups)


def _random_result(rng):
    count = rng.randrange(2, 70)
    shapes = [(400, 300), (300, 400), (408, 300), (440, 300), (400, 302), (200, 150), (100, 100), (101, 100)]
    images = tuple(
        ImageRecord(
            FileEntry(f"/r/{rng.choice('abc')}{k:03d}.jpg", rng.choice([100, 200, 300]), rng.randrange(3), 1, k,
                      rng.random() < 0.08),
            Fingerprint(*rng.choice(shapes), rng.choice(["JPEG", "PNG"]), 0, 0, 0, 0),
        )
        for k in range(count)
    )  # fmt: skip
    digest = [rng.randrange(count) if rng.random() < 0.25 else None for _ in range(count)]
    rows = {}
    for _ in range(rng.randrange(0, 4 * count)):
        i, j = sorted(rng.sample(range(count), 2))
        rows[(i, j)] = (rng.randrange(19), False)
    for i in range(count):
        for j in range(i + 1, count):
            if digest[i] is not None and digest[i] == digest[j]:
                rows[(i, j)] = (rng.choice([0, 0, 3]), True)
    keys = sorted(rows)
    n = len(keys)
    arrays = (
        np.array([k[0] for k in keys], np.int32).reshape(n),
        np.array([k[1] for k in keys], np.int32).reshape(n),
        np.array([rows[k][0] for k in keys], np.uint8).reshape(n),
        np.array([rows[k][1] for k in keys], bool),
    )
    measured = {}
    if rng.random() < 0.6:
        measured = {
            "verdict": np.array([rng.randrange(6) for _ in keys], np.uint8),
            "route": np.array([rng.randrange(4) for _ in keys], np.uint8),
            "kept_left": np.array([rng.choice([1.0, 0.9]) for _ in keys], np.float32),
            "kept_right": np.ones(n, np.float32), "angle": np.array([rng.choice([0.0, 5.0]) for _ in keys], np.float32),
        }  # fmt: skip
    return ScanResult(("/r",), (), images, (), Pairs(*arrays, **measured), "phash+dhash", 64, 18)


@pytest.mark.parametrize("seed", range(150))
def test_cluster_and_regroup_equal_a_literal_reference_on_random_pairs(seed):
    rng = random.Random(seed)
    result = _random_result(rng)
    rank = quality_rank(result.images)
    for t in (4, 8, 12, 14, 18):
        clusters, groups = _reference_groups(result, t)
        assert cluster(result.pairs, rank, t, 64) == clusters
        assert regroup(result, t) == groups  # the second and later calls use the result's memo


@pytest.mark.parametrize("rounds", [0, 1, 2])
def test_the_walk_finished_one_node_at_a_time_gives_the_same_groups(monkeypatch, rounds):
    """The rounds of array work may stop early (a long chain of frames); the plain walk must finish it alike."""
    monkeypatch.setattr(grouping, "_WALK_ROUNDS", rounds)
    for seed in range(40):
        result = _random_result(random.Random(1000 + seed))
        for t in (8, 14):
            assert regroup(result, t) == _reference_groups(result, t)[1]


def test_a_long_chain_of_frames_groups_as_the_reference_does():
    """Frames each like the next, ranked along the chain: each node waits for the one before it."""
    count = 300
    images = tuple(_record(f"/r/frame{k:04d}.jpg", mtime_ns=k) for k in range(count))
    left = np.arange(count - 1, dtype=np.int32)
    pairs = Pairs(left, left + 1, np.full(count - 1, 4, np.uint8), np.zeros(count - 1, bool))
    result = ScanResult(("/r",), (), images, (), pairs, "phash", 64, 16)
    groups = regroup(result, 8)
    assert groups == _reference_groups(result, 8)[1]
    assert len(groups) > 4 * grouping._WALK_ROUNDS  # each reference waited for the one before: past the rounds


def _literal_near_a_twin(pairs, asked, near, twin):
    """grouping._near_a_twin's rule with sets: an asked pair (a, b) with a near pair between a and a twin of b, or
    between b and a twin of a."""
    rows = list(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True))
    near_pairs = {rows[k] for k in np.flatnonzero(near).tolist()}
    twins = {}
    for k in np.flatnonzero(twin).tolist():
        i, j = rows[k]
        twins.setdefault(i, set()).add(j)
        twins.setdefault(j, set()).add(i)

    def near_a_twin_of(x, y):
        return any((min(x, t), max(x, t)) in near_pairs for t in twins.get(y, ()))

    return [bool(asked[k]) and (near_a_twin_of(a, b) or near_a_twin_of(b, a)) for k, (a, b) in enumerate(rows)]


@pytest.mark.parametrize("seed", range(60))
def test_the_twin_rule_equals_a_literal_reference_on_random_pairs(seed):
    rng = random.Random(seed)
    count = rng.randrange(2, 30)
    keys = sorted({tuple(sorted(rng.sample(range(count), 2))) for _ in range(rng.randrange(1, 5 * count))})
    if rng.random() < 0.2:
        rng.shuffle(keys)  # stored pairs are sorted; the rule must not depend on it
    n = len(keys)
    pairs = Pairs(np.array([k[0] for k in keys], np.int32), np.array([k[1] for k in keys], np.int32),
                  np.zeros(n, np.uint8), np.zeros(n, bool))  # fmt: skip
    asked, near, twin = (np.array([rng.random() < share for _ in keys], bool) for share in (0.4, 0.4, 0.3))
    expected = _literal_near_a_twin(pairs, asked, near, twin)
    assert grouping._near_a_twin(pairs, asked, near, twin).tolist() == expected


def test_byte_identical_copies_are_joined_by_a_star_and_every_twin_reads_identical():
    """3,000 copies of one placeholder in a data set: 2,999 pairs, not 4.5 million; any two of them still say
    "identical bytes"."""
    from dupfinder.core.grouping import identical_pairs
    from dupfinder.core.matching.differences import difference

    left, right = identical_pairs([b"placeholder"] * 3000 + [None, b"other", b"other"])
    assert len(left) == 2999 + 1 and set(left[:2999].tolist()) == {0} and right[-1] == 3002
    images = [_record(f"/r/copy{k}.jpg", hash_=7, digest=b"d") for k in range(5)]
    result = _result(images)
    assert len(result.pairs) == 4 + 6  # the star, plus the hash pairs between the other copies (distance 0)
    assert all(difference(result, 3, k).label == "identical bytes" for k in (0, 1, 2, 4))
    (group,) = regroup(result, 0)
    assert all(m.identical and m.distance_bits == 0 for m in group.members[1:])
