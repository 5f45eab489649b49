"""The review page: the group list (with summary and sort) beside the selected group's photos.

It presents the groups model and the marks; deciding what the groups are and which photo is best stays with the window.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QItemSelectionModel, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from dupfinder.core.review import all_marked
from dupfinder.formatting import human_bytes
from dupfinder.gui.compare_view import CompareView
from dupfinder.gui.group_delegate import GroupDelegate
from dupfinder.gui.groups_model import GroupsModel, SortKey
from dupfinder.gui.groups_view import GroupListView
from dupfinder.gui.marks import MarkSet
from dupfinder.gui.thumbnails import ThumbnailLoader

SORT_CHOICES = (
    (QT_TRANSLATE_NOOP("ReviewWidget", "Most space first"), SortKey.RECLAIMABLE),
    (QT_TRANSLATE_NOOP("ReviewWidget", "Most alike first"), SortKey.SIMILARITY),
    (QT_TRANSLATE_NOOP("ReviewWidget", "Most photos first"), SortKey.SIZE),
)


class ReviewWidget(QSplitter):
    """Groups on the left, the current group's photos on the right; the splitter state is remembered by the window."""

    def __init__(
        self, model: GroupsModel, marks: MarkSet, thumbs: ThumbnailLoader, previews: ThumbnailLoader, parent=None
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.model = model
        self.marks = marks
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.summary_label = QLabel()
        left_layout.addWidget(self.summary_label)
        sort_row = QHBoxLayout()
        sort_row.addWidget(QLabel(self.tr("Sort:")))
        self.sort_combo = QComboBox()
        for text, key in SORT_CHOICES:
            self.sort_combo.addItem(self.tr(text), key.value)
        self.sort_combo.currentIndexChanged.connect(self._on_sort_changed)
        sort_row.addWidget(self.sort_combo, 1)
        left_layout.addLayout(sort_row)
        self.groups_view = GroupListView()
        self.groups_view.setModel(model)
        self.groups_view.setItemDelegate(GroupDelegate(thumbs, self.groups_view))
        left_layout.addWidget(self.groups_view, 1)
        self.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.group_header = QLabel()
        header_font = QFont(self.group_header.font())
        header_font.setBold(True)
        self.group_header.setFont(header_font)
        self.group_header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        right_layout.addWidget(self.group_header)
        self.all_marked_label = QLabel(
            self.tr("Every photo of this group is marked: the core always keeps one, so the keeper stays in place.")
        )
        self.all_marked_label.setWordWrap(True)
        self.all_marked_label.setVisible(False)
        right_layout.addWidget(self.all_marked_label)
        self.compare = CompareView(previews)
        right_layout.addWidget(self.compare, 1)
        hint = QLabel(
            self.tr(
                "↑/↓ groups · ←/→ photos · Space keep/trash · Del trash · N not a duplicate · Enter large · "
                "right-click for more"
            )
        )
        hint.setEnabled(False)
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        right_layout.addWidget(hint)
        self.addWidget(right)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 3)
        self.setSizes([440, 1040])

    def current_row(self) -> int:
        index = self.groups_view.currentIndex()
        return index.row() if index.isValid() else -1

    def select_group(self, row: int) -> None:
        self.groups_view.selectionModel().setCurrentIndex(
            self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def set_sort_key(self, value: str) -> None:
        """Selects the sort choice stored as `value` (unknown values leave the choice as it is)."""
        for i, (_, choice) in enumerate(SORT_CHOICES):
            if choice.value == value:
                self.sort_combo.setCurrentIndex(i)

    def show_current_group(self) -> None:
        """Shows the selected group's photos, the kept copy first; an empty pane when nothing is selected."""
        row = self.current_row()
        result = self.model.result
        if row < 0 or result is None:
            self.compare.show_group(None, None, self.marks, -1)
            self.group_header.setText("")
            self.all_marked_label.setVisible(False)
            return
        group = self.model.group(row)
        self.compare.show_group(result, group, self.marks, group.keeper)
        self.update_group_header()

    def update_group_header(self) -> None:
        row = self.current_row()
        if row < 0 or self.model.result is None:
            return
        group = self.model.group(row)
        facts = self.model.facts(row)
        self.group_header.setText(
            self.tr("Group {number} of {count} — %Ln photo(s), {size} reclaimable", "", facts.photos).format(
                number=row + 1, count=f"{self.model.rowCount():,}", size=human_bytes(facts.reclaimable_bytes)
            )
        )
        self.all_marked_label.setVisible(all_marked(group, self.marks))

    def update_summary(self) -> None:
        if self.model.result is None:
            self.summary_label.setText("")
            return
        copies, size = self.model.totals()
        self.summary_label.setText(
            " · ".join(
                [self.tr("%Ln group(s)", "", self.model.rowCount()), self.tr("%Ln copy(s)", "", copies),
                 human_bytes(size)]
            )
        )  # fmt: skip

    def _on_sort_changed(self) -> None:
        self.model.set_sort_key(SortKey(self.sort_combo.currentData()))
        if self.current_row() >= 0:
            self.groups_view.scrollTo(self.groups_view.currentIndex())
            self.update_group_header()
