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
import itertools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter

import numpy as np

from dupfinder.core import report
from dupfinder.core.grouping import regroup
from dupfinder.core.models import Group, ImageRecord, ScanResult
from dupfinder.core.selection import choose_keeper, image_facts, keep_best_marks, keepers

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
    """The result with every pair that touches a gone image left out (regrouping then never sees them). Its images
    are the result's, so are their facts: a slider move after a cleanup does not read every image again."""
    pairs = result.pairs
    away = np.zeros(len(result.images), bool)
    away[np.fromiter(gone, np.int64, len(gone))] = True
    trimmed = dataclasses.replace(result, pairs=pairs.subset(~(away[pairs.left] | away[pairs.right])))
    trimmed.memo["image_facts"] = image_facts(result)
    return trimmed


def follow_marks(group: Group, marks: Collection[int], images: Sequence[ImageRecord], rank: Sequence[int]) -> Group:
    """The group with its keeper moved off a marked copy to the best unmarked one; unchanged when the keeper is
    unmarked, or when every member is marked (the trash step then refuses the keeper, and the window says so)."""
    if group.keeper not in marks:
        return group
    unmarked = [image for image in group.images if image not in marks]
    if not unmarked:
        return group
    return dataclasses.replace(group, keeper=choose_keeper(unmarked, images, rank))


def moved_keepers(
    groups: Sequence[Group],
    rows: Iterable[int],
    marks: Collection[int],
    images: Sequence[ImageRecord],
    rank: Sequence[int],
) -> list[tuple[int, Group]]:
    """(row, group with its new keeper) for each of groups[rows] whose keeper the marks move (follow_marks): what a
    front end changes after the marks did. Cheap per row, as after keep-best every row is asked."""
    moved = []
    for row in rows:
        group = groups[row]
        if group.keeper in marks and (followed := follow_marks(group, marks, images, rank)) is not group:
            moved.append((row, followed))
    return moved


def keep_best(result: ScanResult, groups: Sequence[Group]) -> tuple[tuple[Group, ...], frozenset[int]]:
    """Every group back to its best copy as keeper (selection.choose_keeper's choice), and the marks of "keep best
    resolution": all the others but protected copies. Array work over all groups at once (selection.keepers): the
    app asks this on its GUI thread for 20k groups."""
    if not groups:
        return (), frozenset()
    facts = image_facts(result)
    sizes, members = _members(groups)
    keeper = keepers(np.concatenate([[0], np.cumsum(sizes)]), members, facts)
    best = tuple(
        g if g.keeper == k else dataclasses.replace(g, keeper=k) for g, k in zip(groups, keeper.tolist(), strict=True)
    )
    marked = (members != np.repeat(keeper, sizes)) & ~facts.protected[members]
    return best, frozenset(members[marked].tolist())


def mark_refusal(result: ScanResult, image: int) -> str | None:
    """Why `image` cannot be marked for the trash, or None when it can."""
    return PROTECTED_REFUSAL if result.images.files.column("protected")[image] else None


def cleanup_plan(
    result: ScanResult, groups: Sequence[Group], marks: Collection[int], row_of_image: np.ndarray | None = None
) -> CleanupPlan:
    """What the trash step would move from the shown groups (see the module docstring).

    `row_of_image` (each image's index in `groups`, -1 for none: a front end keeps it with its rows) spares making
    it from every group's members; the rest is array work over the marks, as the app asks this after each mark
    with up to tens of thousands of them set."""
    facts = image_facts(result)
    if row_of_image is None:
        row_of_image = row_table(len(result.images), groups)
    marked = np.fromiter(marks, np.int64, len(marks))
    marked = marked[(marked >= 0) & (marked < len(row_of_image))]
    row = row_of_image[marked]
    marked, row = marked[row >= 0], row[row >= 0]
    keeper = np.fromiter(map(attrgetter("keeper"), groups), np.int64, len(groups))
    acted = marked[(marked != keeper[row]) & ~facts.protected[marked]]
    _, first = np.unique(facts.file[acted], return_index=True)  # each real file once
    return CleanupPlan(tuple(groups), frozenset(acted.tolist()), int(facts.size[acted[first]].sum()))


def row_table(count: int, groups: Sequence[Group]) -> np.ndarray:
    """Each of `count` images' index in `groups`, -1 for images in none."""
    table = np.full(count, -1, np.int64)
    sizes, members = _members(groups)
    table[members] = np.repeat(np.arange(len(groups)), sizes)
    return table


def _members(groups: Sequence[Group]) -> tuple[np.ndarray, np.ndarray]:
    """Each group's size, and every member's image in group order, as arrays (iterated in C: 10^5 members)."""
    sizes = np.fromiter(map(len, map(attrgetter("members"), groups)), np.int64, len(groups))
    images = map(itemgetter(0), itertools.chain.from_iterable(map(attrgetter("members"), groups)))  # Member.image
    return sizes, np.fromiter(images, np.int64, int(sizes.sum()))


def potential_bytes(result: ScanResult, group: Group) -> int:
    """What "keep best resolution" would free in this group (the figure the group list shows)."""
    return report.reclaimable_bytes(result, [group], keep_best_marks([group], result.images))


def all_marked(group: Group, marks: Collection[int]) -> bool:
    return all(image in marks for image in group.images)
