"""The app's library features: Find copies of a photo (menu and drop), Not a duplicate (menu and N), Ignored pairs,
Save / Open results (a changed file is never trashed), Exclusions."""

from __future__ import annotations

import os
import shutil

from PIL import Image, ImageEnhance
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from dupfinder.core.ignore import IgnoreList
from dupfinder.gui.library_dialogs import FindCopiesDialog
from dupfinder.gui.main_window import MainWindow


def brightened(make_photo, scratch, path, seed, size, factor, **save_options):
    """A synthetic photo (as make_photo draws it) with its brightness changed, saved at `path`."""
    source = make_photo(scratch / f"source-{seed}-{size[0]}x{size[1]}.png", seed, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as im:
        ImageEnhance.Brightness(im.convert("RGB")).enhance(factor).save(path, **save_options)
    return path


def group_names(window: MainWindow) -> list[list[str]]:
    result = window.result
    return sorted(sorted(os.path.basename(result.images[i].path) for i in g.images) for g in window.model.groups())


def drop(window: MainWindow, paths: list[str]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    enter = QDragEnterEvent(
        QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, event)
    return True


def test_dropping_one_photo_shows_its_copies_in_the_compare_view(qtbot, window, photo_dir, tmp_path, make_photo):
    window.add_folder(str(photo_dir))
    query = brightened(make_photo, tmp_path / "scratch", tmp_path / "incoming.jpg", 1, (800, 600), 1.1, quality=85)
    with qtbot.waitSignal(window.find_finished, timeout=60_000):
        assert drop(window, [str(query)])
    dialog = window._find_dialog
    assert isinstance(dialog, FindCopiesDialog) and dialog.isVisible()
    names = sorted(os.path.basename(m.path) for m in dialog.query.matches)
    assert {"p1.jpg", "p1_q40.jpg", "p1_small.png"} <= set(names) and not any(n.startswith("p2") for n in names)
    cards = dialog.compare.cards
    assert len(cards) == len(dialog.query.matches) + 1 and cards[0].path == str(query)
    differs = {m.path: m.differs for m in dialog.query.matches}
    assert [c.similarity.text() for c in cards[1:]] == [differs[c.path] for c in cards[1:]]  # how each differs
    assert "smaller (" in differs[str(photo_dir / "copies" / "p1_small.png")]
    assert not any(c.toggle.isVisible() for c in cards)
    assert query.exists() and (photo_dir / "p1.jpg").exists()


def test_a_photo_with_no_copy_says_so(qtbot, window, photo_dir, tmp_path, make_photo):
    window.add_folder(str(photo_dir))
    query = make_photo(tmp_path / "new.jpg", 77)
    with qtbot.waitSignal(window.find_finished, timeout=60_000):
        window.find_copies(str(query))
    assert window._find_dialog.query.matches == ()
    assert "No copy" in window._find_dialog.summary.text()


def test_not_a_duplicate_key_and_ignored_pairs_dialog(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    scan(window)
    before = group_names(window)
    assert len(before) == 4
    window.select_group(0)
    group = window.model.group(0)
    view = window.groups_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    photo = window.compare.current_image()
    name = os.path.basename(window.result.images[photo].path)
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert len(IgnoreList.load().decisions) == len(group.images) - 1
    after = group_names(window)
    assert not any(name in g for g in after) and len(after) == 4  # the other two still form a group
    scan(window)  # remembered for later scans
    assert group_names(window) == after
    dialog = window.show_ignored_pairs()
    assert dialog.list.count() == 2
    dialog.list.selectAll()
    dialog.remove_selected()
    assert not IgnoreList.load().decisions
    dialog.close()
    scan(window)
    assert group_names(window) == before


def test_whole_group_not_duplicates_from_the_menu(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    scan(window)
    window.select_group(0)
    window.group_not_duplicates()
    assert len(group_names(window)) == 3
    assert len(IgnoreList.load().decisions) == 1


def test_save_and_open_results_and_a_changed_file_is_never_trashed(qtbot, window, photo_dir, scan, tmp_path,
                                                                   monkeypatch):  # fmt: skip
    window.add_folder(str(photo_dir))
    scan(window)
    window.keep_best()
    window.slider.setValue(window.slider.value() - 1)
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=2000)
    marks = {window.result.images[i].path for i in window.marks.snapshot()}
    saved = tmp_path / "review.dupfinder.json"
    assert window.save_results(str(saved))
    threshold = window.distance_bits

    edited = photo_dir / "copies" / "p1_q40.jpg"
    assert str(edited) in marks
    with open(edited, "ab") as f:
        f.write(b"edited since")
    os.unlink(photo_dir / "copies" / "p2_small.png")

    other = MainWindow()
    qtbot.addWidget(other)
    assert other.open_results(str(saved))
    assert other.distance_bits == threshold
    reopened = {other.result.images[i].path for i in other.marks.snapshot()}
    assert reopened == marks - {str(edited), str(photo_dir / "copies" / "p2_small.png")}
    problems = {os.path.basename(p.path): p.reason for p in other.result.problems}
    assert "changed since saved" in problems["p1_q40.jpg"] and "missing" in problems["p2_small.png"]
    assert not other.problems_button.isHidden()
    shown = [name for group in group_names(other) for name in group]
    assert "p1_q40.jpg" not in shown and "p2_small.png" not in shown
    # Even if the user marks everything that is shown, the changed file stays.
    for group in other.model.groups():
        for image in group.images:
            other.set_mark(image, True)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(other.trash_finished, timeout=30_000):
        other.move_to_trash()
    assert edited.exists() and edited.read_bytes().endswith(b"edited since")
    for seed in (1, 2, 3, 4):
        assert any((photo_dir / n).exists() for n in (f"p{seed}.jpg", f"copies/p{seed}_small.png"))


def test_exclusions_setting_applies_to_the_next_scan(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    dialog = window.show_exclusions()
    dialog.edit.setPlainText("*_q40.jpg\n*.png")
    dialog._accept()
    scan(window)
    assert window.model.rowCount() == 0
    assert window.settings.exclude_patterns() == ["*_q40.jpg", "*.png"]
    bad = window.show_exclusions()
    bad.edit.setPlainText("*")
    bad._accept()
    assert bad.isVisible() and "everything" in bad.error.text()
    shutil.rmtree(photo_dir / "copies")


def test_card_context_menu_offers_not_a_duplicate(qtbot, window, photo_dir, scan, monkeypatch):
    from PySide6.QtWidgets import QMenu

    window.add_folder(str(photo_dir))
    scan(window)
    shown = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *args: shown.append(menu))
    card = window.compare.cards[1]
    window._photo_menu(card.image, QPoint(10, 10))
    (menu,) = shown
    actions = {a.text(): a for a in menu.actions()}
    assert "None of this group are duplicates" in actions and "Find copies of this photo…" in actions
    name = os.path.basename(card.path)
    actions["Not a duplicate of the others (N)"].trigger()
    assert not any(name in g for g in group_names(window))
