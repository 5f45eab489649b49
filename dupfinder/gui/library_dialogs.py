"""Dialogs of the library features: the copies found for one photo, the ignored pairs, and the exclusions."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from dupfinder.core.exclusions import DEFAULT_EXCLUDES, check_pattern
from dupfinder.core.ignore import IgnoreList
from dupfinder.core.library.find import QueryResult
from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member, Pairs, ScanResult
from dupfinder.formatting import difference_label, problem_reason
from dupfinder.gui.compare_view import CompareView
from dupfinder.gui.thumbnails import ThumbnailLoader


def _record(path: str, width: int, height: int, size: int, fmt: str) -> ImageRecord:
    try:
        st = os.stat(path)
        entry = FileEntry(path, size, st.st_mtime_ns, st.st_dev, st.st_ino, False, st.st_ctime_ns)
    except OSError:
        entry = FileEntry(path, size, 0, 0, 0)
    return ImageRecord(entry, Fingerprint(width, height, fmt, 0, 0, 0, 0))


def find_view_result(query: QueryResult, query_record: ImageRecord) -> tuple[ScanResult, Group]:
    """The query and its matches as one group (the query first) for the compare view; display only."""
    images = [query_record] + [_record(m.path, m.width, m.height, m.size_bytes, m.format) for m in query.matches]
    members = (
        Member(0, 0, 100.0, False),
        *(Member(k, m.distance_bits, m.similarity, m.identical) for k, m in enumerate(query.matches, 1)),
    )
    result = ScanResult((), (), tuple(images), (), Pairs.empty(), "", 64, 0)
    return result, Group(members, 0)


class FindCopiesDialog(QDialog):
    """The photo looked for, then its copies best first, each saying how it differs. Nothing here moves a file."""

    def __init__(self, query: QueryResult, query_record: ImageRecord, source: str, previews: ThumbnailLoader,
                 parent=None) -> None:  # fmt: skip
        super().__init__(parent)
        self.query = query
        self.setWindowTitle(self.tr("Copies of {name}").format(name=os.path.basename(query.path)))
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        if query.problem is not None:
            text = self.tr("{path} cannot be read: {reason}").format(
                path=query.path, reason=problem_reason(query.problem)
            )
        elif query.matches:
            text = self.tr("%Ln copy(s) of {path} in {folders}, best match first.", "", len(query.matches))
            text = text.format(path=query.path, folders=source)
        else:
            text = self.tr("No copy of {path} in {folders}: this photo is not there yet.")
            text = text.format(path=query.path, folders=source)
        self.summary = QLabel(text)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.compare = CompareView(previews)
        layout.addWidget(self.compare, 1)
        if query.problem is None:
            result, group = find_view_result(query, query_record)
            self.compare.show_group(result, group, (), 0)
            for card in self.compare.cards:
                card.toggle.setVisible(False)
                card.best_badge.setVisible(False)
                if card.image == 0:
                    card.similarity.setText("the photo you are looking for")
                else:
                    card.similarity.setText(difference_label(query.matches[card.image - 1].differs))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class IgnoredPairsDialog(QDialog):
    """The "not a duplicate" decisions, newest last; selected ones can be removed (the next scan may group them)."""

    def __init__(self, ignore_list: IgnoreList, parent=None) -> None:
        super().__init__(parent)
        self.ignore_list = ignore_list
        self.removed = 0
        self.setWindowTitle(self.tr("Photos that are not duplicates"))
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("These photos are never grouped together, wherever they are moved or copied.")))
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        layout.addWidget(self.list, 1)
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for number, decision in enumerate(self.ignore_list.decisions, 1):
            names = "\n   ".join(p.path or self.tr("(unknown path)") for p in decision.photos)
            photos = self.tr("%Ln photo(s):", "", len(decision.photos))
            item = QListWidgetItem(f"{decision.added} — {photos}\n   {names}")
            item.setData(Qt.ItemDataRole.UserRole, number)
            self.list.addItem(item)
        self.remove_button.setEnabled(bool(self.ignore_list.decisions))

    def remove_selected(self) -> None:
        numbers = [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]
        if not numbers:
            return
        self.ignore_list.remove(numbers)
        self.ignore_list.save()
        self.removed += len(numbers)
        self._fill()


class ExclusionsDialog(QDialog):
    """Folder and file patterns to skip, one a line, and whether the default thumbnail-cache list applies."""

    def __init__(self, patterns: list[str], use_defaults: bool, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Exclusions"))
        self.resize(560, 440)
        layout = QVBoxLayout(self)
        help_text = QLabel(
            self.tr(
                "Folders and files to skip, one pattern a line: a name (<code>@eaDir</code>, <code>*.tmp</code>) "
                "or a path below a scanned folder (<code>*/.thumbnails/*</code>). Skipped folders are not even opened."
            )
        )
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        self.edit = QPlainTextEdit("\n".join(patterns))
        layout.addWidget(self.edit, 1)
        self.defaults = QCheckBox(self.tr("Also skip the thumbnail caches and system folders of common systems"))
        self.defaults.setChecked(use_defaults)
        self.defaults.setToolTip(", ".join(DEFAULT_EXCLUDES))
        layout.addWidget(self.defaults)
        self.error = QLabel()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def patterns(self) -> list[str]:
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def _accept(self) -> None:
        try:
            for pattern in self.patterns():
                check_pattern(pattern)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
