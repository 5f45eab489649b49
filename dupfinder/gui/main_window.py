"""The main window: folders and threshold on top, groups on the left, the selected group's photos on the right.

It only presents and forwards: scanning, grouping, keep-best, trashing and undo are core calls; the window holds the
result (immutable), the current groups and the user's marks.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dupfinder import __version__
from dupfinder.core import report
from dupfinder.core.grouping import regroup
from dupfinder.core.models import Group, ScanResult
from dupfinder.core.options import (
    DEFAULT_HASH,
    LOOSER_MARGIN_BITS,
    HashKind,
    Preset,
    ScanOptions,
    preset_distance,
    similarity_percent,
)
from dupfinder.core.scanner import run_scan
from dupfinder.core.selection import choose_keeper, keep_best_marks, quality_rank
from dupfinder.core.trash import trash_files
from dupfinder.core.undo import undo_last_cleanup
from dupfinder.gui.compare_view import CompareView
from dupfinder.gui.folders_widget import FoldersWidget
from dupfinder.gui.formatting import human_bytes, plural, progress_text
from dupfinder.gui.group_delegate import GroupDelegate
from dupfinder.gui.groups_model import GroupsModel, SortKey, reclaimable_bytes
from dupfinder.gui.groups_view import GroupListView
from dupfinder.gui.image_viewer import ImageViewerDialog
from dupfinder.gui.marks import MarkSet, all_marked, follow_keeper
from dupfinder.gui.problems_dialog import ProblemsDialog
from dupfinder.gui.scan_worker import BackgroundTask
from dupfinder.gui.settings import AppSettings
from dupfinder.gui.thumbnails import ThumbnailLoader

log = logging.getLogger(__name__)

EMPTY_TEXT = "Add the folders that hold your photos — with “Add folder…” or by dropping them here — then press Scan."
SORT_CHOICES = (("Most space first", SortKey.RECLAIMABLE), ("Most alike first", SortKey.SIMILARITY))


def threshold_words(distance_bits: int, hash_kind: HashKind) -> tuple[str, Preset]:
    """The preset nearest to a distance ('Strict', 'Normal', 'Loose'; ties go to the stricter)."""
    preset = min(Preset, key=lambda p: (abs(preset_distance(p, hash_kind) - distance_bits), list(Preset).index(p)))
    return preset.value.capitalize(), preset


class MainWindow(QMainWindow):
    scan_finished = Signal()  # after success, cancel or failure
    trash_finished = Signal()
    undo_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("dupfinder — duplicate photo finder")
        self.setAcceptDrops(True)
        self.settings = AppSettings()
        self.marks = MarkSet(self)
        self.thumbs = ThumbnailLoader(capacity=1500, threads=2, parent=self)
        self.previews = ThumbnailLoader(capacity=40, threads=2, parent=self)
        self.large_images = ThumbnailLoader(capacity=3, threads=1, parent=self)
        self.model = GroupsModel(self.marks, self)
        self.result: ScanResult | None = None
        self._rank: list[int] = []
        self._gone: set[int] = set()  # trashed during this session; kept out of regrouping
        self._task: BackgroundTask | None = None
        self._viewer: ImageViewerDialog | None = None
        self._hash_kind = DEFAULT_HASH
        self._regroup_timer = QTimer(self, singleShot=True, interval=30)
        self._regroup_timer.timeout.connect(self._apply_threshold)

        self._build()
        self._build_menus()
        self._restore_settings()
        self.marks.changed.connect(self._on_marks_changed)
        self.thumbs.ready.connect(lambda *_: self.groups_view.viewport().update())
        self._update_actions()

    # ------------------------------------------------------------------------------------------------ layout
    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 8, 10, 6)

        top = QHBoxLayout()
        folders_box = QGroupBox("Folders")
        folders_layout = QVBoxLayout(folders_box)
        self.folders = FoldersWidget()
        self.folders.setMaximumHeight(78)
        self.folders.changed.connect(self._on_folders_changed)
        folders_layout.addWidget(self.folders)
        add_row = QHBoxLayout()
        self.add_button = QPushButton("Add folder…")
        self.add_button.clicked.connect(self.choose_folder)
        add_row.addWidget(self.add_button)
        add_row.addWidget(QLabel("or drop folders here"))
        add_row.addStretch(1)
        folders_layout.addLayout(add_row)
        top.addWidget(folders_box, 3)

        controls = QVBoxLayout()
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel("Similarity"))
        slider_row.addWidget(QLabel("Strict"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimumWidth(220)
        self.slider.setPageStep(4)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setToolTip("Left: only the same picture (resized, recompressed). Right: also edited copies.")
        self.slider.valueChanged.connect(self._on_slider_moved)
        slider_row.addWidget(self.slider, 1)
        slider_row.addWidget(QLabel("Loose"))
        self.threshold_label = QLabel()
        self.threshold_label.setMinimumWidth(150)
        slider_row.addWidget(self.threshold_label)
        controls.addLayout(slider_row)
        scan_row = QHBoxLayout()
        scan_row.addStretch(1)
        self.scan_button = QPushButton("Scan")
        self.scan_button.setDefault(True)
        self.scan_button.setMinimumWidth(120)
        bigger = QFont(self.scan_button.font())
        bigger.setBold(True)
        self.scan_button.setFont(bigger)
        self.scan_button.clicked.connect(self.start_scan)
        scan_row.addWidget(self.scan_button)
        controls.addLayout(scan_row)
        controls.addStretch(1)
        top.addLayout(controls, 2)
        outer.addLayout(top)

        self.progress_row = QWidget()
        progress_layout = QHBoxLayout(self.progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMinimumWidth(240)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_task)
        progress_layout.addWidget(self.progress_bar, 2)
        progress_layout.addWidget(self.progress_label, 3)
        progress_layout.addWidget(self.cancel_button)
        self.progress_row.setVisible(False)
        outer.addWidget(self.progress_row)

        self.pages = QStackedWidget()
        self.empty_label = QLabel(EMPTY_TEXT, alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        empty_font = QFont(self.empty_label.font())
        empty_font.setPointSizeF(empty_font.pointSizeF() * 1.25)
        self.empty_label.setFont(empty_font)
        self.pages.addWidget(self.empty_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.summary_label = QLabel()
        left_layout.addWidget(self.summary_label)
        sort_row = QHBoxLayout()
        sort_row.addWidget(QLabel("Sort:"))
        self.sort_combo = QComboBox()
        for text, key in SORT_CHOICES:
            self.sort_combo.addItem(text, key.value)
        self.sort_combo.currentIndexChanged.connect(self._on_sort_changed)
        sort_row.addWidget(self.sort_combo, 1)
        left_layout.addLayout(sort_row)
        self.groups_view = GroupListView()
        self.groups_view.setModel(self.model)
        self.groups_view.setItemDelegate(GroupDelegate(self.thumbs, self.groups_view))
        self.groups_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_current_group())
        self.groups_view.review_key.connect(self._on_review_key)
        left_layout.addWidget(self.groups_view, 1)
        self.splitter.addWidget(left)

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
            "Every photo of this group is marked: the core always keeps one, so the keeper stays in place."
        )
        self.all_marked_label.setWordWrap(True)
        self.all_marked_label.setVisible(False)
        right_layout.addWidget(self.all_marked_label)
        self.compare = CompareView(self.previews)
        self.compare.toggled.connect(self.toggle_mark)
        self.compare.activated.connect(self.open_large)
        self.compare.context_menu.connect(self._photo_menu)
        right_layout.addWidget(self.compare, 1)
        hint = QLabel("↑/↓ groups · ←/→ photos · Space keep/trash · Del trash · Enter large · right-click for more")
        hint.setEnabled(False)
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        right_layout.addWidget(hint)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([440, 1040])
        self.pages.addWidget(self.splitter)
        outer.addWidget(self.pages, 1)

        bottom = QHBoxLayout()
        self.problems_button = QPushButton()
        self.problems_button.setFlat(True)
        self.problems_button.clicked.connect(self.show_problems)
        self.problems_button.setVisible(False)
        bottom.addWidget(self.problems_button)
        bottom.addStretch(1)
        self.keep_best_button = QPushButton("Keep best resolution")
        self.keep_best_button.setToolTip("In every group, keep the best copy and mark the others for the trash")
        self.keep_best_button.clicked.connect(self.keep_best)
        bottom.addWidget(self.keep_best_button)
        self.trash_button = QPushButton("Move to Trash…")
        self.trash_button.clicked.connect(self.move_to_trash)
        bottom.addWidget(self.trash_button)
        self.undo_button = QPushButton("Undo last cleanup")
        self.undo_button.clicked.connect(self.undo_last_cleanup)
        bottom.addWidget(self.undo_button)
        outer.addLayout(bottom)

        self.setCentralWidget(central)
        self.statusBar().setSizeGripEnabled(True)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.add_action = file_menu.addAction("&Add folder…", QKeySequence.StandardKey.Open, self.choose_folder)
        self.scan_action = file_menu.addAction("&Scan", QKeySequence("F5"), self.start_scan)
        file_menu.addSeparator()
        self.export_csv_action = file_menu.addAction("Export results as &CSV…", lambda: self._export("csv"))
        self.export_json_action = file_menu.addAction("Export results as &JSON…", lambda: self._export("json"))
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, self.close)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.keep_best_action = edit_menu.addAction("&Keep best resolution", QKeySequence("Ctrl+B"), self.keep_best)
        self.clear_marks_action = edit_menu.addAction("&Clear all marks", lambda: self.marks.replace(()))
        edit_menu.addSeparator()
        self.trash_action = edit_menu.addAction("&Move marked files to Trash…", self.move_to_trash)
        self.undo_action = edit_menu.addAction(
            "&Undo last cleanup", QKeySequence.StandardKey.Undo, self.undo_last_cleanup
        )

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About dupfinder", self.show_about)

    # ------------------------------------------------------------------------------------------------ folders
    def choose_folder(self) -> None:
        start = self.folders.paths()[-1] if self.folders.count() else os.path.expanduser("~")
        path = QFileDialog.getExistingDirectory(self, "Add a folder to scan", start)
        if path:
            self.add_folder(path)

    def add_folder(self, path: str, protected: bool = False) -> bool:
        added = self.folders.add_folder(path, protected)
        if not added and not os.path.isdir(path):
            self.statusBar().showMessage(f"Not a folder: {path}", 5000)
        return added

    def _on_folders_changed(self) -> None:
        self.settings.set_folders(self.folders.folders())
        self._update_actions()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(os.path.isdir(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        added = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        added = [path for path in added if os.path.isdir(path) and self.add_folder(path)]
        if added:
            event.acceptProposedAction()
            self.statusBar().showMessage(f"Added {plural(len(added), 'folder')}. Press Scan to look for duplicates.")

    # ------------------------------------------------------------------------------------------------ scanning
    def start_scan(self) -> None:
        if self.busy or not self.folders.count():
            if not self.folders.count():
                self.statusBar().showMessage("Add a folder first.", 5000)
            return
        folders = self.folders.folders()
        options = ScanOptions(
            roots=tuple(path for path, _ in folders), protected_roots=tuple(path for path, p in folders if p)
        )
        task = self._start_task(functools.partial(run_scan, options), "Scanning…")
        previous_text = self.empty_label.text()
        self.empty_label.setText("Looking for duplicates… the groups appear here when the scan is done.")
        task.succeeded.connect(self._on_scan_done)
        task.cancelled.connect(lambda: self.empty_label.setText(previous_text))
        task.failed.connect(lambda _message: self.empty_label.setText(previous_text))
        task.cancelled.connect(lambda: self.statusBar().showMessage("Scan cancelled.", 8000))
        task.failed.connect(lambda message: QMessageBox.critical(self, "Scan failed", message))
        task.finished.connect(self.scan_finished)

    def _start_task(self, fn, text: str) -> BackgroundTask:
        if self._task is not None:
            self._task.wait()
        task = BackgroundTask(fn, self)
        task.progress.connect(self._on_progress)
        task.finished.connect(self._on_task_finished)
        self._task = task
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText(text)
        self.cancel_button.setEnabled(True)
        self.progress_row.setVisible(True)
        task.start()
        self._update_actions()
        return task

    @property
    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Stopping…")

    def _on_progress(self, event) -> None:
        if event.total:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(min(event.done, event.total))
        else:
            self.progress_bar.setRange(0, 0)
        if self.cancel_button.isEnabled():
            self.progress_label.setText(progress_text(event))

    def _on_task_finished(self) -> None:
        self.progress_row.setVisible(False)
        self._update_actions()

    def _on_scan_done(self, result: ScanResult) -> None:
        self.result = result
        self._rank = quality_rank(result.images)
        self._gone = set()
        self._hash_kind = HashKind(result.hash_name)
        self.thumbs.reset()
        self.previews.reset()
        self.marks.replace(())
        self._configure_slider(result.max_distance_bits, self.slider.value())
        self._apply_threshold()
        problems = len(result.problems)
        self.problems_button.setText(f"{plural(problems, 'file')} could not be read")
        self.problems_button.setVisible(problems > 0)
        stats = result.stats
        summary = (
            f"Scanned {plural(len(result.images), 'photo')} in {stats.elapsed_s:.1f} s "
            f"({stats.images_from_cache:,} from the cache)."
        )
        # Warnings (e.g. a broken cache that was set aside) stay until the next message: the user should see them.
        self.statusBar().showMessage(" ".join([summary, *result.warnings]), 0 if result.warnings else 15000)

    # ------------------------------------------------------------------------------------------------ threshold
    def _configure_slider(self, max_bits: int, value: int | None) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, max_bits)
        self.slider.setTickInterval(max(1, preset_distance(Preset.STRICT, self._hash_kind)))
        normal = preset_distance(Preset.NORMAL, self._hash_kind)
        self.slider.setValue(normal if value is None else min(value, max_bits))
        self.slider.blockSignals(False)
        self._update_threshold_label()

    @property
    def distance_bits(self) -> int:
        return self.slider.value()

    def _update_threshold_label(self) -> None:
        word, _ = threshold_words(self.distance_bits, self._hash_kind)
        percent = similarity_percent(self.distance_bits, self._hash_kind.bits)
        self.threshold_label.setText(f"{word} · ≥ {percent:.0f} % alike")

    def _on_slider_moved(self, value: int) -> None:
        self._update_threshold_label()
        self.settings.set_distance_bits(value)
        self._regroup_timer.start()

    def _apply_threshold(self) -> None:
        """Regroup from the stored pairs at the slider's distance (no image I/O)."""
        if self.result is None:
            return
        groups = [self._visible(group) for group in regroup(self.result, self.distance_bits)]
        self.model.set_groups(self.result, [g for g in groups if g is not None])
        self.pages.setCurrentIndex(1 if self.model.rowCount() else 0)
        if not self.model.rowCount():
            self.empty_label.setText(
                f"No duplicates among {plural(len(self.result.images), 'photo')} at this similarity. "
                "Move the slider towards Loose to find looser matches, or scan other folders."
            )
        else:
            self.groups_view.setCurrentIndex(self.model.index(0))
        self._show_current_group()
        self._update_summary()
        self._update_actions()

    def _visible(self, group: Group) -> Group | None:
        """The group without files trashed this session, with the keeper moved off a user-marked photo."""
        if self._gone.intersection(group.images):
            kept = tuple(m for m in group.members if m.image not in self._gone)
            if len(kept) < 2:
                return None
            keeper = group.keeper if group.keeper not in self._gone else kept[0].image
            group = dataclasses.replace(group, members=kept, keeper=keeper)
        return follow_keeper(group, self.marks, self._rank)

    # ------------------------------------------------------------------------------------------------ review
    def _current_row(self) -> int:
        index = self.groups_view.currentIndex()
        return index.row() if index.isValid() else -1

    def select_group(self, row: int) -> None:
        self.groups_view.selectionModel().setCurrentIndex(
            self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def _show_current_group(self) -> None:
        row = self._current_row()
        if row < 0 or self.result is None:
            self.compare.show_group(None, None, self.marks, -1)
            self.group_header.setText("")
            self.all_marked_label.setVisible(False)
            return
        group = self.model.group(row)
        best = min(group.images, key=lambda image: self._rank[image])
        self.compare.show_group(self.result, group, self.marks, best)
        self._update_group_header()

    def _update_group_header(self) -> None:
        row = self._current_row()
        if row < 0 or self.result is None:
            return
        group = self.model.group(row)
        facts = self.model.facts(row)
        self.group_header.setText(
            f"Group {row + 1} of {self.model.rowCount():,} — {plural(facts.photos, 'photo')}, "
            f"{human_bytes(facts.reclaimable_bytes)} reclaimable"
        )
        self.all_marked_label.setVisible(all_marked(group, self.marks))

    def _update_summary(self) -> None:
        if self.result is None:
            self.summary_label.setText("")
            return
        groups = self.model.groups()
        copies = sum(len(g.members) - 1 for g in groups)
        size = sum(reclaimable_bytes(self.result, g) for g in groups)
        self.summary_label.setText(
            f"{plural(len(groups), 'group')} · {plural(copies, 'copy', 'copies')} · {human_bytes(size)}"
        )

    def _on_sort_changed(self) -> None:
        key = SortKey(self.sort_combo.currentData())
        self.settings.set_sort_key(key.value)
        self.model.set_sort_key(key)
        if self._current_row() >= 0:
            self.groups_view.scrollTo(self.groups_view.currentIndex())
            self._update_group_header()

    def toggle_mark(self, image: int) -> None:
        self.set_mark(image, image not in self.marks)

    def set_mark(self, image: int, marked: bool) -> None:
        if self.result is None:
            return
        if marked and self.result.images[image].file.protected:
            self.statusBar().showMessage("This photo is in a protected folder: it is always kept.", 5000)
            return
        self.marks.set_marked(image, marked)

    def _on_marks_changed(self, images: frozenset[int]) -> None:
        for row, group in enumerate(self.model.groups()):
            if images.intersection(group.images):
                followed = follow_keeper(group, self.marks, self._rank)
                if followed is not group:
                    self.model.replace_group(row, followed)
        self.model.refresh_images(images)
        self.compare.refresh(self.marks)
        self._update_group_header()
        self._update_actions()

    def keep_best(self) -> None:
        """Every group keeps its best copy (core's choice); all others are marked."""
        if self.result is None:
            return
        for row, group in enumerate(self.model.groups()):
            keeper = choose_keeper(group.images, self.result.images, self._rank)
            if keeper != group.keeper:
                self.model.replace_group(row, dataclasses.replace(group, keeper=keeper))
        self.marks.replace(keep_best_marks(self.model.groups(), self.result.images))
        self.statusBar().showMessage(f"Marked {plural(len(self.marks), 'file')} for the trash.", 8000)

    def _on_review_key(self, action: str) -> None:
        image = self.compare.current_image()
        if action == "left":
            self.compare.move_current(-1)
        elif action == "right":
            self.compare.move_current(1)
        elif image is None:
            return
        elif action == "toggle":
            self.toggle_mark(image)
        elif action == "trash":
            self.set_mark(image, True)
            self.compare.move_current(1)
        elif action == "open":
            self.open_large(image)

    # ------------------------------------------------------------------------------------------------ photos
    def open_large(self, image: int) -> None:
        if self.result is None:
            return
        record = self.result.images[image]
        preview = self.previews.pixmap(record.path, round(640 * self.devicePixelRatioF()))
        if self._viewer is not None:
            self._viewer.close()
        self._viewer = ImageViewerDialog(record.path, record.fingerprint.width, self.large_images, preview, self)
        self._viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._viewer.destroyed.connect(lambda *_: setattr(self, "_viewer", None))
        self._viewer.show()

    def _photo_menu(self, image: int, position: QPoint) -> None:
        if self.result is None:
            return
        path = self.result.images[image].path
        menu = QMenu(self)
        menu.addAction("Open with system viewer", lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
        menu.addAction(
            "Reveal in file manager",
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path))),
        )
        menu.addAction("Copy path", lambda: QGuiApplication.clipboard().setText(path))
        menu.addSeparator()
        menu.addAction("Show large", lambda: self.open_large(image))
        toggle = menu.addAction("Keep" if image in self.marks else "Mark for trash", lambda: self.toggle_mark(image))
        toggle.setEnabled(not self.result.images[image].file.protected)
        menu.popup(position)

    # ------------------------------------------------------------------------------------------------ trash
    def trash_plan(self) -> tuple[list[Group], frozenset[int], int]:
        """(groups, marked images within them, bytes those free) as the core will receive them."""
        if self.result is None:
            return [], frozenset(), 0
        groups = self.model.groups()
        in_groups = {image for group in groups for image in group.images}
        marked = frozenset(image for image in self.marks.snapshot() if image in in_groups)
        return groups, marked, report.reclaimable_bytes(self.result, groups, marked)

    def move_to_trash(self) -> None:
        groups, marked, size = self.trash_plan()
        if not marked or self.busy or self.result is None:
            return
        answer = QMessageBox.question(
            self,
            "Move to Trash",
            f"Move {plural(len(marked), 'file')} ({human_bytes(size)}) to the Trash?\n\n"
            "Each group keeps at least one photo. You can put them back with “Undo last cleanup”.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        task = self._start_task(functools.partial(trash_files, self.result, groups, marked), "Moving to the Trash…")
        task.succeeded.connect(self._on_trash_done)
        task.cancelled.connect(lambda: self.statusBar().showMessage("Stopped moving files to the Trash.", 8000))
        task.failed.connect(lambda message: QMessageBox.critical(self, "Moving to the Trash failed", message))
        task.finished.connect(self.trash_finished)

    def _on_trash_done(self, trash_report) -> None:
        assert self.result is not None
        moved = {item.image for item in trash_report.moved}
        self._gone |= moved
        for image in moved:
            self.thumbs.forget(self.result.images[image].path)
            self.previews.forget(self.result.images[image].path)
        self.marks.discard_all(moved)
        row = self._current_row()
        self.model.remove_images(moved)
        if self.model.rowCount():
            self.select_group(min(max(row, 0), self.model.rowCount() - 1))
        else:
            self.pages.setCurrentIndex(0)
            self.empty_label.setText("All duplicates are cleaned up. Undo puts the files back if you need them.")
        self._show_current_group()
        self._update_summary()
        message = (
            f"Moved {plural(len(trash_report.moved), 'file')} ({human_bytes(trash_report.bytes_moved)}) to the Trash."
        )
        self.statusBar().showMessage(message, 15000)
        trouble = [f"{item.path}: {item.reason}" for item in (*trash_report.refused, *trash_report.failed)]
        if trouble:
            box = QMessageBox(QMessageBox.Icon.Warning, "Some files were not moved", message, parent=self)
            box.setInformativeText(f"{plural(len(trouble), 'file')} stayed where they were:")
            box.setDetailedText("\n".join(trouble))
            box.open()
            self._trouble_box = box

    def undo_last_cleanup(self) -> None:
        if self.busy:
            return
        task = self._start_task(lambda progress, cancel: undo_last_cleanup(), "Putting files back…")
        task.succeeded.connect(self._on_undo_done)
        task.failed.connect(lambda message: QMessageBox.critical(self, "Undo failed", message))
        task.finished.connect(self.undo_finished)

    def _on_undo_done(self, undo_report) -> None:
        self.statusBar().showMessage(undo_report.message, 15000)
        if self.result is not None and undo_report.restored:
            restored = set(undo_report.restored)
            self._gone = {i for i in self._gone if self.result.images[i].path not in restored}
            self._apply_threshold()
        if undo_report.not_restored:
            lines = "\n".join(f"{path}: {reason}" for path, reason in undo_report.not_restored)
            box = QMessageBox(
                QMessageBox.Icon.Warning, "Some files stayed in the Trash", undo_report.message, parent=self
            )
            box.setDetailedText(lines)
            box.open()
            self._trouble_box = box

    # ------------------------------------------------------------------------------------------------ misc
    def show_problems(self) -> ProblemsDialog | None:
        if self.result is None or not self.result.problems:
            return None
        dialog = ProblemsDialog(self.result.problems, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _export(self, kind: str) -> None:
        if self.result is None:
            return
        filters = {"csv": "CSV files (*.csv)", "json": "JSON files (*.json)"}
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export results as {kind.upper()}", f"dupfinder.{kind}", filters[kind]
        )
        if path:
            self.export(path, kind)

    def export(self, path: str, kind: str) -> None:
        """Write the groups as shown (current threshold, current marks)."""
        assert self.result is not None
        groups, marked = self.model.groups(), self.marks.snapshot()
        try:
            if kind == "csv":
                report.write_csv(path, self.result, groups, marked)
            else:
                _, preset = threshold_words(self.distance_bits, self._hash_kind)
                exact = self.distance_bits == preset_distance(preset, self._hash_kind)
                data = report.to_json_dict(
                    self.result,
                    groups,
                    marked,
                    threshold_bits=self.distance_bits,
                    preset=preset.value if exact else None,
                )
                report.write_json(path, data)
        except OSError as exc:
            QMessageBox.critical(self, "Export failed", f"Could not write {path}: {exc.strerror or exc}")
            return
        self.statusBar().showMessage(f"Exported {plural(len(groups), 'group')} to {path}.", 10000)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About dupfinder",
            f"<b>dupfinder {__version__}</b><p>Finds duplicate and near-duplicate photos and moves the extra copies "
            "to the Trash, safely: protected folders are never touched, each group keeps at least one photo, and "
            "the last cleanup can be undone.</p>",
        )

    def _update_actions(self) -> None:
        busy = self.busy
        has_result = self.result is not None and self.model.rowCount() > 0
        _, marked, size = self.trash_plan()
        self.scan_button.setEnabled(not busy and self.folders.count() > 0)
        self.scan_button.setText("Scanning…" if busy else "Scan")
        self.scan_action.setEnabled(not busy)
        for widget in (self.keep_best_button, self.keep_best_action, self.clear_marks_action):
            widget.setEnabled(has_result and not busy)
        for widget in (self.export_csv_action, self.export_json_action):
            widget.setEnabled(self.result is not None and not busy)
        label = f"Move {plural(len(marked), 'file')} ({human_bytes(size)}) to Trash…" if marked else "Move to Trash…"
        self.trash_button.setText(label)
        self.trash_button.setEnabled(bool(marked) and not busy)
        self.trash_action.setEnabled(bool(marked) and not busy)
        self.undo_button.setEnabled(not busy)
        self.undo_action.setEnabled(not busy)

    # ------------------------------------------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        for path, protected in self.settings.folders():
            if os.path.isdir(path):
                self.folders.add_folder(path, protected)
        self._configure_slider(
            preset_distance(Preset.LOOSE, self._hash_kind) + LOOSER_MARGIN_BITS, self.settings.distance_bits()
        )
        key = self.settings.sort_key()
        for i, (_, choice) in enumerate(SORT_CHOICES):
            if choice.value == key:
                self.sort_combo.setCurrentIndex(i)
        geometry = self.settings.byte_array("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        splitter = self.settings.byte_array("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_settings(self) -> None:
        self.settings.set_folders(self.folders.folders())
        self.settings.set_distance_bits(self.distance_bits)
        self.settings.set_byte_array("geometry", self.saveGeometry())
        self.settings.set_byte_array("splitter", self.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.save_settings()
        if self._task is not None:
            self._task.cancel()
            self._task.wait()
        for loader in (self.thumbs, self.previews, self.large_images):
            loader.reset()
            loader.wait_idle()
        super().closeEvent(event)
