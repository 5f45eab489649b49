"""What the user does to the files: mark and unmark photos, keep the best of every group, move the marked files to
the Trash and undo the last cleanup. The decisions are core calls; this is the window's side of them.

A mixin of MainWindow rather than a separate object so the window keeps its public methods (keep_best, set_mark,
move_to_trash, …) without forwarding each one. It relies on the window's result, _rank, _gone, marks, model,
loaders, review page, _start_task and the trash_finished/undo_finished signals.
"""

from __future__ import annotations

import functools

from PySide6.QtWidgets import QMessageBox

from dupfinder.core.cleanup import trash_files, undo_last_cleanup
from dupfinder.core.review import CleanupPlan, cleanup_plan, keep_best, mark_refusal, moved_keepers
from dupfinder.formatting import core_message
from dupfinder.gui.cleanup_dialogs import confirm_trash, open_trash_trouble, open_undo_trouble, trash_message
from dupfinder.gui.translation import Tr


class CleanupActions(Tr):
    """Translation context of the cleanup actions."""


class CleanupActionsMixin:
    """Marks, keep-best, trash and undo for MainWindow."""

    def toggle_mark(self, image: int) -> None:
        self.set_mark(image, image not in self.marks)

    def set_mark(self, image: int, marked: bool) -> None:
        if self.result is None:
            return
        refusal = mark_refusal(self.result, image) if marked else None
        if refusal:
            self.statusBar().showMessage(core_message(refusal), 5000)
            return
        self.marks.set_marked(image, marked)

    def _on_marks_changed(self, images: frozenset[int]) -> None:
        rows = self.model.rows_of(images)
        for row, group in moved_keepers(self.model.groups(), rows, self.marks, self.result.images, self._rank):
            self.model.replace_group(row, group)
        self.model.refresh_rows(rows)
        self.compare.refresh(self.marks)
        self.review.update_group_header()
        self._update_actions()

    def keep_best(self) -> None:
        """Every group keeps its best copy (core's choice); all others are marked."""
        if self.result is None:
            return
        groups, marks = keep_best(self.result, self.model.groups())
        for row, (old, new) in enumerate(zip(self.model.groups(), groups, strict=True)):
            if new is not old:
                self.model.replace_group(row, new)
        self.marks.replace(marks)
        self.statusBar().showMessage(CleanupActions.tr("Marked %Ln file(s) for the trash.", "", len(self.marks)), 8000)

    def trash_plan(self) -> CleanupPlan:
        """What the trash step would move from the groups shown (the core's count, also the button's)."""
        if self.result is None:
            return CleanupPlan((), frozenset(), 0)
        return cleanup_plan(self.result, self.model.groups(), self.marks.snapshot(), self.model.image_rows())

    def move_to_trash(self) -> None:
        plan = self.trash_plan()
        if (
            not plan.marks
            or self.busy
            or self.result is None
            or not confirm_trash(self, len(plan.marks), plan.size_bytes)
        ):
            return
        clean = functools.partial(
            trash_files, self.result, list(plan.groups), plan.marks, max_distance_bits=self.distance_bits
        )
        task = self._start_task(clean, CleanupActions.tr("Moving to the Trash…"))
        task.succeeded.connect(self._on_trash_done)
        task.cancelled.connect(
            lambda: self.statusBar().showMessage(CleanupActions.tr("Stopped moving files to the Trash."), 8000)
        )
        task.failed.connect(
            lambda message: QMessageBox.critical(self, CleanupActions.tr("Moving to the Trash failed"), message)
        )
        task.finished.connect(self.trash_finished)

    def _on_trash_done(self, trash_report) -> None:
        assert self.result is not None
        moved = {item.image for item in trash_report.moved}
        self._gone |= moved
        for image in moved:
            self.thumbs.forget(self.result.images.path(image))
            self.previews.forget(self.result.images.path(image))
        self.marks.discard_all(moved)
        row = self._current_row()

        def select_near() -> None:
            if self.model.rowCount():
                self.select_group(min(max(row, 0), self.model.rowCount() - 1))
            else:
                self.empty_label.setText(
                    CleanupActions.tr("All duplicates are cleaned up. Undo puts the files back if you need them.")
                )

        self._apply_threshold(select_near)  # regrouped without the moved files: every reference is still there
        self.statusBar().showMessage(trash_message(trash_report), 15000)
        box = open_trash_trouble(self, trash_report)
        if box is not None:
            self._trouble_box = box

    def undo_last_cleanup(self) -> None:
        if self.busy:
            return
        task = self._start_task(lambda progress, cancel: undo_last_cleanup(), CleanupActions.tr("Putting files back…"),
                                cancellable=False)  # fmt: skip
        task.succeeded.connect(self._on_undo_done)
        task.failed.connect(lambda message: QMessageBox.critical(self, CleanupActions.tr("Undo failed"), message))
        task.finished.connect(self.undo_finished)

    def _on_undo_done(self, undo_report) -> None:
        self.statusBar().showMessage(core_message(undo_report.message), 15000)
        if self.result is not None and undo_report.restored:
            restored = set(undo_report.restored)
            self._gone = {i for i in self._gone if self.result.images.path(i) not in restored}
            self._apply_threshold()
        box = open_undo_trouble(self, undo_report)
        if box is not None:
            self._trouble_box = box
