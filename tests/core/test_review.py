"""Review rules without Qt: shown groups after a cleanup, keeper following marks, what the button may offer."""

from __future__ import annotations

import random

import numpy as np
import pytest

from dupfinder.core.grouping import find_pairs
from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member, Pairs, ScanResult
from dupfinder.core.review import (
    CleanupPlan,
    cleanup_plan,
    follow_marks,
    keep_best,
    mark_refusal,
    moved_keepers,
    potential_bytes,
    row_table,
    shown_groups,
)
from dupfinder.core.selection import ImageFacts, choose_keeper, keep_best_marks, quality_rank


def record(path, *, hash_, size=1000, width=100, height=100, protected=False):
    return ImageRecord(
        FileEntry(path, size, 1, 1, abs(hash(path)) % 10**9, protected),
        Fingerprint(width, height, "JPEG", 0, hash_, 0, 0),
    )


def result_of(images, r=16):
    pairs = find_pairs([im.fingerprint.phash for im in images], [im.digest for im in images], r)
    return ScanResult(("/r",), (), tuple(images), (), pairs, "phash", 64, r)


def chain_result():
    """A reference (0) within 5 bits of 1, 2 and 3; 2 is further than that from 1 and 3: at 5 bits only the reference
    holds them together."""
    return result_of(
        [
            record("/r/ref.jpg", hash_=0, width=400),
            record("/r/a.jpg", hash_=0b1111, width=300),
            record("/r/b.jpg", hash_=0b11111 << 8, width=200),
            record("/r/c.jpg", hash_=0b1, width=100),
        ]
    )


def test_after_the_reference_is_gone_similarities_are_to_a_real_reference():
    result = chain_result()
    rank = quality_rank(result.images)
    (before,) = shown_groups(result, 5, set(), set(), rank)
    assert before.reference == 0 and sorted(before.images) == [0, 1, 2, 3]
    after = shown_groups(result, 5, {0}, set(), rank)
    for group in after:
        assert 0 not in group.images
        reference = result.images[group.reference].fingerprint.phash
        for member in group.members:
            assert member.distance_bits == (result.images[member.image].fingerprint.phash ^ reference).bit_count()
    assert sorted(sorted(g.images) for g in after) == [[1, 3]]  # b is 6+ bits from both: alone, so not shown


def test_marking_the_keeper_hands_the_role_to_the_best_unmarked_copy():
    result = chain_result()
    rank = quality_rank(result.images)
    (group,) = shown_groups(result, 5, set(), {0}, rank)
    assert group.keeper == 1
    assert follow_marks(group, {0, 1, 2, 3}, result.images, rank).keeper == group.keeper


def test_the_plan_counts_only_what_the_trash_step_would_move():
    result = chain_result()
    rank = quality_rank(result.images)
    groups = shown_groups(result, 5, set(), set(), rank)
    everything = {0, 1, 2, 3, 99}
    plan = cleanup_plan(result, groups, everything)
    assert plan.marks == {1, 2, 3}  # the keeper stays, 99 is in no group
    tighter = shown_groups(result, 1, set(), everything, rank)  # only ref~c at 1 bit
    plan = cleanup_plan(result, tighter, everything)
    assert len(plan.marks) == sum(len(g.members) - 1 for g in tighter) == 1
    assert plan.size_bytes == 1000


def test_keep_best_resets_keepers_and_marks_the_rest_but_never_a_protected_copy():
    images = [record("/r/big.jpg", hash_=0, width=400), record("/r/master.jpg", hash_=1, protected=True),
              record("/r/small.jpg", hash_=2, width=50)]  # fmt: skip
    result = result_of(images)
    rank = quality_rank(result.images)
    groups = shown_groups(result, 5, set(), {1}, rank)
    best, marks = keep_best(result, groups)
    assert best[0].keeper == 1 and marks == {0, 2}
    assert mark_refusal(result, 1) and mark_refusal(result, 0) is None
    assert potential_bytes(result, best[0]) == 2000


