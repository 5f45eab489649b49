"""The folders to scan: one row per folder with a 'protected' check (its files are always kept) and a remove button."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QToolButton, QWidget


class _FolderRow(QWidget):
    def __init__(self, path: str, protected: bool, parent=None) -> None:
        super().__init__(parent)
        self.path = path
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 1, 4, 1)
        self.protected = QCheckBox(self.tr("Protected"))
        self.protected.setChecked(protected)
        self.protected.setToolTip(self.tr("Files in this folder are always kept, never moved to the trash"))
        label = QLabel(path)
        label.setToolTip(path)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip(self.tr("Remove this folder from the list"))
        self.remove.setAutoRaise(True)
        layout.addWidget(label, 1)
        layout.addWidget(self.protected)
        layout.addWidget(self.remove)


class FoldersWidget(QListWidget):
    """Ordered, duplicate-free list of folders. `changed` fires on any add, remove or protected toggle.

    As tall as its rows (one at least, MAX_VISIBLE_ROWS at most, then it scrolls): a folder or two must not cost the
    review area the height of an empty box."""

    changed = Signal()
    MAX_VISIBLE_ROWS = 4

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformItemSizes(True)
        self._row_height = _FolderRow("/", False).sizeHint().height()
        self.changed.connect(self._fit_height)
        self._fit_height()

    def _fit_height(self) -> None:
        rows = min(max(1, self.count()), self.MAX_VISIBLE_ROWS)
        self.setFixedHeight(rows * self._row_height + 2 * self.frameWidth())

    def add_folder(self, path: str, protected: bool = False) -> bool:
        """Adds an existing folder once (paths are normalised); False if it is not a folder or already listed."""
        path = os.path.abspath(os.path.expanduser(path))
        if not os.path.isdir(path) or path in self.paths():
            return False
        item = QListWidgetItem(self)
        row = _FolderRow(path, protected)
        item.setSizeHint(row.sizeHint())
        self.setItemWidget(item, row)
        row.protected.toggled.connect(lambda _checked: self.changed.emit())
        row.remove.clicked.connect(lambda: self.remove_folder(path))
        self.changed.emit()
        return True

    def remove_folder(self, path: str) -> None:
        for i in range(self.count()):
            if self._row(i).path == path:
                self.takeItem(i)
                self.changed.emit()
                return

    def set_protected(self, path: str, protected: bool) -> None:
        for i in range(self.count()):
            if self._row(i).path == path:
                self._row(i).protected.setChecked(protected)

    def paths(self) -> list[str]:
        return [self._row(i).path for i in range(self.count())]

    def folders(self) -> list[tuple[str, bool]]:
        """(path, protected) in the order added."""
        return [(self._row(i).path, self._row(i).protected.isChecked()) for i in range(self.count())]

    def _row(self, i: int) -> _FolderRow:
        widget = self.itemWidget(self.item(i))
        assert isinstance(widget, _FolderRow)
        return widget
