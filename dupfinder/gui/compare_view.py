"""The selected group side by side: one card per photo with the facts that decide which copy to keep."""

from __future__ import annotations

import os
from collections.abc import Collection

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsOpacityEffect,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dupfinder.core.matching.differences import difference
from dupfinder.core.models import Group, Member, ScanResult
from dupfinder.formatting import difference_label, difference_text, format_timestamp_ns, human_bytes, similarity_text
from dupfinder.gui.resources import lock_icon
from dupfinder.gui.thumbnails import ThumbnailLoader

Highlight, HighlightedText = QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText
PREVIEW_PX = 640  # decoded size; cards scale it down to what fits
MIN_IMAGE_PX, MAX_IMAGE_PX = 160, 520


class _ElidedLabel(QLabel):
    """One line that shortens with … instead of widening the card."""

    def __init__(self, text: str = "", mode=Qt.TextElideMode.ElideMiddle, parent=None) -> None:
        super().__init__(parent)
        self._full, self._mode = text, mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setToolTip(text)
        self._update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update()

    def _update(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, self._mode, max(10, self.width())))


class PhotoCard(QFrame):
    """One photo: large preview, badges, facts and a keep/trash toggle."""

    toggled = Signal(int)  # image index
    activated = Signal(int)  # double-click: open large
    clicked = Signal(int)
    context_menu = Signal(int, QPoint)

    def __init__(self, result: ScanResult, group: Group, member: Member, best: int, parent=None) -> None:
        super().__init__(parent)
        self.image = member.image
        record = result.images[member.image]
        self.path = record.path
        self.protected = record.file.protected
        self._pixmap: QPixmap | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setLineWidth(2)
        self.setAutoFillBackground(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(3)
        self.picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(MIN_IMAGE_PX, MIN_IMAGE_PX)
        self.picture.setText(self.tr("Loading…"))
        self._opacity = QGraphicsOpacityEffect(self.picture)
        self._opacity.setOpacity(1.0)
        self.picture.setGraphicsEffect(self._opacity)
        layout.addWidget(self.picture)

        badges = QHBoxLayout()
        badges.setSpacing(6)
        self.best_badge = QLabel(self.tr("★ Best"))
        self.best_badge.setToolTip(
            self.tr("The copy this group keeps: the best resolution, a protected copy, or the one you chose")
        )
        self.best_badge.setVisible(member.image == best)
        bold = QFont(self.font())
        bold.setBold(True)
        self.best_badge.setFont(bold)
        badges.addWidget(self.best_badge)
        if self.protected:
            lock = QLabel()
            lock.setPixmap(lock_icon().pixmap(16, 16))
            lock.setToolTip(self.tr("In a protected folder: always kept"))
            badges.addWidget(lock)
            badges.addWidget(QLabel(self.tr("Protected")))
        badges.addStretch(1)
        self.toggle = QPushButton()
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggle.setEnabled(not self.protected)
        self.toggle.clicked.connect(lambda: self.toggled.emit(self.image))
        badges.addWidget(self.toggle)
        layout.addLayout(badges)

        name = _ElidedLabel(os.path.basename(record.path), Qt.TextElideMode.ElideMiddle)
        name.setFont(bold)
        name.setToolTip(record.path)
        layout.addWidget(name)
        folder = _ElidedLabel(os.path.dirname(record.path), Qt.TextElideMode.ElideLeft)
        folder.setToolTip(record.path)
        layout.addWidget(folder)
        fp = record.fingerprint
        layout.addWidget(QLabel(f"{fp.width}×{fp.height} · {human_bytes(record.file.size_bytes)} · {fp.format}"))
        if fp.taken:
            when = self.tr("taken {date}").format(date=fp.taken)
        else:
            when = self.tr("modified {date}").format(date=format_timestamp_ns(record.file.mtime_ns))
        layout.addWidget(QLabel(when))
        if member.image == group.reference:
            alike = self.tr("reference") if not member.identical else difference_label("identical bytes")
        else:
            alike = similarity_text(member.similarity, member.identical)  # core labels: formatting.difference_label
        self.similarity = QLabel(alike)
        layout.addWidget(self.similarity)
        self.difference = QLabel(difference_text(difference(result, group.reference, member.image)))
        self.difference.setWordWrap(True)  # how it differs is the point of the card: shown whole, wrapped if need be
        layout.addWidget(self.difference)
        layout.addStretch(1)
        self.set_state(marked=False, current=False)

    def set_state(self, *, marked: bool, current: bool) -> None:
        self.marked = marked
        self.toggle.setChecked(marked)
        if self.protected:
            self.toggle.setText(self.tr("Always kept"))
        else:
            self.toggle.setText(self.tr("✗ Trash") if marked else self.tr("✓ Keep"))
        self.toggle.setToolTip(self.tr("Click (or Space) to switch between keep and trash"))
        self._opacity.setOpacity(0.35 if marked else 1.0)
        system = QApplication.palette()
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, system.color(Highlight if current else QPalette.ColorRole.Base))
        palette.setColor(
            QPalette.ColorRole.WindowText, system.color(HighlightedText if current else QPalette.ColorRole.Text)
        )
        self.setPalette(palette)

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self._fit()

    def set_image_size(self, px: int) -> None:
        self.picture.setFixedSize(px, px)
        self.setFixedWidth(px + 16)
        self._fit()

    def _fit(self) -> None:
        if self._pixmap is None:
            return
        dpr = self.devicePixelRatioF()
        target = self.picture.size() * dpr
        scaled = self._pixmap.scaled(
            target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        scaled.setDevicePixelRatio(dpr)
        self.picture.setPixmap(scaled)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.image)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit(self.image)

    def contextMenuEvent(self, event) -> None:
        self.clicked.emit(self.image)
        self.context_menu.emit(self.image, event.globalPos())


