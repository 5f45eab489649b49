"""Two photos of a group side by side at the same zoom and position, and a view of where they differ.

Both pictures are shown in the same frame size (the second scaled to the first one's width), so one transform and
one scroll position mean the same place in both: zooming or dragging either view moves the other. "Difference"
replaces the second view by the core's heat map (core.difference: the second copy aligned onto the first; red where
they differ, blue where the second copy has nothing — cropped away). Decoding and aligning run off the GUI thread.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout

from dupfinder.core.difference import difference, heat_map
from dupfinder.formatting import human_bytes
from dupfinder.gui.image_viewer import ZoomView
from dupfinder.gui.thumbnails import read_scaled_image
from dupfinder.gui.translation import Tr

COMPARE_PX = 1600  # decoded size of each picture
DIFFERENCE_PX = 900  # the difference is computed at this size (aligning costs grow with pixels)


def image_to_rgb(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    raw = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height).reshape(height, stride)
    return raw[:, : width * 3].reshape(height, width, 3).copy()


def rgb_to_image(array: np.ndarray) -> QImage:
    height, width = array.shape[:2]
    data = np.ascontiguousarray(array)
    return QImage(data.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()


class PairCompare(Tr):
    """Translation context of the compare job's summary (a QRunnable is no QObject)."""


class _Relay(QObject):
    loaded = Signal(QImage, QImage, QImage, str)  # first, second, heat map, summary


class _CompareJob(QRunnable):
    """Decodes both pictures and measures their difference, on a pool thread."""

    def __init__(self, relay: _Relay, first: str, second: str) -> None:
        super().__init__()
        self._relay, self._first, self._second = relay, first, second

    def run(self) -> None:
        first, second = read_scaled_image(self._first, COMPARE_PX), read_scaled_image(self._second, COMPARE_PX)
        if first.isNull() or second.isNull():
            self._relay.loaded.emit(first, second, QImage(), PairCompare.tr("One of the photos cannot be read."))
            return
        small_first = first.scaled(DIFFERENCE_PX, DIFFERENCE_PX, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        small_second = second.scaled(DIFFERENCE_PX, DIFFERENCE_PX, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        a, b = image_to_rgb(small_first), image_to_rgb(small_second)
        diff = difference(a, b)
        if diff.matched:
            how = PairCompare.tr("aligned on shared points")
        else:
            how = PairCompare.tr("not aligned (too few shared points): resized")
        summary = PairCompare.tr("{share} of the picture differs").format(share=f"{diff.changed_share:.0%}")
        summary += " · " + how
        if not diff.covered.all():
            missing = PairCompare.tr("{share} missing from the second copy")
            summary += " · " + missing.format(share=f"{1 - diff.covered.mean():.0%}")
        self._relay.loaded.emit(first, second, rgb_to_image(heat_map(a, diff)), summary)


class PairCompareDialog(QDialog):
    """Left: the first photo (normally the kept copy); right: the second, or their difference."""

    def __init__(self, first: tuple[str, int, int], second: tuple[str, int, int], parent=None) -> None:
        """`first` and `second` are (path, width, size_bytes) of the two photos."""
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("Compare {first} and {second}").format(
                first=os.path.basename(first[0]), second=os.path.basename(second[0])
            )
        )
        self.resize(1400, 820)
        self._natural_width = first[1]
        self._pixmaps: dict[str, QPixmap] = {}
        layout = QVBoxLayout(self)
        views = QHBoxLayout()
        self.left, self.right = ZoomView(self), ZoomView(self)
        for view in (self.left, self.right):
            views.addWidget(view)
        layout.addLayout(views, 1)
        captions = QHBoxLayout()
        for path, width, size in (first, second):
            wide = self.tr("{width} px wide").format(width=width)
            caption = QLabel(f"{os.path.basename(path)} · {wide} · {human_bytes(size)}")
            caption.setToolTip(path)
            captions.addWidget(caption, 1)
        layout.addLayout(captions)
        controls = QHBoxLayout()
        self.difference_check = QCheckBox(self.tr("Show where they differ"))
        self.difference_check.setEnabled(False)
        self.difference_check.toggled.connect(self._show_right)
        self.summary = QLabel(self.tr("Loading…"))
        controls.addWidget(self.difference_check)
        controls.addWidget(self.summary, 1)
        controls.addWidget(QLabel(self.tr("Wheel to zoom, drag to pan: both sides follow.")))
        layout.addLayout(controls)
        self._link(self.left, self.right)
        self._link(self.right, self.left)
        self._relay = _Relay(self)
        self._relay.loaded.connect(self._on_loaded)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.start(_CompareJob(self._relay, first[0], second[0]))

    def _link(self, source: ZoomView, target: ZoomView) -> None:
        source.zoomed.connect(lambda: self._follow(source, target))
        source.horizontalScrollBar().valueChanged.connect(target.horizontalScrollBar().setValue)
        source.verticalScrollBar().valueChanged.connect(target.verticalScrollBar().setValue)

    @staticmethod
    def _follow(source: ZoomView, target: ZoomView) -> None:
        target.fit = source.fit
        target.setTransform(source.transform())
        target.horizontalScrollBar().setValue(source.horizontalScrollBar().value())
        target.verticalScrollBar().setValue(source.verticalScrollBar().value())

    def _on_loaded(self, first: QImage, second: QImage, heat: QImage, summary: str) -> None:
        self.summary.setText(summary)
        if first.isNull() or second.isNull():
            return
        self._pixmaps = {"first": QPixmap.fromImage(first), "second": QPixmap.fromImage(second)}
        if not heat.isNull():
            self._pixmaps["difference"] = QPixmap.fromImage(heat)
            self.difference_check.setEnabled(True)
        self.left.set_pixmap(self._pixmaps["first"], self._natural_width)
        self._show_right()

    def _show_right(self) -> None:
        key = "difference" if self.difference_check.isChecked() and "difference" in self._pixmaps else "second"
        if key in self._pixmaps:
            self.right.set_pixmap(self._pixmaps[key], self._natural_width)  # same frame as the left picture
            self._follow(self.left, self.right)

    def wait_loaded(self, timeout_ms: int = 30_000) -> bool:
        return self._pool.waitForDone(timeout_ms)
