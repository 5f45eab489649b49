"""One photo large: fit to the window at first, the mouse wheel zooms around the pointer."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import QDialog, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QLabel, QVBoxLayout

from dupfinder.gui.thumbnails import ThumbnailLoader

LARGE_PX = 2400


class ZoomView(QGraphicsView):
    """Fits the picture until the user zooms; then keeps the chosen scale. `zoomed` tells a linked view to follow."""

    zoomed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.fit = True

    def set_pixmap(self, pixmap: QPixmap, natural_width: int) -> None:
        """Show `pixmap` as if it were `natural_width` pixels wide, so a better copy arriving keeps the zoom."""
        self._item.setPixmap(pixmap)
        self._item.setScale(natural_width / max(1, pixmap.width()))
        self.scene().setSceneRect(self._item.sceneBoundingRect())
        if self.fit:
            self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.fit = False
        factor = 1.25 ** (event.angleDelta().y() / 120)
        self.scale(factor, factor)
        self.zoomed.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit:
            self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)


class ImageViewerDialog(QDialog):
    """Shows the cached preview at once and swaps in a large decode (done off the GUI thread) when it arrives."""

    def __init__(self, path: str, width: int, loader: ThumbnailLoader, preview: QPixmap | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(os.path.basename(path))
        self.resize(1100, 800)
        self._path, self._width, self._loader = path, width, loader
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = ZoomView(self)
        layout.addWidget(self.view)
        hint = QLabel(f"{path}  —  " + self.tr("wheel to zoom, drag to pan, Esc to close"))
        hint.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(hint)
        if preview is not None:
            self.view.set_pixmap(preview, width)
        self._box_px = round(LARGE_PX * self.devicePixelRatioF())
        loader.ready.connect(self._on_ready)
        large = loader.pixmap(path, self._box_px)
        if large is not None:
            self.view.set_pixmap(large, width)

    def _on_ready(self, path: str, box_px: int) -> None:
        if path == self._path and box_px == self._box_px:
            pixmap = self._loader.pixmap(path, box_px)
            if pixmap is not None:
                self.view.set_pixmap(pixmap, self._width)
