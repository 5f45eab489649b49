"""The rules of a review, without Qt: which groups are shown, which copy each keeps, what a cleanup would move.

The app (and any other front end) keeps three things — the scan result, the images already moved away this session
(`gone`) and the user's marks — and asks these functions for everything derived from them, so that the list, the
cards, the button and the trash step can never disagree:

* the groups shown are regrouped from the stored pairs without the gone images, so after a cleanup that moved a
  group's reference, the remaining copies get a new reference and similarities that are really to it;
* a group's keeper follows the marks: marking the keeper hands the role to the best unmarked copy (the protected and
  shape rules of selection.choose_keeper apply), so the copy the user keeps is the one the trash step protects;
* the cleanup plan counts only what the trash step would move: marked members of the shown groups that are neither
  their group's keeper nor protected; marks on images in no shown group (after a slider move) do not count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from dupfinder.core import report
from dupfinder.core.grouping import regroup
from dupfinder.core.models import Group, ImageRecord, ScanResult
from dupfinder.core.selection import choose_keeper, keep_best_marks

PROTECTED_REFUSAL = "This photo is in a protected folder: it is always kept."


@dataclass(frozen=True, slots=True)
class CleanupPlan:
    """What "Move to Trash" would hand to the trash step: the shown groups, the marks it would act on, their size."""

    groups: tuple[Group, ...]
    marks: frozenset[int]
    size_bytes: int  # each real file once


def shown_groups(
    result: ScanResult, distance_bits: int, gone: Collection[int], marks: Collection[int], rank: Sequence[int]
) -> tuple[Group, ...]:
    """Groups at `distance_bits` among the images not gone, each keeper following the marks."""
    groups = regroup(_without(result, gone) if gone else result, distance_bits)
    return tuple(follow_marks(group, marks, result.images, rank) for group in groups)


def _without(result: ScanResult, gone: Collection[int]) -> ScanResult:
    """The result with every pair that touches a gone image left out (regrouping then never sees them)."""
    pairs = result.pairs
    away = np.zeros(len(result.images), bool)
    away[np.fromiter(gone, np.int64, len(gone))] = True
    return dataclasses.replace(result, pairs=pairs.subset(~(away[pairs.left] | away[pairs.right])))


def follow_marks(group: Group, marks: Collection[int], images: Sequence[ImageRecord], rank: Sequence[int]) -> Group:
    """The group with its keeper moved off a marked copy to the best unmarked one; unchanged when the keeper is
    unmarked, or when every member is marked (the trash step then refuses the keeper, and the window says so)."""
    if group.keeper not in marks:
        return group
    unmarked = [image for image in group.images if image not in marks]
    if not unmarked:
        return group
    return dataclasses.replace(group, keeper=choose_keeper(unmarked, images, rank))


def keep_best(
    groups: Sequence[Group], images: Sequence[ImageRecord], rank: Sequence[int]
) -> tuple[tuple[Group, ...], frozenset[int]]:
    """Every group back to its best copy as keeper, and the marks of "keep best resolution": all the others."""
    best = tuple(dataclasses.replace(g, keeper=choose_keeper(g.images, images, rank)) for g in groups)
    return best, keep_best_marks(best, images)


def mark_refusal(result: ScanResult, image: int) -> str | None:
    """Why `image` cannot be marked for the trash, or None when it can."""
    return PROTECTED_REFUSAL if result.images[image].file.protected else None


def cleanup_plan(
    result: ScanResult,
    groups: Sequence[Group],
    marks: Collection[int],
    group_of: Callable[[int], Group | None] | None = None,
) -> CleanupPlan:
    """What the trash step would move from the shown groups (see the module docstring).

    `group_of` (an image's shown group, or None) makes the cost that of the marks instead of every group's members:
    a front end with 20k groups asks this after each mark."""
    images = result.images
    if group_of is None:
        marked = ((image, group) for group in groups for image in group.images if image in marks)
    else:
        marked = ((image, group) for image in marks if (group := group_of(image)) is not None)
    acted = frozenset(image for image, group in marked if image != group.keeper and not images[image].file.protected)
    size_of = {images[image].file.identity: images[image].file.size_bytes for image in acted}  # each real file once
    return CleanupPlan(tuple(groups), acted, sum(size_of.values()))


def potential_bytes(result: ScanResult, group: Group) -> int:
    """What "keep best resolution" would free in this group (the figure the group list shows)."""
    return report.reclaimable_bytes(result, [group], keep_best_marks([group], result.images))


def all_marked(group: Group, marks: Collection[int]) -> bool:
    return all(image in marks for image in group.images)
