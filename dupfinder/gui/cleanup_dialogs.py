"""The questions and reports around a cleanup: confirm before trashing, and list the files that did not move.

Report boxes are opened window-modal and returned, so the window can keep them alive (and tests can read them).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from dupfinder.formatting import core_message, human_bytes
from dupfinder.gui.translation import Tr


class CleanupDialogs(Tr):
    """Translation context of the cleanup's questions and reports."""


def confirm_trash(parent: QWidget, count: int, size: int) -> bool:
    answer = QMessageBox.question(
        parent,
        CleanupDialogs.tr("Move to Trash"),
        CleanupDialogs.tr(
            "Move %Ln file(s) ({size}) to the Trash?\n\n"
            "Each group keeps at least one photo. You can put them back with “Undo last cleanup”.",
            "",
            count,
        ).format(size=human_bytes(size)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def trash_message(trash_report) -> str:
    moved = CleanupDialogs.tr("Moved %Ln file(s) ({size}) to the Trash.", "", len(trash_report.moved))
    return moved.format(size=human_bytes(trash_report.bytes_moved))


def open_trash_trouble(parent: QWidget, trash_report) -> QMessageBox | None:
    """Lists the refused and failed files, if any."""
    trouble = [f"{item.path}: {core_message(item.reason)}" for item in (*trash_report.refused, *trash_report.failed)]
    if not trouble:
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        CleanupDialogs.tr("Some files were not moved"),
        trash_message(trash_report),
        parent=parent,
    )
    box.setInformativeText(CleanupDialogs.tr("%Ln file(s) stayed where they were:", "", len(trouble)))
    box.setDetailedText("\n".join(trouble))
    box.open()
    return box


def open_undo_trouble(parent: QWidget, undo_report) -> QMessageBox | None:
    """Lists the files undo could not put back, if any."""
    if not undo_report.not_restored:
        return None
    lines = "\n".join(f"{path}: {reason}" for path, reason in undo_report.not_restored)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        CleanupDialogs.tr("Some files stayed in the Trash"),
        core_message(undo_report.message),
        parent=parent,
    )
    box.setDetailedText(lines)
    box.open()
    return box
