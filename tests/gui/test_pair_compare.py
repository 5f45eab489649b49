"""Compare mode: two photos of a group side by side, linked zoom and pan, and where they differ."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from dupfinder.gui.pair_compare import PairCompareDialog

ASTRONAUT = Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg"


def wheel(view, steps: int) -> None:
    centre = QPointF(view.viewport().rect().center())
    buttons, modifiers = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    angle = QPoint(0, 120 * steps)
    global_centre = view.viewport().mapToGlobal(centre)
    view.wheelEvent(
        QWheelEvent(centre, global_centre, QPoint(), angle, buttons, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    )


def loaded(qtbot, dialog):
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.difference_check.isEnabled, timeout=30_000)
    return dialog


def open_compare(qtbot, window, photo_dir, scan, name: str):
    window.add_folder(str(photo_dir))
    scan(window)
    for row, group in enumerate(window.model.groups()):
        for image in group.images:
            if os.path.basename(window.result.images[image].path) == name:
                window.select_group(row)
                return loaded(qtbot, window.compare_pair(image))
    raise AssertionError(name)


def test_zoom_and_pan_follow_from_either_side(qtbot, window, photo_dir, scan):
    dialog = open_compare(qtbot, window, photo_dir, scan, "p1_q40.jpg")
    wheel(dialog.left, 3)
    assert dialog.right.transform() == dialog.left.transform() and dialog.right.transform().m11() > 1
    dialog.left.horizontalScrollBar().setValue(dialog.left.horizontalScrollBar().maximum() // 2)
    assert dialog.right.horizontalScrollBar().value() == dialog.left.horizontalScrollBar().value() > 0
    wheel(dialog.right, -1)
    assert dialog.left.transform() == dialog.right.transform()


def test_the_difference_view_shows_an_edited_and_cropped_copy(qtbot, tmp_path):
    original = tmp_path / "original.jpg"
    edited = tmp_path / "edited.jpg"
    with Image.open(ASTRONAUT) as small:
        im = small.convert("RGB").resize((512, 512), Image.Resampling.LANCZOS)
        im.save(original, quality=95)
        copy = im.crop((0, 0, 420, 512))
        ImageDraw.Draw(copy).rectangle((60, 300, 160, 400), fill=(255, 0, 255))
        copy.save(edited, quality=80)
    dialog = loaded(qtbot, PairCompareDialog((str(original), 512, 1), (str(edited), 420, 1)))
    assert "aligned on shared points" in dialog.summary.text()
    assert "missing from the second copy" in dialog.summary.text()
    second = dialog.right._item.pixmap().cacheKey()
    dialog.difference_check.setChecked(True)
    assert dialog.right._item.pixmap().cacheKey() == dialog._pixmaps["difference"].cacheKey() != second
    dialog.difference_check.setChecked(False)
    assert dialog.right._item.pixmap().cacheKey() == second


def test_the_c_key_opens_it_for_the_current_photo(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    scan(window)
    window.select_group(0)
    window.groups_view.setFocus()
    assert not window.findChildren(PairCompareDialog)
    qtbot.keyClick(window.groups_view, Qt.Key.Key_C)
    (dialog,) = window.findChildren(PairCompareDialog)
    loaded(qtbot, dialog)
