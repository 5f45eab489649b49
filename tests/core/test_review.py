"""Review rules without Qt: shown groups after a cleanup, keeper following marks, what the button may offer."""

from __future__ import annotations

from dupfinder.core.grouping import find_pairs
from dupfinder.core.models import FileEntry, Fingerprint, ImageRecord, ScanResult
from dupfinder.core.review import cleanup_plan, follow_marks, keep_best, mark_refusal, potential_bytes, shown_groups
from dupfinder.core.selection import quality_rank


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
    best, marks = keep_best(groups, result.images, rank)
    assert best[0].keeper == 1 and marks == {0, 2}
    assert mark_refusal(result, 1) and mark_refusal(result, 0) is None
    assert potential_bytes(result, best[0]) == 2000


def test_the_plan_from_the_marks_alone_is_the_plan_from_every_group():
    """A front end with 20k groups asks for the plan after each mark: visiting only the marks must change nothing."""
    result = chain_result()
    rank = quality_rank(result.images)
    groups = shown_groups(result, 1, set(), set(), rank)  # ref~c only: a and b are in no group
    group_of = {image: group for group in groups for image in group.images}.get
    for marks in ({0, 1, 2, 3, 99}, {3}, {0}, set()):
        assert cleanup_plan(result, groups, marks, group_of=group_of) == cleanup_plan(result, groups, marks)
