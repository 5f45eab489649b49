"""The list of duplicate groups: one row per group, display facts computed lazily from integers.

The figures that cost a pass over a group (what keep-best would free, the best similarity) are arrays made with the
groups (regroup.py makes them off the GUI thread for a large result), so sorting 20k rows is a numpy sort; what
depends on the marks is counted when a row is painted. An image-to-row table makes a mark touch only its own row.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Sequence

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from dupfinder.core.models import Group, ScanResult
from dupfinder.core.review import potential_bytes, row_table
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


@dataclasses.dataclass(frozen=True, slots=True)
class Rows:
    """What the model shows: the groups in display order, their figures as arrays (one entry per row), and each
    image's row (-1: in no group). Made by arrange(), off the GUI thread for a large result (regroup.py)."""

    result: ScanResult
    sort_key: SortKey
    groups: list[Group]
    reclaimable: np.ndarray  # int64: what keep-best would free in the group
    similarity: np.ndarray  # float64: the best similarity to the reference
    identical: np.ndarray  # bool: a copy has the reference's bytes
    row_of_image: np.ndarray  # int64, indexed by image

    def sorted_by(self, key: SortKey) -> Rows:
        """The same rows in `key` order; stable, so equal rows keep the order they had."""
        if key is SortKey.RECLAIMABLE:
            order = np.argsort(-self.reclaimable, kind="stable")
        elif key is SortKey.SIMILARITY:
            order = np.lexsort((-self.reclaimable, -self.similarity))  # the last key is the primary one
        else:
            sizes = np.fromiter((len(g.members) for g in self.groups), np.int64, len(self.groups))
            order = np.argsort(-sizes, kind="stable")
        new_row = np.full(len(order) + 1, -1, np.int64)  # the last entry: for images in no group (-1)
        new_row[order] = np.arange(len(order))
        return Rows(
            self.result,
            key,
            [self.groups[i] for i in order.tolist()],
            self.reclaimable[order],
            self.similarity[order],
            self.identical[order],
            new_row[self.row_of_image],
        )


def arrange(result: ScanResult, groups: Sequence[Group], key: SortKey) -> Rows:
    """The groups' rows in `key` order (regroup's order among equals). Thread-safe."""
    best = [best_similarity(group) for group in groups]
    return Rows(
        result,
        key,
        list(groups),
        np.fromiter((potential_bytes(result, group) for group in groups), np.int64, len(groups)),
        np.fromiter((similarity for similarity, _ in best), np.float64, len(groups)),
        np.fromiter((identical for _, identical in best), bool, len(groups)),
        row_table(len(result.images), groups),
    ).sorted_by(key)


class GroupsModel(QAbstractListModel):
    """Rows are groups in display order; `marks` is the live MarkSet (read only here). The model owns the Rows it
    is given and updates them in place as keepers change."""

    def __init__(self, marks: Collection[int], parent=None) -> None:
        super().__init__(parent)
        self._marks = marks
        self._rows: Rows | None = None
        self._sort_key = SortKey.RECLAIMABLE

    # --- reading -------------------------------------------------------------------------------------------
    @property
    def result(self) -> ScanResult | None:
        return None if self._rows is None else self._rows.result

    def groups(self) -> list[Group]:
        return [] if self._rows is None else list(self._rows.groups)

    def group(self, row: int) -> Group:
        assert self._rows is not None
        return self._rows.groups[row]

    def group_of(self, image: int) -> Group | None:
        """The shown group holding `image`, or None."""
        row = self.row_of(image)
        return None if row < 0 else self.group(row)

    def image_rows(self) -> np.ndarray | None:
        """Each image's row (-1: in no group), or None without rows; read only."""
        return None if self._rows is None else self._rows.row_of_image

    def row_of(self, image: int) -> int:
        if self._rows is None or not 0 <= image < len(self._rows.row_of_image):
            return -1
        return int(self._rows.row_of_image[image])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._rows is None else len(self._rows.groups)

    def facts(self, row: int) -> RowFacts:
        rows = self._rows
        assert rows is not None
        members = rows.groups[row].members
        return RowFacts(
            photos=len(members),
            reclaimable_bytes=int(rows.reclaimable[row]),
            best_similarity=float(rows.similarity[row]),
            identical=bool(rows.identical[row]),
            marked=sum(1 for m in members if m.image in self._marks),
        )

    def totals(self) -> tuple[int, int]:
        """Copies beyond one per group, and what keep-best would free in all groups."""
        if self._rows is None:
            return 0, 0
        return int((self._rows.row_of_image >= 0).sum()) - len(self._rows.groups), int(self._rows.reclaimable.sum())

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self.rowCount() or self._rows is None:
            return None
        row, images = index.row(), self._rows.result.images
        if role == Qt.ItemDataRole.DisplayRole:
            f = self.facts(row)
            similarity = self.tr("identical") if f.identical else f"{f.best_similarity:.0f} %"
            photos = self.tr("%Ln photo(s)", "", f.photos)
            return f"{photos} · {human_bytes(f.reclaimable_bytes)} · {similarity}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(images.path(m.image) for m in self.group(row).members)
        if role == GroupRole:
            return self.group(row)
        if role == FactsRole:
            return self.facts(row)
        if role == ThumbPathsRole:
            return [images.path(m.image) for m in self.group(row).members[:STRIP_LENGTH]]
        return None

    # --- changing ------------------------------------------------------------------------------------------
    def set_groups(self, result: ScanResult | None, groups: Sequence[Group]) -> None:
        """A new result or a new threshold: a full reset (views drop their selection)."""
        self.set_rows(None if result is None else arrange(result, groups, self._sort_key))

    def set_rows(self, rows: Rows | None) -> None:
        """Rows arranged elsewhere (arrange()); re-sorted here if the sort has changed since."""
        if rows is not None and rows.sort_key is not self._sort_key:
            rows = rows.sorted_by(self._sort_key)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def replace_group(self, row: int, group: Group) -> None:
        """The same images with another keeper, or fewer members."""
        rows = self._rows
        assert rows is not None
        rows.groups[row] = group
        rows.reclaimable[row] = potential_bytes(rows.result, group)
        rows.similarity[row], rows.identical[row] = best_similarity(group)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def rows_of(self, images: Collection[int]) -> list[int]:
        """The rows holding any of `images`, ascending."""
        if self._rows is None or not images:
            return []
        table = self._rows.row_of_image
        wanted = np.fromiter(images, np.int64, len(images))
        rows = np.unique(table[wanted[(wanted >= 0) & (wanted < len(table))]])
        return rows[rows >= 0].tolist()

    def refresh_rows(self, rows: Sequence[int]) -> None:
        """Marks changed in these rows (ascending, as rows_of gives them): repaint them (one signal for the span)."""
        if rows:
            self.dataChanged.emit(self.index(rows[0]), self.index(rows[-1]))

    # --- sorting -------------------------------------------------------------------------------------------
    @property
    def sort_key(self) -> SortKey:
        return self._sort_key

    def set_sort_key(self, key: SortKey) -> None:
        if key is self._sort_key:
            return
        self._sort_key = key
        if self._rows is None:
            return
        self.layoutAboutToBeChanged.emit()
        old = self._rows
        self._rows = old.sorted_by(key)
        for index in self.persistentIndexList():  # each row moves with its group, found by its reference image
            if index.isValid():
                reference = old.groups[index.row()].members[0].image
                self.changePersistentIndex(index, self.index(int(self._rows.row_of_image[reference])))
        self.layoutChanged.emit()
