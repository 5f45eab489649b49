"""The window's side of the library features: Find copies of a photo, Save / Open results, "Not a duplicate", the
ignored-pairs list and the exclusions. The rules are core calls (core/library, core/ignore, core/saved_results,
core/exclusions); this presents them.

A mixin of MainWindow like the scan and cleanup actions. It relies on the window's result, marks, model, folders,
scan bar, settings, previews loader, _start_task, _apply_threshold, _on_scan_done and the status bar.
"""

from __future__ import annotations

import dataclasses
import functools
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from dupfinder.core import saved_results
from dupfinder.core.exclusions import effective_patterns
from dupfinder.core.ignore import IgnoreList, IgnoreListError, photo_of_record, without_ignored
from dupfinder.core.library.find import find_in_folders
from dupfinder.core.models import ImageRecord, Problem, ProblemKind
from dupfinder.core.options import DEFAULT_EXTENSIONS, HashKind, ScanOptions
from dupfinder.formatting import core_message
from dupfinder.gui.library_dialogs import ExclusionsDialog, FindCopiesDialog, IgnoredPairsDialog
from dupfinder.gui.threshold import exact_preset
from dupfinder.gui.translation import Tr

IMAGE_PATTERNS = " ".join(f"*{e}" for e in sorted(DEFAULT_EXTENSIONS))


class LibraryActions(Tr):
    """Translation context of the library actions."""


def results_filter() -> str:
    return LibraryActions.tr("dupfinder results (*.dupfinder.json *.json)")


def image_filter() -> str:
    return LibraryActions.tr("Photos ({patterns})").format(patterns=IMAGE_PATTERNS)


def is_image_file(path: str) -> bool:
    return os.path.isfile(path) and os.path.splitext(path)[1].lower() in DEFAULT_EXTENSIONS


