"""The main window: folders and threshold on top, groups on the left, the selected group's photos on the right.

It only assembles, presents and forwards: scanning, grouping, keep-best, trashing and undo are core calls; the window
holds the result (immutable), the current groups and the user's marks. The parts live in their own modules.
"""

from __future__ import annotations

import functools
import os

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup, QDragEnterEvent, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from dupfinder import __version__
from dupfinder.core.models import ScanResult
from dupfinder.core.options import LOOSER_MARGIN_BITS, HashKind, Preset, preset_distance
from dupfinder.formatting import human_bytes
from dupfinder.gui.cleanup_actions import CleanupActionsMixin
from dupfinder.gui.export import ask_export_path, write_export
from dupfinder.gui.groups_model import GroupsModel
from dupfinder.gui.image_viewer import ImageViewerDialog
from dupfinder.gui.library_actions import LibraryActionsMixin, is_image_file
from dupfinder.gui.marks import MarkSet
from dupfinder.gui.pair_compare import PairCompareDialog
from dupfinder.gui.photo_menu import photo_menu
from dupfinder.gui.problems_dialog import ProblemsDialog
from dupfinder.gui.regroup import Regrouper
from dupfinder.gui.review_widget import ReviewWidget
from dupfinder.gui.scan_actions import ScanActionsMixin
from dupfinder.gui.scan_bar import ScanBarWidget
from dupfinder.gui.scan_worker import BackgroundTask
from dupfinder.gui.settings import AppSettings
from dupfinder.gui.task_progress import TaskProgressWidget
from dupfinder.gui.thumbnails import StoredThumbnails, ThumbnailLoader
from dupfinder.gui.translation import LANGUAGE_CHOICES

CLOSE_WAIT_MS = 3000  # a cancelled scan stops within a second; past this the window closes when it has


