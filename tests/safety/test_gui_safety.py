"""The GUI cannot talk the engine into losing a photo: every member marked by hand, a trash that fails, undo over a
file that appeared since, and (a known gap) a broken cache."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

pytest.importorskip("pytestqt")
from photo_safety import groups_without_survivor, nothing_destroyed, snapshot, trash_dir
from PySide6.QtCore import Qt  # noqa: TID251
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox  # noqa: TID251

from dupfinder.core.cleanup import mover
from dupfinder.gui.main_window import MainWindow
from dupfinder.gui.translation import install_translators

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")


@pytest.fixture
def photos(tmp_path, make_photo):
    """Three pictures, each with a half-size PNG and a byte-identical copy: three groups of three."""
    root = tmp_path / "photos"
    for seed in (31, 32, 33):
        original = make_photo(root / f"p{seed}.jpg", seed, (640, 480), quality=93)
        make_photo(root / "small" / f"p{seed}.png", seed, (320, 240))
        (root / "copy").mkdir(exist_ok=True)
        shutil.copy2(original, root / "copy" / f"p{seed}.jpg")
    return root


@pytest.fixture
def window(qtbot, photos, monkeypatch):
    """A window that has scanned `photos`; confirmation dialogs answer Yes."""
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    w = scanned_window(qtbot, photos)
    assert w.model.rowCount() == 3
    return w


def scanned_window(qtbot, folder) -> MainWindow:
    install_translators(QApplication.instance(), "en")  # as app.main does: the English plural forms
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.add_folder(str(folder))
    with qtbot.waitSignal(w.scan_finished, timeout=60_000):
        w.start_scan()
    return w


def trash_now(qtbot, window: MainWindow):
    reports = []
    window._start_task = _capturing(window._start_task, reports)
    with qtbot.waitSignal(window.trash_finished, timeout=30_000):
        qtbot.mouseClick(window.trash_button, Qt.MouseButton.LeftButton)
    return reports[0] if reports else None


def _capturing(start_task, reports):
    def start(fn, text, **options):
        task = start_task(fn, text, **options)
        task.succeeded.connect(reports.append)
        return task

    return start


def test_every_member_of_a_group_marked_by_hand_leaves_one(qtbot, window, photos):
    window.select_group(0)
    group = window.model.group(0)
    for card in window.compare.cards:  # click each card's keep/trash button, keeper included
        qtbot.mouseClick(card.toggle, Qt.MouseButton.LeftButton)
    assert set(group.images) <= window.marks.snapshot()
    assert window.all_marked_label.isVisible()
    result = window.result

    assert window.trash_button.text().startswith("Move 2 files")  # the plan leaves the keeper out
    keeper = window.model.group(0).keeper  # the role followed the clicks; all marked, it stays where it ended
    report = trash_now(qtbot, window)

    survivors = [i for i in group.images if os.path.isfile(result.images[i].path)]
    assert survivors == [keeper] and len(report.moved) == 2


def test_everything_marked_by_hand_in_every_group_leaves_one_per_group(qtbot, window, photos):
    before = snapshot(photos)
    groups = window.model.groups()
    for group in groups:
        for image in group.images:
            window.set_mark(image, True)
    result = window.result

    report = trash_now(qtbot, window)

    assert len(report.moved) == 6
    assert groups_without_survivor(result, groups) == []
    assert nothing_destroyed(before, photos)


def test_marking_a_keeper_makes_another_the_keeper_and_trashing_keeps_that_one(qtbot, window, photos):
    window.select_group(0)
    group = window.model.group(0)
    window.toggle_mark(group.keeper)
    new_keeper = window.model.group(0).keeper
    result = window.result

    report = trash_now(qtbot, window)

    assert [m.image for m in report.moved] == [group.keeper]
    assert os.path.isfile(result.images[new_keeper].path)


def test_a_failing_trash_leaves_every_file_and_says_why(qtbot, window, photos, monkeypatch):
    def failing(self, path, expected):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(mover.Mover, "to_trash", failing)
    before = snapshot(photos)
    window.keep_best()

    report = trash_now(qtbot, window)

    assert report.moved == () and len(report.failed) == 6
    assert snapshot(photos) == before
    assert "the trash refused it: Permission denied" in window._trouble_box.detailedText()
    assert window.model.rowCount() == 3  # nothing left the list


def test_undo_button_refuses_to_overwrite_a_file_that_appeared_since(qtbot, window, photos):
    window.keep_best()
    report = trash_now(qtbot, window)
    assert len(report.moved) == 6
    squatter = report.moved[0].path
    with open(squatter, "wb") as f:
        f.write(b"saved here after the cleanup")

    with qtbot.waitSignal(window.undo_finished, timeout=30_000):
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)

    with open(squatter, "rb") as f:
        assert f.read() == b"saved here after the cleanup"
    assert all(os.path.isfile(m.path) for m in report.moved)
    assert len(list((trash_dir() / "files").iterdir())) == 1
    assert window._trouble_box.windowTitle() == "Some files stayed in the Trash"
    assert "a file now exists at the original path" in window._trouble_box.detailedText()


def test_a_broken_cache_is_mentioned_in_the_window(qtbot, photos, monkeypatch):
    cache = os.path.join(os.environ["DUPFINDER_CACHE_DIR"], "fingerprints.sqlite3")
    with open(cache, "wb") as f:
        f.write(b"not a database " * 1000)
    w = scanned_window(qtbot, photos)
    assert w.result.warnings and w.model.rowCount() == 3
    shown = [w.statusBar().currentMessage(), w.problems_button.text()]
    shown += [label.text() for label in w.findChildren(QLabel) if label.isVisible()]
    shown += [box.text() + box.informativeText() for box in w.findChildren(QMessageBox)]
    assert any("rebuilt" in text or "set aside" in text for text in shown), shown
