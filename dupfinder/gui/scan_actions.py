"""Scanning and grouping: start a scan of the listed folders, take its result, and regroup it at the slider's distance
(from the stored pairs, without image I/O) leaving out the files trashed this session.

A mixin of MainWindow, like the cleanup actions, so start_scan stays a window method. It relies on the window's
folders, scan bar, empty/review pages, model, marks, loaders, _start_task and the scan_finished signal.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox

from dupfinder.core.models import ScanResult
from dupfinder.core.options import HashKind, ScanOptions
from dupfinder.core.review import moved_keepers
from dupfinder.core.scanner import run_scan
from dupfinder.gui import regroup
from dupfinder.gui.translation import Tr


class ScanActions(Tr):
    """Translation context of the scan actions."""


class ScanActionsMixin:
    """Scan, scan outcome and regrouping for MainWindow."""

    def start_scan(self) -> None:
        if self.busy or not self.folders.count():
            if not self.folders.count():
                self.statusBar().showMessage(ScanActions.tr("Add a folder first."), 5000)
            return
        folders = self.folders.folders()
        options = ScanOptions(
            roots=tuple(path for path, _ in folders),
            protected_roots=tuple(path for path, p in folders if p),
            exclude=self.exclude_patterns(),  # library_actions.py
        )
        task = self._start_task(functools.partial(run_scan, options), ScanActions.tr("Scanning…"))
        previous_text = self.empty_label.text()
        self.empty_label.setText(
            ScanActions.tr("Looking for duplicates… the groups appear here when the scan is done.")
        )
        task.succeeded.connect(self._on_scan_done)
        task.cancelled.connect(lambda: self.empty_label.setText(previous_text))
        task.failed.connect(lambda _message: self.empty_label.setText(previous_text))
        task.cancelled.connect(lambda: self.statusBar().showMessage(ScanActions.tr("Scan cancelled."), 8000))
        task.failed.connect(lambda message: QMessageBox.critical(self, ScanActions.tr("Scan failed"), message))
        task.finished.connect(self.scan_finished)

    def _on_scan_done(self, result: ScanResult) -> None:
        self.result = result
        self._rank = []  # computed with the first groups
        self._gone = set()
        self.scan_bar.hash_kind = HashKind(result.hash_name)
        self.thumbs.reset()
        self.previews.reset()
        self.regrouper.cancel()
        self._after_regroup = []  # what waited for the last result's groups
        self.model.set_groups(result, [])  # the last result's groups go now, not when the new ones are ready
        self._show_current_group()  # and their photos: a click on one would act on the new result's image
        self.marks.replace(())
        self.scan_bar.configure_slider(result.max_distance_bits, self.slider.value())
        self._apply_threshold()
        problems = len(result.problems)
        self.problems_button.setText(ScanActions.tr("%Ln file(s) could not be read", "", problems))
        self.problems_button.setVisible(problems > 0)
        stats = result.stats
        summary = ScanActions.tr(
            "Scanned %Ln photo(s) in {seconds} s ({cached} from the cache).", "", len(result.images)
        )
        summary = summary.format(seconds=f"{stats.elapsed_s:.1f}", cached=f"{stats.images_from_cache:,}")
        # Warnings (e.g. a broken cache that was set aside) stay until the next message: the user should see them.
        self.statusBar().showMessage(" ".join([summary, *result.warnings]), 0 if result.warnings else 15000)

    def _apply_threshold(self, then: Callable[[], None] | None = None) -> None:
        """Regroup from the stored pairs at the slider's distance (no image I/O): at once for a small result, on
        the regrouper's thread for a large one. `then` runs once the groups are shown."""
        if self.result is None:
            return
        if then is not None:
            self._after_regroup.append(then)
        work = functools.partial(
            regroup.build_view,
            self.result,
            self.distance_bits,
            frozenset(self._gone),
            self.marks.snapshot(),
            self._rank or None,
            self.model.sort_key,
        )
        if len(self.result.images) <= regroup.INLINE_IMAGES:
            self.regrouper.cancel()
            self._show_view(work())
        else:
            self.regrouper.request(work)

    @property
    def regrouping(self) -> bool:
        """Groups are being made on the regrouper's thread; the list shows the previous ones until they are ready."""
        return self.regrouper.busy

    def _show_view(self, view: regroup.ReviewView) -> None:
        self._rank = view.rank
        self.model.set_rows(view.rows)
        images = view.rows.result.images
        marks = self.marks.snapshot()  # marks set while regrouping: keepers follow them
        for row, group in moved_keepers(self.model.groups(), self.model.rows_of(marks), marks, images, self._rank):
            self.model.replace_group(row, group)
        self.pages.setCurrentIndex(1 if self.model.rowCount() else 0)
        if not self.model.rowCount():
            self.empty_label.setText(
                ScanActions.tr(
                    "No duplicates among %Ln photo(s) at this similarity. Move the slider towards Loose to find looser "
                    "matches, or scan other folders.", "", len(images),
                )
            )  # fmt: skip
        else:
            self.groups_view.setCurrentIndex(self.model.index(0))
        self._show_current_group()
        self.review.update_summary()
        self._update_actions()
        # The result and these groups live until the next regroup and hold no reference cycles: keep the cyclic
        # collector from walking their million objects again, a pause of up to a second holding the GIL (so
        # freezing every thread); refcounting still frees them when they go.
        gc.freeze()
        after, self._after_regroup = self._after_regroup, []
        for then in after:
            then()