def test_the_plan_from_the_front_ends_row_table_is_the_plan_from_every_group():
    """A front end with 20k groups asks for the plan after each mark, with the image-to-row table it keeps."""
    result = chain_result()
    rank = quality_rank(result.images)
    groups = shown_groups(result, 1, set(), set(), rank)  # ref~c only: a and b are in no group
    table = row_table(len(result.images), groups)
    assert table.tolist() == [0, -1, -1, 0]
    for marks in ({0, 1, 2, 3, 99}, {3}, {0}, set()):
        assert cleanup_plan(result, groups, marks, table) == cleanup_plan(result, groups, marks)


def _random_review(rng):
    """Images of a few shapes and sizes, some protected, some two paths to one file; disjoint groups of them with
    any member as keeper; marks on any images."""
    count = rng.randrange(2, 60)
    shapes = [(400, 300), (300, 400), (408, 300), (440, 300), (400, 302), (200, 150), (100, 100), (101, 100)]
    images = []
    for k in range(count):
        ino = rng.randrange(k + 1) if rng.random() < 0.3 else 1000 + k  # now and then a second path to a file
        images.append(
            ImageRecord(
                FileEntry(f"/r/{k:03d}.jpg", 100 * (ino % 7 + 1), rng.randrange(3), 1, ino, rng.random() < 0.1),
                Fingerprint(*rng.choice(shapes), rng.choice(["JPEG", "PNG"]), 0, 0, 0, 0),
            )
        )
    order = rng.sample(range(count), count)
    groups, start = [], 0
    while start < count - 1:
        size = rng.randrange(2, min(8, count - start) + 1)
        members = order[start : start + size]
        groups.append(Group(tuple(Member(i, 0, 100.0, False) for i in members), rng.choice(members)))
        start += size
    marks = {i for i in range(count + 3) if rng.random() < 0.5}  # a few past the images, as a front end may hold
    no_pairs = Pairs(*(np.zeros(0, dtype) for dtype in (np.int32, np.int32, np.uint8, bool)))
    return ScanResult(("/r",), (), tuple(images), (), no_pairs, "phash", 64, 16), groups, marks


@pytest.mark.parametrize("seed", range(80))
def test_keep_best_and_the_plan_equal_their_rules_taken_one_group_at_a_time(seed):
    result, groups, marks = _random_review(random.Random(seed))
    images, rank = result.images, quality_rank(result.images)

    best, best_marks = keep_best(result, groups)
    assert [g.keeper for g in best] == [choose_keeper(g.images, images, rank) for g in groups]
    assert [g.members for g in best] == [g.members for g in groups]
    assert best_marks == keep_best_marks(best, images)

    acted = {i for g in groups for i in g.images if i in marks and i != g.keeper and not images[i].file.protected}
    size = sum({images[i].file.identity: images[i].file.size_bytes for i in acted}.values())
    assert cleanup_plan(result, groups, marks) == CleanupPlan(tuple(groups), frozenset(acted), size)


def test_only_the_groups_whose_marked_keeper_can_hand_over_move():
    result = chain_result()
    rank = quality_rank(result.images)
    (group,) = shown_groups(result, 5, set(), set(), rank)
    assert group.keeper == 0
    assert moved_keepers([group], [0], {1}, result.images, rank) == []  # the keeper is not marked
    assert moved_keepers([group], [0], {0, 1, 2, 3}, result.images, rank) == []  # nobody to hand over to
    assert moved_keepers([group], [0], {0}, result.images, rank) == [(0, follow_marks(group, {0}, result.images, rank))]
    assert moved_keepers([group], [], {0}, result.images, rank) == []  # only the rows asked about


def test_after_a_cleanup_regrouping_reuses_the_image_facts(monkeypatch):
    result = chain_result()
    rank = quality_rank(result.images)
    shown_groups(result, 5, set(), set(), rank)

    def read_again(images):
        raise AssertionError("every image read again")

    monkeypatch.setattr(ImageFacts, "of", read_again)
    assert [g.images for g in shown_groups(result, 5, {0}, set(), rank)] == [(1, 3)]
