"""What may go, decided from the scan and the marks before anything is touched: whatever the marks say, a group's
keeper, a protected file and the last real file of a group stay.

Protection is checked again here by the folders' identity (protection.py), not only trusted from the scan's flag, so
a protected folder reached another way (a bind mount, a symlinked or `..` spelling, another letter case) keeps its
files even if the scan's flag were wrong.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from dupfinder.core import protection
from dupfinder.core.models import Group, ScanResult


@dataclass(frozen=True, slots=True)
class NotTrashed:
    """A marked file left in place, with a one-line reason."""

    image: int
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    to_trash: tuple[int, ...]
    refused: tuple[NotTrashed, ...]
    groups_of: dict[int, tuple[int, ...]]  # image -> indices of the groups it belongs to
    survivors: dict[int, tuple[int, ...]]  # group index -> images that stay (keeper first)


def plan_cleanup(result: ScanResult, groups: Sequence[Group], marks: Collection[int]) -> Plan:
    """Decide, from the scan alone, which marked images may go; the rest are refused with a reason."""
    images = result.images
    groups_of: dict[int, list[int]] = {}
    for g, group in enumerate(groups):
        for image in (*group.images, group.keeper):
            if g not in groups_of.setdefault(image, []):
                groups_of[image].append(g)
    keepers = {group.keeper for group in groups}
    protected_ids = protection.folder_identities(result.protected_roots)
    order = {image: n for n, image in enumerate(groups_of)}  # group order, then member order
    refused: list[NotTrashed] = []
    candidates: list[int] = []
    for i in sorted(set(marks), key=lambda i: (order.get(i, len(order)), i)):
        if not 0 <= i < len(images):
            refused.append(NotTrashed(i, "", f"image {i} is not part of this scan"))
            continue
        reason = None
        if i not in groups_of:
            reason = "not in any duplicate group"
        elif i in keepers:
            reason = "it is the copy kept for its group"
        elif images.files[i].protected or protection.in_protected_folder(images.path(i), protected_ids):
            reason = "it is in a protected folder"
        if reason:
            refused.append(NotTrashed(i, images.path(i), reason))
        else:
            candidates.append(i)
    chosen = set(candidates)
    survivors = {
        g: tuple(dict.fromkeys(m for m in (group.keeper, *group.images) if m not in chosen))
        for g, group in enumerate(groups)
    }
    kept_identity = {images.files[s].identity: images.path(s) for kept in survivors.values() for s in kept}
    to_trash: list[int] = []
    first_entry: dict[tuple[tuple[int, int], str], str] = {}
    for i in candidates:
        entry = images.files[i]
        if entry.identity in kept_identity:
            reason = f"it is the same file as the kept copy {kept_identity[entry.identity]}"
            refused.append(NotTrashed(i, entry.path, reason))
            continue
        # Two paths to one directory entry (through a symlinked folder) are one file: move it once.
        # Two hard links are two entries: both go, and the data goes with the last one.
        key = (entry.identity, os.path.realpath(entry.path))
        if key in first_entry:
            refused.append(NotTrashed(i, entry.path, f"it is the same file as {first_entry[key]}, moved once"))
            continue
        first_entry[key] = entry.path
        to_trash.append(i)
    return Plan(tuple(to_trash), tuple(refused), {k: tuple(v) for k, v in groups_of.items()}, survivors)
