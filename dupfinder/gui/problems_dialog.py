"""Files that could not be read, each with its reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from dupfinder.core.models import Problem
from dupfinder.formatting import problem_reason


class ProblemsDialog(QDialog):
    def __init__(self, problems: Sequence[Problem], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Files that could not be read"))
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("%Ln file(s) could not be read and were left out of the scan.", "", len(problems)))
        )
        self.table = QTableWidget(len(problems), 2)
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(False)
        for row, problem in enumerate(problems):
            path = QTableWidgetItem(problem.path)
            path.setToolTip(problem.path)
            self.table.setItem(row, 0, path)
            self.table.setItem(row, 1, QTableWidgetItem(problem_reason(problem)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