class MainWindow(LibraryActionsMixin, ScanActionsMixin, CleanupActionsMixin, QMainWindow):
    scan_finished = Signal()  # after success, cancel or failure
    find_finished = Signal()  # Find copies of a photo
    trash_finished = Signal()
    undo_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Duplicate photo finder"))  # the system adds " — dupfinder"
        self.setAcceptDrops(True)
        self.settings = AppSettings()
        self.marks = MarkSet(self)
        self.thumbs = ThumbnailLoader(capacity=1500, threads=2, parent=self, stored=StoredThumbnails())
        self.previews = ThumbnailLoader(capacity=40, threads=2, parent=self)
        self.large_images = ThumbnailLoader(capacity=3, threads=1, parent=self)
        self.model = GroupsModel(self.marks, self)
        self.result: ScanResult | None = None
        self._rank: list[int] = []
        self._gone: set[int] = set()  # trashed during this session; kept out of regrouping
        self._task: BackgroundTask | None = None
        self.regrouper = Regrouper(self)
        self.regrouper.ready.connect(self._show_view)
        self.regrouper.failed.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self._after_regroup: list = []  # what waits for the groups being made (scan_actions._apply_threshold)
        self._viewer: ImageViewerDialog | None = None
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

        self.scan_bar = ScanBarWidget()
        self.scan_bar.folders.changed.connect(self._on_folders_changed)
        self.scan_bar.add_button.clicked.connect(self.choose_folder)
        self.scan_bar.slider.valueChanged.connect(self._on_slider_moved)
        self.scan_bar.scan_button.clicked.connect(self.start_scan)
        outer.addWidget(self.scan_bar)

        self.progress_row = TaskProgressWidget()
        self.progress_row.cancel_button.clicked.connect(self.cancel_task)
        outer.addWidget(self.progress_row)

        self.pages = QStackedWidget()
        self.empty_label = QLabel(self.empty_text(), alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        empty_font = QFont(self.empty_label.font())
        empty_font.setPointSizeF(empty_font.pointSizeF() * 1.25)
        self.empty_label.setFont(empty_font)
        self.pages.addWidget(self.empty_label)
        self.review = ReviewWidget(self.model, self.marks, self.thumbs, self.previews)
        self.review.sort_combo.currentIndexChanged.connect(
            lambda: self.settings.set_sort_key(self.review.sort_combo.currentData())
        )
        self.review.groups_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_current_group())
        self.review.groups_view.review_key.connect(self._on_review_key)
        self.review.compare.toggled.connect(self.toggle_mark)
        self.review.compare.activated.connect(self.open_large)
        self.review.compare.context_menu.connect(self._photo_menu)
        self.pages.addWidget(self.review)
        outer.addWidget(self.pages, 1)

        bottom = QHBoxLayout()
        self.problems_button = QPushButton()
        self.problems_button.setFlat(True)
        self.problems_button.clicked.connect(self.show_problems)
        self.problems_button.setVisible(False)
        bottom.addWidget(self.problems_button)
        bottom.addStretch(1)
        self.keep_best_button = QPushButton(self.tr("Keep best resolution"))
        self.keep_best_button.setToolTip(
            self.tr("In every group, keep the best copy and mark the others for the trash")
        )
        self.keep_best_button.clicked.connect(self.keep_best)
        bottom.addWidget(self.keep_best_button)
        self.trash_button = QPushButton(self.tr("Move to Trash…"))
        self.trash_button.clicked.connect(self.move_to_trash)
        bottom.addWidget(self.trash_button)
        self.undo_button = QPushButton(self.tr("Undo last cleanup"))
        self.undo_button.clicked.connect(self.undo_last_cleanup)
        bottom.addWidget(self.undo_button)
        outer.addLayout(bottom)

        self.setCentralWidget(central)
        self.statusBar().setSizeGripEnabled(True)

        # The parts' widgets under the names the window has always had (tests and callers use them).
        self.folders, self.add_button, self.scan_button = (
            self.scan_bar.folders,
            self.scan_bar.add_button,
            self.scan_bar.scan_button,
        )
        self.slider, self.threshold_label = self.scan_bar.slider, self.scan_bar.threshold_label
        self.progress_label, self.cancel_button = self.progress_row.progress_label, self.progress_row.cancel_button
        self.groups_view, self.compare, self.sort_combo = (
            self.review.groups_view,
            self.review.compare,
            self.review.sort_combo,
        )
        self.all_marked_label = self.review.all_marked_label

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.add_action = file_menu.addAction(
            self.tr("&Add folder…"), QKeySequence.StandardKey.Open, self.choose_folder
        )
        self.scan_action = file_menu.addAction(self.tr("&Scan"), QKeySequence("F5"), self.start_scan)
        file_menu.addSeparator()
        self.export_csv_action = file_menu.addAction(self.tr("Export results as &CSV…"), lambda: self._export("csv"))
        self.export_json_action = file_menu.addAction(self.tr("Export results as &JSON…"), lambda: self._export("json"))
        file_menu.addSeparator()
        file_menu.addAction(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.keep_best_action = edit_menu.addAction(
            self.tr("&Keep best resolution"), QKeySequence("Ctrl+B"), self.keep_best
        )
        self.clear_marks_action = edit_menu.addAction(self.tr("&Clear all marks"), lambda: self.marks.replace(()))
        edit_menu.addSeparator()
        self.trash_action = edit_menu.addAction(self.tr("&Move marked files to Trash…"), self.move_to_trash)
        self.undo_action = edit_menu.addAction(
            self.tr("&Undo last cleanup"), QKeySequence.StandardKey.Undo, self.undo_last_cleanup
        )
        self._build_library_menus(file_menu, edit_menu)  # find, save/open results, not a duplicate, exclusions

        self._build_language_menu(self.menuBar().addMenu(self.tr("&View")))

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About dupfinder"), self.show_about)

    def _build_language_menu(self, view_menu) -> None:
        """View → Language: the system's language or a chosen one, stored in the settings, used from the next start."""
        menu = view_menu.addMenu(self.tr("&Language"))
        self.language_menu = menu
        group = QActionGroup(self)
        chosen = self.settings.language()
        for value, name in (("system", self.tr("System default")), *LANGUAGE_CHOICES):
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(value == chosen or (value == "system" and chosen not in dict(LANGUAGE_CHOICES)))
            action.setData(value)
            group.addAction(action)
        group.triggered.connect(self._on_language_chosen)

    def _on_language_chosen(self, action) -> None:
        self.settings.set_language(str(action.data()))
        self.settings.sync()
        self.statusBar().showMessage(self.tr("The language changes when dupfinder is started again."), 10000)

    def empty_text(self) -> str:
        return self.tr(
            "Add the folders that hold your photos — with “Add folder…” or by dropping them here — then press Scan."
        )

    # ------------------------------------------------------------------------------------------------ folders
    def choose_folder(self) -> None:
        start = self.folders.paths()[-1] if self.folders.count() else os.path.expanduser("~")
        path = QFileDialog.getExistingDirectory(self, self.tr("Add a folder to scan"), start)
        if path:
            self.add_folder(path)

    def add_folder(self, path: str, protected: bool = False) -> bool:
        added = self.folders.add_folder(path, protected)
        if not added and not os.path.isdir(path):
            self.statusBar().showMessage(self.tr("Not a folder: {path}").format(path=path), 5000)
        return added

    def _on_folders_changed(self) -> None:
        self.settings.set_folders(self.folders.folders())
        self._update_actions()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        local = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if any(os.path.isdir(path) for path in local) or (len(local) == 1 and is_image_file(local[0])):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        added = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if len(added) == 1 and is_image_file(added[0]):  # one photo: find its copies (library_actions.py)
            event.acceptProposedAction()
            self.find_copies(added[0])
            return
        added = [path for path in added if os.path.isdir(path) and self.add_folder(path)]
        if added:
            event.acceptProposedAction()
            self.statusBar().showMessage(
                self.tr("Added %Ln folder(s). Press Scan to look for duplicates.", "", len(added))
            )

    # ------------------------------------------------------------------------------------------------ scanning
    def _start_task(self, fn, text: str, *, cancellable: bool = True) -> BackgroundTask:
        task = BackgroundTask(fn, self)
        task.progress.connect(self.progress_row.show_progress)
        task.finished.connect(self._on_task_finished)
        task.released.connect(functools.partial(self._on_task_released, task))
        self._task = task
        self.progress_row.begin(text, cancellable=cancellable)
        task.start()
        self._update_actions()
        return task

    @property
    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.progress_row.show_stopping()

    def _on_task_finished(self) -> None:
        self.progress_row.setVisible(False)
        self._update_actions()

    def _on_task_released(self, task: BackgroundTask) -> None:
        if self._task is task:
            self._task = None

    # ------------------------------------------------------------------------------------------------ threshold
    @property
    def distance_bits(self) -> int:
        return self.scan_bar.distance_bits

    @property
    def _hash_kind(self) -> HashKind:
        """The last scan's hash kind, which the scan bar keeps for the slider's words."""
        return self.scan_bar.hash_kind

    def _on_slider_moved(self, value: int) -> None:
        self.settings.set_distance_bits(value)
        self._regroup_timer.start()

    # ------------------------------------------------------------------------------------------------ review
    def _current_row(self) -> int:
        return self.review.current_row()

    def select_group(self, row: int) -> None:
        self.review.select_group(row)

    def _show_current_group(self) -> None:
        self.review.show_current_group()

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
        elif action == "compare":
            self.compare_pair(image)
        elif action == "not_duplicate":
            self.not_duplicate(image)

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

    def compare_pair(self, image: int) -> PairCompareDialog | None:
        """Open the compare mode for `image` and its group's kept copy (or, for the kept copy, the next one)."""
        row = self._current_row()
        if self.result is None or row < 0:
            return None
        group = self.model.group(row)
        if image not in group.images:
            return None
        other = group.keeper if image != group.keeper else next(i for i in group.images if i != image)
        first, second = (self.result.images[i] for i in (other, image))
        dialog = PairCompareDialog(
            (first.path, first.fingerprint.width, first.file.size_bytes),
            (second.path, second.fingerprint.width, second.file.size_bytes),
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _photo_menu(self, image: int, position: QPoint) -> None:
        if self.result is None:
            return
        menu = photo_menu(
            self,
            self.result.images.path(image),
            marked=image in self.marks,
            protected=self.result.images[image].file.protected,
            show_large=lambda: self.open_large(image),
            compare=lambda: self.compare_pair(image),
            toggle=lambda: self.toggle_mark(image),
        )
        self._add_photo_menu_actions(menu, image)  # library_actions.py
        menu.popup(position)

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
        path = ask_export_path(self, kind)
        if path:
            self.export(path, kind)

    def export(self, path: str, kind: str) -> None:
        """Write the groups as shown (current threshold, current marks)."""
        assert self.result is not None
        groups = self.model.groups()
        try:
            write_export(path, kind, self.result, groups, self.marks.snapshot(), self.distance_bits, self._hash_kind)
        except OSError as exc:
            QMessageBox.critical(
                self, self.tr("Export failed"),
                self.tr("Could not write {path}: {reason}").format(path=path, reason=exc.strerror or exc),
            )  # fmt: skip
            return
        self.statusBar().showMessage(
            self.tr("Exported %Ln group(s) to {path}.", "", len(groups)).format(path=path), 10000
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About dupfinder"),
            f"<b>dupfinder {__version__}</b><p>"
            + self.tr(
                "Finds duplicate and near-duplicate photos and moves the extra copies to the Trash, safely: protected "
                "folders are never touched, each group keeps at least one photo, and the last cleanup can be undone."
            )
            + "</p>",
        )

    def _update_actions(self) -> None:
        busy = self.busy
        has_result = self.result is not None and self.model.rowCount() > 0
        plan = self.trash_plan()
        marked, size = plan.marks, plan.size_bytes
        self.scan_button.setEnabled(not busy and self.folders.count() > 0)
        self.scan_button.setText(self.tr("Scanning…") if busy else self.tr("Scan"))
        self.scan_action.setEnabled(not busy)
        for widget in (self.keep_best_button, self.keep_best_action, self.clear_marks_action):
            widget.setEnabled(has_result and not busy)
        for widget in (self.export_csv_action, self.export_json_action):
            widget.setEnabled(self.result is not None and not busy)
        label = (
            self.tr("Move %Ln file(s) ({size}) to Trash…", "", len(marked)).format(size=human_bytes(size))
            if marked
            else self.tr("Move to Trash…")
        )
        self.trash_button.setText(label)
        self.trash_button.setEnabled(bool(marked) and not busy)
        self.trash_action.setEnabled(bool(marked) and not busy)
        self.undo_button.setEnabled(not busy)
        self.undo_action.setEnabled(not busy)
        self._update_library_actions()

    # ------------------------------------------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        for path, protected in self.settings.folders():
            if os.path.isdir(path):
                self.folders.add_folder(path, protected)
        self.scan_bar.configure_slider(
            preset_distance(Preset.LOOSE, self._hash_kind) + LOOSER_MARGIN_BITS, self.settings.distance_bits()
        )
        self.review.set_sort_key(self.settings.sort_key())
        geometry = self.settings.byte_array("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)
        splitter = self.settings.byte_array("splitter")
        if splitter is not None:
            self.review.restoreState(splitter)

    def save_settings(self) -> None:
        self.settings.set_folders(self.folders.folders())
        self.settings.set_distance_bits(self.distance_bits)
        self.settings.set_byte_array("geometry", self.saveGeometry())
        self.settings.set_byte_array("splitter", self.review.saveState())
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.save_settings()
        if self._task is not None:
            self._task.cancel()
            if not self._task.wait(CLOSE_WAIT_MS):  # a file still decoding: close as soon as the task has stopped
                self.progress_row.show_stopping()
                self._task.finished.connect(self.close)
                event.ignore()
                return
        self.regrouper.cancel()
        self.regrouper.wait_idle()
        for loader in (self.thumbs, self.previews, self.large_images):
            loader.reset()
            loader.wait_idle()
        super().closeEvent(event)
