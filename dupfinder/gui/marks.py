"""The user's keep/trash choices: a set of image indices owned by the GUI thread, never stored in the result."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence

from PySide6.QtCore import QObject, Signal

from dupfinder.core.models import Group


class MarkSet(QObject):
    """Image indices marked for the trash. `changed` carries the indices whose state changed."""

    changed = Signal(object)  # frozenset[int]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._marked: set[int] = set()

    def __contains__(self, image: int) -> bool:
        return image in self._marked

    def __len__(self) -> int:
        return len(self._marked)

    def snapshot(self) -> frozenset[int]:
        return frozenset(self._marked)

    def set_marked(self, image: int, marked: bool) -> None:
        if (image in self._marked) != marked:
            (self._marked.add if marked else self._marked.discard)(image)
            self.changed.emit(frozenset({image}))

    def replace(self, images: Iterable[int]) -> None:
        new = set(images)
        diff = frozenset(new ^ self._marked)
        self._marked = new
        if diff:
            self.changed.emit(diff)

    def discard_all(self, images: Iterable[int]) -> None:
        gone = frozenset(self._marked.intersection(images))
        if gone:
            self._marked -= gone
            self.changed.emit(gone)


def follow_keeper(group: Group, marks: Collection[int], rank: Sequence[int]) -> Group:
    """If the user marked the group's keeper, make the best-ranked unmarked member the keeper instead, so the core's
    'never trash the keeper' rule protects the copy the user chose to keep. With every member marked the keeper stays
    (the core will refuse to trash it, and the window says so)."""
    if group.keeper not in marks:
        return group
    unmarked = [image for image in group.images if image not in marks]
    if not unmarked:
        return group
    return dataclasses.replace(group, keeper=min(unmarked, key=lambda image: rank[image]))


def all_marked(group: Group, marks: Collection[int]) -> bool:
    return all(image in marks for image in group.images)
