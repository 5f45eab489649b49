"""Paints one group row: a strip of thumbnails, then photo count, reclaimable size and best similarity.

Thumbnails are requested only for rows being painted; a placeholder shows until the loader has them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from dupfinder.formatting import human_bytes
from dupfinder.gui.groups_model import STRIP_LENGTH, FactsRole, RowFacts, ThumbPathsRole
from dupfinder.gui.thumbnails import ThumbnailLoader

THUMB_PX = 52
PAD = 6
ROW_HEIGHT = THUMB_PX + 2 * PAD


class GroupDelegate(QStyledItemDelegate):
    def __init__(self, loader: ThumbnailLoader, parent=None) -> None:
        super().__init__(parent)
        self._loader = loader

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(STRIP_LENGTH * (THUMB_PX + 4) + 120, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex):
        style = option.widget.style() if option.widget else QApplication.style()
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        dim_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        rect = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
        box_px = round(THUMB_PX * dpr)
        x = rect.left() + PAD
        for path in index.data(ThumbPathsRole) or []:
            cell = QRect(x, rect.top() + PAD, THUMB_PX, THUMB_PX)
            pixmap = self._loader.pixmap(path, box_px)
            if pixmap is None:
                painter.fillRect(cell.adjusted(2, 2, -2, -2), palette.color(QPalette.ColorRole.Mid))
            else:
                target = QSize(pixmap.width(), pixmap.height()).scaled(cell.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawPixmap(
                    QRect(
                        cell.left() + (cell.width() - target.width()) // 2,
                        cell.top() + (cell.height() - target.height()) // 2,
                        target.width(),
                        target.height(),
                    ),
                    pixmap,
                )
            x += THUMB_PX + 4
        x = rect.left() + PAD + STRIP_LENGTH * (THUMB_PX + 4) + PAD
        facts: RowFacts | None = index.data(FactsRole)
        if facts is not None:
            text_rect = QRect(x, rect.top() + PAD, rect.right() - x - PAD, THUMB_PX)
            bold = QFont(option.font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(palette.color(text_role))
            top = text_rect.adjusted(0, 2, 0, -THUMB_PX // 2)
            painter.drawText(
                top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, human_bytes(facts.reclaimable_bytes)
            )
            similarity = self.tr("identical") if facts.identical else f"{facts.best_similarity:.0f} %"
            painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, similarity)
            painter.setFont(option.font)
            painter.setPen(palette.color(dim_role))
            bottom = text_rect.adjusted(0, THUMB_PX // 2, 0, -2)
            line = self.tr("%Ln photo(s)", "", facts.photos)
            if facts.marked:
                line += " · " + self.tr("%Ln to trash", "", facts.marked)
            painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
        painter.restore()
