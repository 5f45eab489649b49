"""The window shows the core's review rules: the badge sits on the kept copy, and after a cleanup that moved a
group's reference every similarity shown is to a photo that is still there."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox


def test_the_best_badge_sits_on_the_protected_keeper_not_on_the_largest_copy(qtbot, window, tmp_path, make_photo, scan):
    make_photo(tmp_path / "lib" / "big.jpg", 7, (900, 675), quality=95)
    make_photo(tmp_path / "master" / "small.jpg", 7, (400, 300), quality=95)
    window.add_folder(str(tmp_path / "lib"))
    window.add_folder(str(tmp_path / "master"), protected=True)
    scan(window)
    window.keep_best()
    assert window.model.rowCount() == 1
    badged = [card for card in window.compare.cards if card.best_badge.isVisibleTo(card)]
    assert [os.path.basename(window.result.images[card.image].path) for card in badged] == ["small.jpg"]
    assert not any(card.marked for card in badged)


def test_after_the_reference_is_trashed_no_card_claims_a_gone_reference(qtbot, window, photo_dir, scan, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.add_folder(str(photo_dir))
    scan(window)
    window.select_group(0)
    group = window.model.group(0)
    reference = group.reference
    for image in group.images:
        window.set_mark(image, image == reference)
    assert window.model.group(0).keeper != reference
    with qtbot.waitSignal(window.trash_finished, timeout=30_000):
        qtbot.mouseClick(window.trash_button, Qt.MouseButton.LeftButton)
    assert not os.path.exists(window.result.images[reference].path)
    for shown in window.model.groups():
        assert reference not in shown.images
        assert os.path.exists(window.result.images[shown.reference].path)
    total_marked = len(window.trash_plan().marks)
    assert total_marked <= sum(len(g.members) - 1 for g in window.model.groups())
