"""The user's keep/trash choices: a set of image indices owned by the GUI thread, never stored in the result."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal


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