class CompareView(QScrollArea):
    """Cards of the current group in a row; `current` is the photo the keyboard acts on."""

    toggled = Signal(int)
    activated = Signal(int)
    current_changed = Signal(int)
    context_menu = Signal(int, QPoint)

    def __init__(self, loader: ThumbnailLoader, parent=None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._cards: list[PhotoCard] = []
        self._current = -1
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._strip = QWidget()
        self._grid = QGridLayout(self._strip)
        self._grid.setContentsMargins(8, 8, 8, 8)
        self._grid.setSpacing(10)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._columns = 0
        self.setWidget(self._strip)
        loader.ready.connect(self._on_ready)

    @property
    def cards(self) -> list[PhotoCard]:
        return list(self._cards)

    @property
    def current(self) -> int:
        """Position of the current card in the group, or -1."""
        return self._current

    def current_image(self) -> int | None:
        return self._cards[self._current].image if 0 <= self._current < len(self._cards) else None

    def show_group(self, result: ScanResult | None, group: Group | None, marks: Collection[int], best: int) -> None:
        for card in self._cards:
            self._grid.removeWidget(card)
            card.deleteLater()
        self._cards = []
        self._current = -1
        if result is None or group is None:
            return
        # The best copy first: it is the one the user compares the others against when deciding what to keep.
        for member in sorted(group.members, key=lambda m: m.image != best):
            card = PhotoCard(result, group, member, best, self._strip)
            card.toggled.connect(self.toggled)
            card.activated.connect(self.activated)
            card.clicked.connect(self._on_card_clicked)
            card.context_menu.connect(self.context_menu)
            self._cards.append(card)
            pixmap = self._loader.pixmap(card.path, self._preview_px())
            if pixmap is not None:
                card.set_pixmap(pixmap)
        self._columns = 0
        self._lay_out()
        self.set_current(0)
        self.refresh(marks)

    def refresh(self, marks: Collection[int]) -> None:
        for position, card in enumerate(self._cards):
            card.set_state(marked=card.image in marks, current=position == self._current)

    def set_current(self, position: int) -> None:
        if not self._cards:
            return
        position = max(0, min(position, len(self._cards) - 1))
        previous, self._current = self._current, position
        for p in {previous, position}:
            if 0 <= p < len(self._cards):
                card = self._cards[p]
                card.set_state(marked=card.marked, current=p == position)
        self.ensureWidgetVisible(self._cards[position], 10, 10)
        self.current_changed.emit(self._cards[position].image)

    def move_current(self, step: int) -> None:
        self.set_current(self._current + step)

    def _on_card_clicked(self, image: int) -> None:
        for position, card in enumerate(self._cards):
            if card.image == image:
                self.set_current(position)

    def _preview_px(self) -> int:
        return round(PREVIEW_PX * self.devicePixelRatioF())

    def _image_px(self) -> int:
        """As large as the height allows, but small enough that up to three photos fit side by side."""
        by_height = self.viewport().height() - 150
        by_width = (self.viewport().width() - 20) // max(1, min(len(self._cards), 3)) - 26
        return max(MIN_IMAGE_PX, min(MAX_IMAGE_PX, by_height, by_width))

    def _lay_out(self) -> None:
        """Cards in rows as wide as the view; more photos wrap onto further rows (scroll down)."""
        size = self._image_px()
        columns = max(1, (self.viewport().width() - 16) // (size + 16 + 10))
        for card in self._cards:
            card.set_image_size(size)
        if columns == self._columns:
            return
        self._columns = columns
        for position, card in enumerate(self._cards):
            self._grid.addWidget(card, position // columns, position % columns)

    def _on_ready(self, path: str, box_px: int) -> None:
        if box_px != self._preview_px():
            return
        for card in self._cards:
            if card.path == path:
                pixmap = self._loader.pixmap(path, box_px)
                if pixmap is not None:
                    card.set_pixmap(pixmap)
                else:
                    card.picture.setText(self.tr("No preview"))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._lay_out()

    def sizeHint(self) -> QSize:
        return QSize(800, 520)
