"""The real MainWindow driven end to end on real pictures: folders, scan, threshold, keep best, trash, undo."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from dupfinder.core.options import Preset, preset_distance
from dupfinder.core.scanner import run_scan
from dupfinder.gui.main_window import MainWindow

SEEDS = (1, 2, 3, 4)  # as in conftest.photo_dir


def group_names(window: MainWindow) -> list[list[str]]:
    result = window.result
    groups = window.model.groups()
    return sorted(sorted(os.path.basename(result.images[i].path) for i in g.images) for g in groups)


def trash_dir() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def test_scan_threshold_keep_best_trash_and_undo(qtbot, window, photo_dir, scan, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(photo_dir))
    qtbot.mouseClick(window.add_button, Qt.MouseButton.LeftButton)
    assert window.folders.paths() == [str(photo_dir)]

    scan(window)
    assert window.pages.currentIndex() == 1
    normal = [sorted([f"p{s}.jpg", f"p{s}_q40.jpg", f"p{s}_small.png"]) for s in SEEDS]
    assert window.distance_bits == preset_distance(Preset.NORMAL, window._hash_kind)
    assert group_names(window) == normal
    assert "Normal" in window.threshold_label.text() and "% alike" in window.threshold_label.text()

    # Looser than loose: the brightened crops of these keypoint-free pictures are 14-16 bits away and nothing but
    # the hash says they are copies, so they stay out (absence of evidence never groups).
    window.slider.setValue(window.slider.maximum())
    qtbot.waitUntil(lambda: "Loose" in window.threshold_label.text(), timeout=2000)
    assert group_names(window) == normal
    window.slider.setValue(preset_distance(Preset.NORMAL, window._hash_kind))
    qtbot.waitUntil(lambda: group_names(window) == normal, timeout=2000)

    qtbot.mouseClick(window.keep_best_button, Qt.MouseButton.LeftButton)
    marked = {window.result.images[i].path for i in window.marks.snapshot()}
    assert {os.path.basename(p) for p in marked} == {f"p{s}_{k}" for s in SEEDS for k in ("q40.jpg", "small.png")}
    assert window.trash_button.isEnabled() and window.trash_button.text().startswith("Move 8 files (")

    questions = []

    def accept(parent, title, text, *args):
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", accept)
    with qtbot.waitSignal(window.trash_finished, timeout=30_000):
        qtbot.mouseClick(window.trash_button, Qt.MouseButton.LeftButton)
    assert "8 files" in questions[0]
    trashed = sorted(p.name for p in (trash_dir() / "files").iterdir())
    untokened = sorted(n.split(".")[0] + "." + n.split(".")[-1] for n in trashed)  # STEM.TOKEN.EXT
    assert untokened == sorted(os.path.basename(p) for p in marked)
    assert sorted(p.name for p in (trash_dir() / "info").iterdir()) == [f"{n}.trashinfo" for n in trashed]
    assert not any(os.path.exists(p) for p in marked)
    for seed in SEEDS:
        assert (photo_dir / f"p{seed}.jpg").is_file()
    assert window.model.rowCount() == 0  # each group is down to one photo
    assert not window.trash_button.isEnabled()

    with qtbot.waitSignal(window.undo_finished, timeout=30_000):
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert all(os.path.exists(p) for p in marked)
    assert group_names(window) == normal


def test_marking_a_keeper_moves_the_keeper_and_all_marked_is_shown(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    scan(window)
    window.select_group(0)
    group = window.model.group(0)
    keeper = group.keeper
    window.toggle_mark(keeper)
    new = window.model.group(0)
    assert new.keeper != keeper and new.keeper in new.images and new.keeper not in window.marks
    for image in new.images:
        window.set_mark(image, True)
    assert window.all_marked_label.isVisible()
    assert window.trash_button.text().startswith("Move 2 files")  # the keeper stays: the button says so


def test_keyboard_review(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    scan(window)
    view = window.groups_view
    view.setFocus()
    assert window._current_row() == 0
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window._current_row() == 1
    group = window.model.group(1)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.compare.current == 1
    second = group.members[1].image
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert second in window.marks
    assert window.compare.cards[1].toggle.text() == "✗ Trash"
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert second not in window.marks
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # marks and moves on to the next photo
    assert second in window.marks and window.compare.current == 2
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert window.compare.current == 1
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window._viewer is not None and window._viewer.isVisible()
    assert window._viewer.windowTitle() == os.path.basename(window.result.images[second].path)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert window._current_row() == 0


def test_clicking_a_card_toggle_marks_and_protected_cannot_be_marked(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    window.add_folder(str(photo_dir / "copies"))  # overlaps: every file still counted once
    window.folders.set_protected(str(photo_dir / "copies"), True)
    scan(window)
    card = next(c for c in window.compare.cards if not c.protected)
    qtbot.mouseClick(card.toggle, Qt.MouseButton.LeftButton)
    assert card.image in window.marks
    locked = [c for c in window.compare.cards if c.protected]
    assert locked and not locked[0].toggle.isEnabled()
    window.set_mark(locked[0].image, True)
    assert locked[0].image not in window.marks


def test_cancel_returns_to_the_previous_state(qtbot, window, many_photos, scan):
    window.add_folder(str(many_photos))
    outcomes = []
    with qtbot.waitSignal(window.scan_finished, timeout=30_000):
        window.start_scan()
        task = window._task
        task.succeeded.connect(lambda _: outcomes.append("done"))
        task.cancelled.connect(lambda: outcomes.append("cancelled"))
        task.failed.connect(outcomes.append)
        qtbot.waitUntil(lambda: "Fingerprinting" in window.progress_label.text(), timeout=20_000)
        started = time.monotonic()
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - started < 1.5
    assert outcomes == ["cancelled"]
    assert window.result is None and window.pages.currentIndex() == 0
    assert "drop" in window.empty_label.text()  # the empty state's advice is back
    assert not window.progress_row.isVisible() and window.scan_button.isEnabled()
    assert QApplication.activeModalWidget() is None


def test_the_scan_runs_off_the_gui_thread_while_its_event_loop_goes_on(qtbot, window, many_photos, monkeypatch):
    """The scan and its progress callbacks run on a worker thread, and the GUI thread's timer keeps ticking while
    the scan runs. (How long the GUI thread may stall is measured in tests/benchmarks/bench_gui_scale.py, not here:
    a timed assertion fails on a busy machine.)"""
    from dupfinder.gui import scan_actions

    gui_thread, scan_threads, span = threading.get_ident(), set(), []

    def watched_scan(options, *, progress=None, cancel=None):
        def relay(event):
            scan_threads.add(threading.get_ident())
            progress(event)

        span.append(time.monotonic())
        scan_threads.add(threading.get_ident())
        try:
            return run_scan(options, progress=relay, cancel=cancel)
        finally:
            span.append(time.monotonic())

    monkeypatch.setattr(scan_actions, "run_scan", watched_scan)
    window.add_folder(str(many_photos))
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    with qtbot.waitSignal(window.scan_finished, timeout=60_000):
        window.start_scan()
    timer.stop()
    assert window.model.rowCount() == 150
    assert scan_threads and gui_thread not in scan_threads
    assert any(span[0] < t < span[1] for t in ticks)


def _drop(window: MainWindow, paths: list[str]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    enter = QDragEnterEvent(
        QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, drop)


def test_dropping_folders_adds_them(window, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (tmp_path / "file.jpg").write_bytes(b"x")
    _drop(window, [str(a), str(b), str(tmp_path / "file.jpg")])
    assert window.folders.paths() == [str(a), str(b)]
    assert window.scan_button.isEnabled()


def test_folders_and_settings_are_remembered(qtbot, tmp_path):
    folder = tmp_path / "pics"
    folder.mkdir()
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.add_folder(str(folder))
    first.folders.set_protected(str(folder), True)
    first.slider.setValue(5)
    first.sort_combo.setCurrentIndex(1)
    first.resize(790, 520)
    size = first.size()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.folders.folders() == [(str(folder), True)]
    assert second.distance_bits == 5
    assert second.sort_combo.currentIndex() == 1
    assert second.size() == size


def test_remove_button_takes_a_folder_off_the_list(qtbot, window, tmp_path):
    window.add_folder(str(tmp_path))
    assert not window.add_folder(str(tmp_path))  # listed once
    row = window.folders.itemWidget(window.folders.item(0))
    qtbot.mouseClick(row.remove, Qt.MouseButton.LeftButton)
    assert window.folders.paths() == []
    assert not window.scan_button.isEnabled()


def test_unreadable_files_are_listed_with_their_reason(qtbot, window, photo_dir, scan):
    bad = photo_dir / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"garbage" * 100)
    window.add_folder(str(photo_dir))
    scan(window)
    assert window.problems_button.isVisible()
    assert window.problems_button.text() == "1 file could not be read"
    dialog = window.show_problems()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == str(bad)
    assert dialog.table.item(0, 1).text() == window.result.problems[0].reason
    dialog.close()


def test_export_csv_and_json(window, photo_dir, scan, tmp_path):
    import csv
    import json

    window.add_folder(str(photo_dir))
    scan(window)
    window.keep_best()
    window.export(str(tmp_path / "out.csv"), "csv")
    window.export(str(tmp_path / "out.json"), "json")
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert len(rows) == 12 and sum(row["keep"] == "0" for row in rows) == 8
    data = json.loads((tmp_path / "out.json").read_text())
    assert len(data["groups"]) == 4 and data["preset"] == "normal"


def test_a_turned_copy_is_grouped_and_its_card_says_so(qtbot, window, scan, tmp_path, make_photo):
    from PIL import Image

    original = make_photo(tmp_path / "turn" / "photo.jpg", 11, (480, 360), quality=92)
    with Image.open(original) as im:
        im.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "turn" / "photo-turned.jpg", quality=90)
    make_photo(tmp_path / "turn" / "other.jpg", 12)
    window.add_folder(str(tmp_path / "turn"))
    scan(window)
    assert group_names(window) == [["photo-turned.jpg", "photo.jpg"]]
    texts = [card.difference.text() for card in window.compare.cards]
    assert texts[0] == "" and texts[1].startswith("turned ")  # the reference, then the copy


def test_the_folder_box_is_as_tall_as_its_folders(qtbot, window, tmp_path):
    folders = window.folders
    one_row = folders.height()
    for k in range(6):
        (tmp_path / f"f{k}").mkdir()
        window.add_folder(str(tmp_path / f"f{k}"))
        if k == 0:
            assert folders.height() == one_row  # one folder: one row, no empty space
        if k == 1:
            assert folders.height() > one_row
    four = folders.height()
    window.folders.remove_folder(str(tmp_path / "f5"))
    assert folders.height() == four  # more than four rows scroll; the box stops growing
    for k in range(5):
        window.folders.remove_folder(str(tmp_path / f"f{k}"))
    assert folders.height() == one_row
