"""The group list as the keyboard hub: ↑/↓ move between groups (Qt's own), the review keys act on the photos.

A one-column table rather than a QListView: a list view lays out every row after each reset, asking the model about
each (20k calls into Python, ~50 ms per regroup at 20k groups); a table's rows are header sections of one fixed size.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from dupfinder.gui.group_delegate import ROW_HEIGHT


class GroupListView(QTableView):
    """Emits `review_key` with 'left', 'right', 'toggle', 'open', 'trash', 'compare' or 'not_duplicate' for the keys
    that act on photos."""

    review_key = Signal(str)

    _KEYS: ClassVar[dict[Qt.Key, str]] = {
        Qt.Key.Key_Left: "left",
        Qt.Key.Key_Right: "right",
        Qt.Key.Key_Space: "toggle",
        Qt.Key.Key_Return: "open",
        Qt.Key.Key_Enter: "open",
        Qt.Key.Key_Delete: "trash",
        Qt.Key.Key_C: "compare",
        Qt.Key.Key_N: "not_duplicate",  # library_actions.py
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(300)
        self.verticalScrollBar().setSingleStep(ROW_HEIGHT // 2)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._KEYS.get(Qt.Key(event.key()))
        if action is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.review_key.emit(action)
            event.accept()
            return
        super().keyPressEvent(event)
