"""How long the GUI thread stalls with 100k images in 20k groups, in the real main window.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. /work/venv/bin/python tests/benchmarks/bench_gui_scale.py \
        [--images 100000] [--group-size 5] [--switches 300]

A synthetic scan result (no files: thumbnails point at paths that do not exist, so only the GUI's own work is timed)
is opened as a finished scan is; then the group list is scrolled top to bottom a page at a time, the slider is moved
strict → normal → loose → normal, the selected group is switched to random rows, the sort is changed and photos are
marked; then "keep best resolution" marks every group's other copies (cleared and done again in between), and photos
are marked with all those marks set. A 10 ms QTimer records the gaps between its ticks: a gap is the longest the GUI
thread was busy with something else. Printed per action: the longest gap, its 99th percentile, the number of steps,
the wall time until the action had settled, and the number of full garbage collections during it and the longest
(they hold the GIL: no thread runs Python meanwhile).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import tempfile
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DUPFINDER_CONFIG_DIR", tempfile.mkdtemp(prefix="dupfinder-bench-config-"))
os.environ.setdefault("DUPFINDER_DATA_DIR", tempfile.mkdtemp(prefix="dupfinder-bench-data-"))

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from dupfinder.core.models import FileEntry, Fingerprint, ImageRecord, Pairs, ScanResult
from dupfinder.core.options import DEFAULT_HASH, LOOSER_MARGIN_BITS, Preset, preset_distance

TICK_MS = 10
# Distances of a group's members to its first image: strict keeps the first two, normal four, loose all five.
MEMBER_BITS = (2, 5, 9, 11, 13, 3, 7)


def synthetic_result(count: int, group_size: int) -> ScanResult:
    """`count` images in groups of `group_size` (star pairs to each group's first image), sizes and shapes varied."""
    rng = np.random.default_rng(7)
    images = tuple(
        ImageRecord(
            FileEntry(f"/nonexistent/photos/{i // 1000:03d}/{i:07d}.jpg", int(rng.integers(200_000, 9_000_000)), i,
                      1, i + 1),
            Fingerprint(4000 - 8 * (i % group_size), 3000 - 6 * (i % group_size), "JPEG", 0, 0, 0, 0),
        )
        for i in range(count)
    )  # fmt: skip
    left, right, distance = [], [], []
    for start in range(0, count - group_size + 1, group_size):
        for k in range(1, group_size):
            left.append(start)
            right.append(start + k)
            distance.append(MEMBER_BITS[(k - 1) % len(MEMBER_BITS)])
    pairs = Pairs(
        np.array(left, np.int32), np.array(right, np.int32), np.array(distance, np.uint8), np.zeros(len(left), bool)
    )
    loosest = preset_distance(Preset.LOOSE, DEFAULT_HASH) + LOOSER_MARGIN_BITS
    return ScanResult(("/nonexistent/photos",), (), images, (), pairs, DEFAULT_HASH.value, DEFAULT_HASH.bits, loosest)


class StallMeter:
    """Records the gaps between the ticks of a 10 ms timer on the GUI thread, and the full garbage collections
    (which hold the GIL, whichever thread they run on)."""

    def __init__(self) -> None:
        self.collections: list[float] = []
        self._collecting = 0.0
        gc.callbacks.append(self._on_gc)
        self._clock = QElapsedTimer()
        self._clock.start()
        self._last = 0
        self.gaps: list[int] = []
        self._timer = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = self._clock.elapsed()
        self.gaps.append(now - self._last)
        self._last = now

    def _on_gc(self, phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                self._collecting = time.perf_counter()
            else:
                self.collections.append(1000 * (time.perf_counter() - self._collecting))

    def begin(self) -> None:
        self.gaps = []
        self.collections = []
        self._last = self._clock.elapsed()


def wait_ms(ms: int) -> None:
    """Run the event loop for `ms` (QTest.qWait would keep the GIL from the regrouping thread while it waits)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settled(window) -> bool:
    """Nothing left to do: no regroup waiting or running (the attributes exist on the code they belong to)."""
    if window._regroup_timer.isActive():
        return False
    return not getattr(window, "regrouping", False)


def run_action(name: str, steps, window, meter: StallMeter) -> None:
    meter.begin()
    started = time.perf_counter()
    count = 0
    for step in steps:
        step()
        count += 1
        wait_ms(TICK_MS + 5)
        while not settled(window):
            wait_ms(5)
    wall = time.perf_counter() - started
    wait_ms(3 * TICK_MS)  # the last step's gap is recorded by the next tick
    gaps = sorted(meter.gaps) or [0]
    p99 = gaps[min(len(gaps) - 1, int(0.99 * len(gaps)))]
    full = meter.collections
    print(
        f"{name:<28} {gaps[-1]:>8} {p99:>8} {count:>7} {wall:>9.1f} {len(full):>5} {max(full, default=0):>7.0f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--group-size", type=int, default=5)
    parser.add_argument("--switches", type=int, default=300)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    from dupfinder.gui.main_window import MainWindow
    from dupfinder.gui.translation import install_translators

    install_translators(app, "en")
    shown: list[float] = []
    if hasattr(MainWindow, "_show_view"):  # the GUI thread's own share of a regroup done on the regrouper's thread
        show_view = MainWindow._show_view

        def timed_show_view(self, view) -> None:
            started = time.perf_counter()
            show_view(self, view)
            shown.append(1000 * (time.perf_counter() - started))

        MainWindow._show_view = timed_show_view
    started = time.perf_counter()
    result = synthetic_result(args.images, args.group_size)
    print(f"{len(result.images):,} images, {len(result.pairs):,} pairs built in {time.perf_counter() - started:.1f} s")
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    wait_ms(200)
    meter = StallMeter()
    print(f"{'action (ms)':<28} {'max gap':>8} {'p99 gap':>8} {'steps':>7} {'wall s':>9} {'gc2':>5} {'max gc2':>7}")

    def open_result() -> None:
        window._on_scan_done(result)

    run_action("open the results", [open_result], window, meter)
    print(f"  groups shown: {window.model.rowCount():,}")

    bar = window.groups_view.verticalScrollBar()
    page = max(1, bar.pageStep())
    run_action(
        "scroll the list, page steps",
        [lambda v=v: bar.setValue(v) for v in range(0, bar.maximum() + page, page)],
        window,
        meter,
    )

    kind = window.scan_bar.hash_kind
    stops = [preset_distance(p, kind) for p in (Preset.STRICT, Preset.NORMAL, Preset.LOOSE, Preset.NORMAL)]
    run_action("slider strict/normal/loose", [lambda v=v: window.slider.setValue(v) for v in stops], window, meter)
    print(f"  groups shown: {window.model.rowCount():,}")

    rows = random.Random(3).choices(range(window.model.rowCount()), k=args.switches)
    run_action("switch the selected group", [lambda r=r: window.select_group(r) for r in rows], window, meter)

    combo = window.sort_combo
    sorts = [(combo.currentIndex() + k) % combo.count() for k in range(1, 2 * combo.count() + 1)]
    run_action("change the sort", [lambda i=i: combo.setCurrentIndex(i) for i in sorts], window, meter)

    marks = [window.model.group(r).images[-1] for r in rows[:50]]
    run_action("mark a photo", [lambda i=i: window.toggle_mark(i) for i in marks], window, meter)

    clear = window.clear_marks_action.trigger
    run_action("keep best resolution", [window.keep_best, clear, window.keep_best, window.keep_best], window, meter)
    print(f"  marked: {len(window.marks):,}")
    run_action("mark a photo, all marked", [lambda i=i: window.toggle_mark(i) for i in marks], window, meter)

    if shown:
        print(f"showing regrouped rows on the GUI thread: longest {max(shown):.0f} ms of {len(shown)}")
    window.close()


if __name__ == "__main__":
    main()
