"""Regrouping off the GUI thread: only the newest request's groups are shown, and the window follows them."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication

from dupfinder.core.options import Preset, preset_distance
from dupfinder.core.review import shown_groups
from dupfinder.gui import regroup
from dupfinder.gui.regroup import Regrouper


def test_an_answer_to_an_older_request_is_dropped(qtbot):
    """A slider swept quickly: the regroup for a position already left must not replace the newer one's groups."""
    regrouper = Regrouper()
    release = threading.Event()

    def slow():
        release.wait(10)
        return "old"

    delivered = []
    regrouper.ready.connect(delivered.append)
    regrouper.request(slow)
    qtbot.waitUntil(lambda: regrouper._pool.activeThreadCount() == 1)  # the old one is running
    regrouper.request(lambda: "new")
    release.set()
    qtbot.waitUntil(lambda: not regrouper.busy, timeout=10_000)
    assert regrouper.wait_idle()
    QCoreApplication.processEvents()  # both jobs have ended: deliver anything still queued
    assert delivered == ["new"]


def test_a_failure_is_reported_and_ends_the_wait(qtbot):
    regrouper = Regrouper()

    def broken():
        raise ValueError("pairs were collected up to 16 bits")

    with qtbot.waitSignal(regrouper.failed, timeout=10_000) as blocker:
        regrouper.request(broken)
    assert "16 bits" in blocker.args[0] and not regrouper.busy


def test_a_large_result_is_regrouped_in_the_background_at_the_last_slider_position(
    qtbot, window, photo_dir, scan, monkeypatch
):
    """As with 100k photos (every result counts as large here): the list follows the slider's last stop, a mark
    made while the groups were being made moves its group's keeper, and the groups are the core's."""
    monkeypatch.setattr(regroup, "INLINE_IMAGES", 0)
    window.add_folder(str(photo_dir))
    scan(window)
    qtbot.waitUntil(lambda: not window.regrouping and window.model.rowCount() > 0, timeout=10_000)
    keeper = window.model.group(0).keeper
    started, release = threading.Event(), threading.Event()
    build_view = regroup.build_view

    def gated(*args):
        started.set()
        release.wait(10)
        return build_view(*args)

    monkeypatch.setattr(regroup, "build_view", gated)
    kind = window._hash_kind
    for preset in (Preset.LOOSE, Preset.STRICT, Preset.NORMAL):
        window.slider.setValue(preset_distance(preset, kind))
    qtbot.waitUntil(started.is_set, timeout=10_000)
    window.set_mark(keeper, True)  # after the regroup took its snapshot of the marks
    release.set()
    qtbot.waitUntil(lambda: not window.regrouping and not window._regroup_timer.isActive(), timeout=10_000)
    expected = shown_groups(window.result, window.distance_bits, set(), window.marks, window._rank)
    assert sorted(g.images for g in window.model.groups()) == sorted(g.images for g in expected)
    assert window.model.group_of(keeper).keeper != keeper
    assert window.review.summary_label.text().startswith(f"{len(expected)} group")


def test_a_new_large_result_clears_the_old_groups_and_photos_at_once(qtbot, window, photo_dir, scan, monkeypatch):
    """Until the new groups are ready nothing of the last result is shown: its cards' image numbers would point
    into the new result."""
    window.add_folder(str(photo_dir))
    scan(window)
    assert window.model.rowCount() and window.compare.current_image() is not None
    monkeypatch.setattr(regroup, "INLINE_IMAGES", 0)
    release = threading.Event()
    build_view = regroup.build_view
    monkeypatch.setattr(regroup, "build_view", lambda *args: release.wait(10) and build_view(*args))
    window._on_scan_done(window.result)  # as a finished scan hands over its result
    assert window.regrouping and window.model.rowCount() == 0 and window.compare.current_image() is None
    release.set()
    qtbot.waitUntil(lambda: not window.regrouping, timeout=10_000)
    assert window.model.rowCount() and window.compare.current_image() is not None
