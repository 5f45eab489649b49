"""Background tasks end cleanly: released when done, no useless Cancel, closing the window mid-scan is safe."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref

from dupfinder.core.progress import ProgressEvent, ScanStage
from dupfinder.gui.scan_worker import BackgroundTask


class Payload:
    """Stands for what a task's call holds (a trash task holds the whole scan result)."""


def test_a_finished_task_is_released_with_what_its_call_held(qtbot, window):
    payload = Payload()
    held = weakref.ref(payload)
    task = window._start_task(lambda progress, cancel, p=payload: p is not None, "Working…")
    qtbot.waitSignal(task.released, timeout=10_000).wait()
    del payload, task
    qtbot.waitUntil(lambda: not window.findChildren(BackgroundTask), timeout=5_000)
    gc.collect()
    assert held() is None
    assert window._task is None and not window.busy


def test_scans_leave_no_task_behind(qtbot, window, photo_dir, scan):
    window.add_folder(str(photo_dir))
    for _ in range(3):
        scan(window)
    qtbot.waitUntil(lambda: not window.findChildren(BackgroundTask), timeout=5_000)
    assert window.result is not None


def test_undo_shows_no_cancel_button(qtbot, window):
    with qtbot.waitSignal(window.undo_finished, timeout=10_000):
        window.undo_last_cleanup()
        assert window.progress_row.isVisible() and not window.cancel_button.isVisible()
    window.start_scan()  # no folders: nothing starts, and the next real task gets its Cancel back
    window._start_task(lambda progress, cancel: None, "Working…")
    assert window.cancel_button.isVisibleTo(window)
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)


CLOSE_DURING_SCAN = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from dupfinder.gui.main_window import MainWindow
app = QApplication([])
window = MainWindow()
window.add_folder(sys.argv[1])
window.show()
window.start_scan()
def close_when_fingerprinting():
    if "Fingerprinting" in window.progress_label.text():
        window.close()
    else:
        QTimer.singleShot(5, close_when_fingerprinting)
QTimer.singleShot(5, close_when_fingerprinting)
app.exec()
print("closed cleanly")
"""


def test_closing_the_window_during_a_scan_ends_the_app_cleanly(many_photos, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_DURING_SCAN, str(many_photos)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "closed cleanly" in done.stdout
    assert "Destroyed while thread" not in done.stderr


def test_the_pair_search_and_the_confirmation_show_a_filling_bar_with_an_eta(qtbot, window):
    """Every phase of a scan reports done/total: the progress row shows the pair search and the confirmation stage
    as a filling bar with the time left, not as a busy bar (what the row shows for a phase without a total)."""

    def phases(progress, cancel):
        for stage in (ScanStage.COMPARING, ScanStage.CONFIRMING):
            progress(ProgressEvent(stage, 40, 100, rate_per_s=20.0, eta_s=3.0))

    row, shown = window.progress_row, []
    task = window._start_task(phases, "Scanning…")  # its events are delivered by the event loop, after this
    task.progress.connect(  # after the row's own handler
        lambda _: shown.append((row.progress_label.text(), row.progress_bar.maximum(), row.progress_bar.value()))
    )
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    assert [text.split(" ")[0] for text, _, _ in shown] == ["Comparing", "Confirming"]
    for text, maximum, value in shown:
        assert (maximum, value) == (100, 40) and "about 0:03 left" in text