class LibraryActionsMixin:
    """Find copies, save/open results, not-a-duplicate and exclusions for MainWindow (which declares the
    find_finished signal: Qt signals belong to the QObject class)."""

    # -- menus ---------------------------------------------------------------------------------------------------
    def _build_library_menus(self, file_menu: QMenu, edit_menu: QMenu) -> None:
        first = file_menu.actions()[2] if len(file_menu.actions()) > 2 else None  # after Add folder / Scan
        self.find_action = file_menu.addAction(
            LibraryActions.tr("&Find copies of a photo…"), QKeySequence("Ctrl+F"), self.choose_photo
        )
        self.save_results_action = file_menu.addAction(
            LibraryActions.tr("Sa&ve results…"), QKeySequence.StandardKey.Save, self.choose_save_path
        )
        self.open_results_action = file_menu.addAction(
            LibraryActions.tr("&Open results…"), QKeySequence("Ctrl+Shift+O"), self.choose_results_file
        )
        if first is not None:
            for action in (self.find_action, self.save_results_action, self.open_results_action):
                file_menu.removeAction(action)
                file_menu.insertAction(first, action)
            file_menu.insertSeparator(self.find_action)
        edit_menu.addSeparator()
        # The N key is the group list's (groups_view.py), like the other review keys.
        self.not_duplicate_action = edit_menu.addAction(
            LibraryActions.tr("&Not a duplicate (current photo)") + "\tN", self.current_not_duplicate
        )
        self.group_not_duplicates_action = edit_menu.addAction(LibraryActions.tr("None of this &group are duplicates"),
                                                               self.group_not_duplicates)  # fmt: skip
        self.ignored_action = edit_menu.addAction(LibraryActions.tr("&Ignored pairs…"), self.show_ignored_pairs)
        edit_menu.addSeparator()
        self.exclusions_action = edit_menu.addAction(LibraryActions.tr("E&xclusions…"), self.show_exclusions)

    def _update_library_actions(self) -> None:
        busy = self.busy
        self.find_action.setEnabled(not busy and (self.folders.count() > 0 or self.result is not None))
        self.save_results_action.setEnabled(self.result is not None and not busy)
        self.open_results_action.setEnabled(not busy)
        has_group = self.result is not None and self._current_row() >= 0 and not busy
        self.not_duplicate_action.setEnabled(has_group)
        self.group_not_duplicates_action.setEnabled(has_group)

    def _add_photo_menu_actions(self, menu: QMenu, image: int) -> None:
        menu.addSeparator()
        menu.addAction(LibraryActions.tr("Not a duplicate of the others (N)"), lambda: self.not_duplicate(image))
        menu.addAction(LibraryActions.tr("None of this group are duplicates"), self.group_not_duplicates)
        menu.addAction(
            LibraryActions.tr("Find copies of this photo…"), lambda: self.find_copies(self.result.images.path(image))
        )

    # -- exclusions ----------------------------------------------------------------------------------------------
    def exclude_patterns(self) -> tuple[str, ...]:
        """What the next scan skips: the default list (unless turned off) and the user's patterns."""
        return effective_patterns(self.settings.exclude_patterns(), defaults=self.settings.use_default_excludes())

    def show_exclusions(self) -> ExclusionsDialog:
        dialog = ExclusionsDialog(self.settings.exclude_patterns(), self.settings.use_default_excludes(), self)
        dialog.accepted.connect(lambda: self._save_exclusions(dialog))
        dialog.open()
        return dialog

    def _save_exclusions(self, dialog: ExclusionsDialog) -> None:
        self.settings.set_exclude_patterns(dialog.patterns(), dialog.defaults.isChecked())
        self.statusBar().showMessage(LibraryActions.tr("Exclusions saved; they apply from the next scan."), 8000)

    # -- find copies ---------------------------------------------------------------------------------------------
    def choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, LibraryActions.tr("Find copies of a photo"), os.path.expanduser("~"), image_filter()
        )
        if path:
            self.find_copies(path)

    def _find_roots(self) -> tuple[str, ...]:
        folders = tuple(path for path, _ in self.folders.folders())
        return folders or (self.result.roots if self.result is not None else ())

    def find_copies(self, path: str) -> None:
        """Look for `path` in the listed folders (through the cache: only the photo is decoded when they are
        unchanged), at the slider's similarity, and show what was found. Never moves a file."""
        roots = self._find_roots()
        if self.busy or not roots:
            message = (
                LibraryActions.tr("Wait for the current task to finish.")
                if self.busy
                else LibraryActions.tr("Add the folders to look in first.")
            )
            self.statusBar().showMessage(message, 5000)
            return
        hash_kind = HashKind(self.result.hash_name) if self.result is not None else self._hash_kind
        options = ScanOptions(roots=roots, hash_kind=hash_kind, exclude=self.exclude_patterns(), match_turned=True)
        call = functools.partial(find_in_folders, [path], options, self.distance_bits)
        task = self._start_task(
            call, LibraryActions.tr("Looking for copies of {name}…").format(name=os.path.basename(path))
        )
        task.succeeded.connect(self._on_find_done)
        task.cancelled.connect(lambda: self.statusBar().showMessage(LibraryActions.tr("Search cancelled."), 8000))
        task.failed.connect(lambda message: QMessageBox.critical(self, LibraryActions.tr("Search failed"), message))
        task.finished.connect(self.find_finished)

    def _on_find_done(self, report) -> None:
        (query,) = report.queries
        record = _query_record(query)
        self._find_dialog = FindCopiesDialog(query, record, ", ".join(report.source.split(", ")), self.previews, self)
        self._find_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._find_dialog.open()
        if query.matches:
            found = LibraryActions.tr("Found %Ln copy(s) of {name}.", "", len(query.matches))
        else:
            found = LibraryActions.tr("Found no copy of {name}.")
        self.statusBar().showMessage(found.format(name=os.path.basename(query.path)), 10000)

    # -- not a duplicate -----------------------------------------------------------------------------------------
    def current_not_duplicate(self) -> None:
        image = self.compare.current_image()
        if image is not None:
            self.not_duplicate(image)

    def not_duplicate(self, image: int) -> None:
        """The photo is not a duplicate of the other photos of its group: remembered by content, regrouped now."""
        group = self.model.group_of(image)
        if group is not None:
            self._record_not_duplicates([image], [i for i in group.images if i != image])

    def group_not_duplicates(self) -> None:
        row = self._current_row()
        if self.result is None or row < 0:
            return
        images = list(self.model.group(row).images)
        self._record_not_duplicates(images, images)

    def _record_not_duplicates(self, these: list[int], others: list[int]) -> None:
        """Each of `these` is not a duplicate of any of `others`; the same list: none of them are duplicates."""
        assert self.result is not None
        try:
            ignore_list = IgnoreList.load()
            photos = {i: photo_of_record(self.result.images[i]) for i in {*these, *others}}
            if these == others:
                decisions = [[photos[i] for i in these]]  # one decision: every pair of the group
            else:
                decisions = [[photos[i], photos[j]] for i in these for j in others if i != j]
            added = 0
            for decision in decisions:
                try:
                    ignore_list.add(decision)
                    added += 1
                except ValueError:  # the same content: those two are duplicates
                    continue
            if not added:
                self.statusBar().showMessage(
                    LibraryActions.tr("These photos have identical content: they are duplicates."), 8000
                )
                return
            ignore_list.save()
        except IgnoreListError as exc:
            QMessageBox.warning(self, LibraryActions.tr("Not saved"), str(exc))
            return
        self.result = without_ignored(self.result, ignore_list)
        row = self._current_row()
        self._apply_threshold(
            lambda: self.model.rowCount() and self.select_group(min(max(row, 0), self.model.rowCount() - 1))
        )
        self.statusBar().showMessage(
            LibraryActions.tr(
                "Remembered: not duplicates. They will not be grouped together again (Edit → Ignored pairs… to undo)."
            ),
            10000,
        )

    def show_ignored_pairs(self) -> IgnoredPairsDialog | None:
        try:
            ignore_list = IgnoreList.load()
        except IgnoreListError as exc:
            QMessageBox.warning(self, LibraryActions.tr("Ignored pairs"), str(exc))
            return None
        dialog = IgnoredPairsDialog(ignore_list, self)
        dialog.finished.connect(
            lambda _code: (
                dialog.removed
                and self.statusBar().showMessage(
                    LibraryActions.tr("Removed; those photos can be grouped again from the next scan."), 8000
                )
            )
        )
        dialog.open()
        return dialog

    # -- save and open results -----------------------------------------------------------------------------------
    def choose_save_path(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, LibraryActions.tr("Save results"), "review.dupfinder.json", results_filter()
        )
        if path:
            self.save_results(path)

    def save_results(self, path: str) -> bool:
        """The result, the current marks and the slider's threshold, to continue the review another day."""
        assert self.result is not None
        marks = self.marks.snapshot() - set(self._gone)
        preset = exact_preset(self.distance_bits, self._hash_kind)
        try:
            written = saved_results.save(path, self.result, threshold_bits=self.distance_bits, marks=marks,
                                         preset=preset.value if preset else None)  # fmt: skip
        except OSError as exc:
            QMessageBox.critical(self, LibraryActions.tr("Results not saved"), str(exc))
            return False
        self.statusBar().showMessage(
            LibraryActions.tr("Saved %Ln group(s) to {path}.", "", len(self.model.groups())).format(path=written), 10000
        )
        return True

    def choose_results_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, LibraryActions.tr("Open results"), os.path.expanduser("~"), results_filter()
        )
        if path:
            self.open_results(path)

    def open_results(self, path: str) -> bool:
        """Reopen saved results: groups, marks, threshold. Files changed or gone since are listed with the files
        that could not be read, kept out of the groups, and never trashed (the trash step checks every file too)."""
        if self.busy:
            return False
        try:
            saved = saved_results.load(path)
        except (OSError, ValueError) as exc:
            QMessageBox.critical(self, LibraryActions.tr("Cannot open results"), str(exc))
            return False
        stale = [
            Problem(saved.result.images.path(i), ProblemKind.MISSING if state == saved_results.MISSING
                    else ProblemKind.UNREADABLE, stale_detail(state, saved.saved_at))
            for i, state in sorted(saved.stale.items())
        ]  # fmt: skip
        result, _, marks, warnings = saved_results.regroup_saved(saved, saved.threshold_bits)
        result = dataclasses.replace(result, problems=(*stale, *result.problems), warnings=(*warnings,))
        self._on_scan_done(result)
        self._gone = set(saved.stale)
        self.scan_bar.configure_slider(result.max_distance_bits, saved.threshold_bits)
        self.settings.set_distance_bits(saved.threshold_bits)
        self._apply_threshold()
        self.marks.replace(marks)
        for root in result.roots:
            if os.path.isdir(root) and root not in self.folders.paths():
                self.folders.add_folder(root, root in result.protected_roots)
        note = (
            " "
            + LibraryActions.tr(
                "%Ln file(s) changed or vanished since: listed under the files that could not be read, and never "
                "moved.", "", len(stale),
            )
            if stale
            else ""
        )  # fmt: skip
        opened = LibraryActions.tr("Opened results saved {date}.").format(date=saved.saved_at)
        self.statusBar().showMessage(opened + note, 0 if stale else 15000)
        return True


def stale_detail(state: str, saved_at: str) -> str:
    """'changed since saved (results saved 2026-…)', in the app's language."""
    return LibraryActions.tr("{state} (results saved {date})").format(state=core_message(state), date=saved_at)


def _query_record(query) -> ImageRecord:
    """The photo looked for, as a record the compare view can show (its fingerprint from the search)."""
    from dupfinder.core.models import FileEntry, Fingerprint

    fp = query.query.fingerprint if query.query is not None else Fingerprint(0, 0, "?", 0, 0, 0, 0)
    try:
        st = os.stat(query.path)
        entry = FileEntry(query.path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, False, st.st_ctime_ns)
    except OSError:
        entry = FileEntry(query.path, 0, 0, 0, 0)
    return ImageRecord(entry, fp)
