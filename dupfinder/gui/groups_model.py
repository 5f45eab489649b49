"""The list of duplicate groups: one row per group, display facts computed lazily from integers."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from dupfinder.core.models import Group, ScanResult
from dupfinder.core.review import potential_bytes
from dupfinder.formatting import human_bytes

GroupRole = Qt.ItemDataRole.UserRole + 1  # the Group
ThumbPathsRole = Qt.ItemDataRole.UserRole + 2  # paths of the first members, for the thumbnail strip
FactsRole = Qt.ItemDataRole.UserRole + 3  # RowFacts

STRIP_LENGTH = 4


class SortKey(enum.Enum):
    RECLAIMABLE = "reclaimable"
    SIMILARITY = "similarity"
    SIZE = "photos"


@dataclasses.dataclass(frozen=True, slots=True)
class RowFacts:
    photos: int
    reclaimable_bytes: int
    best_similarity: float
    identical: bool
    marked: int


def best_similarity(group: Group) -> tuple[float, bool]:
    others = group.members[1:]
    return max(m.similarity for m in others), any(m.identical for m in others)


class GroupsModel(QAbstractListModel):
    """Rows are groups in display order; `marks` is the live MarkSet (read only here)."""

    def __init__(self, marks: Collection[int], parent=None) -> None:
        super().__init__(parent)
        self._marks = marks
        self._result: ScanResult | None = None
        self._groups: list[Group] = []
        self._sort_key = SortKey.RECLAIMABLE

    # --- reading -------------------------------------------------------------------------------------------
    @property
    def result(self) -> ScanResult | None:
        return self._result

    def groups(self) -> list[Group]:
        return list(self._groups)

    def group(self, row: int) -> Group:
        return self._groups[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._groups)

    def facts(self, row: int) -> RowFacts:
        group = self._groups[row]
        similarity, identical = best_similarity(group)
        assert self._result is not None
        return RowFacts(
            photos=len(group.members),
            reclaimable_bytes=potential_bytes(self._result, group),
            best_similarity=similarity,
            identical=identical,
            marked=sum(1 for image in group.images if image in self._marks),
        )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._groups) or self._result is None:
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            f = self.facts(row)
            similarity = self.tr("identical") if f.identical else f"{f.best_similarity:.0f} %"
            photos = self.tr("%Ln photo(s)", "", f.photos)
            return f"{photos} · {human_bytes(f.reclaimable_bytes)} · {similarity}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(self._result.images[image].path for image in self._groups[row].images)
        if role == GroupRole:
            return self._groups[row]
        if role == FactsRole:
            return self.facts(row)
        if role == ThumbPathsRole:
            return [self._result.images[image].path for image in self._groups[row].images[:STRIP_LENGTH]]
        return None

    # --- changing ------------------------------------------------------------------------------------------
    def set_groups(self, result: ScanResult | None, groups: Sequence[Group]) -> None:
        """A new result or a new threshold: a full reset (views drop their selection)."""
        self.beginResetModel()
        self._result = result
        self._groups = self._sorted(groups)
        self.endResetModel()

    def replace_group(self, row: int, group: Group) -> None:
        self._groups[row] = group
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def refresh_images(self, images: Collection[int]) -> None:
        """Marks changed for these images: repaint the rows that hold them."""
        for row, group in enumerate(self._groups):
            if any(image in images for image in group.images):
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def remove_images(self, images: Collection[int]) -> None:
        """Trashed files leave their groups; a group left with fewer than two photos leaves the list (row removal,
        so selection and scroll position survive)."""
        row = len(self._groups) - 1
        while row >= 0:
            group = self._groups[row]
            if any(image in images for image in group.images):
                kept = tuple(m for m in group.members if m.image not in images)
                if len(kept) < 2:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._groups[row]
                    self.endRemoveRows()
                else:
                    keeper = group.keeper if group.keeper not in images else kept[0].image
                    self.replace_group(row, dataclasses.replace(group, members=kept, keeper=keeper))
            row -= 1

    # --- sorting -------------------------------------------------------------------------------------------
    @property
    def sort_key(self) -> SortKey:
        return self._sort_key

    def set_sort_key(self, key: SortKey) -> None:
        if key is self._sort_key:
            return
        self._sort_key = key
        self.layoutAboutToBeChanged.emit()
        old = list(self._groups)
        self._groups = self._sorted(old)
        position = {id(group): row for row, group in enumerate(self._groups)}
        for index in self.persistentIndexList():
            if index.isValid():
                self.changePersistentIndex(index, self.index(position[id(old[index.row()])]))
        self.layoutChanged.emit()

    def _sorted(self, groups: Sequence[Group]) -> list[Group]:
        if self._result is None or self._sort_key is SortKey.RECLAIMABLE:
            result = self._result
            if result is None:
                return list(groups)
            return sorted(groups, key=lambda g: -potential_bytes(result, g))
        if self._sort_key is SortKey.SIMILARITY:
            result = self._result
            return sorted(groups, key=lambda g: (-best_similarity(g)[0], -potential_bytes(result, g)))
        return sorted(groups, key=lambda g: -len(g.members))
