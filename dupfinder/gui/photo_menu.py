"""The right-click menu of a photo: open it elsewhere, copy its path, show it large, keep or mark it."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from dupfinder.gui.translation import Tr


class PhotoMenu(Tr):
    """Translation context of the photo menu."""


def photo_menu(
    parent: QWidget,
    path: str,
    *,
    marked: bool,
    protected: bool,
    show_large: Callable[[], None],
    compare: Callable[[], None],
    toggle: Callable[[], None],
) -> QMenu:
    """The menu for the photo at `path`; a protected photo cannot be marked, so its toggle is disabled."""
    menu = QMenu(parent)
    menu.addAction(PhotoMenu.tr("Open with system viewer"), lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
    menu.addAction(
        PhotoMenu.tr("Reveal in file manager"),
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path))),
    )
    menu.addAction(PhotoMenu.tr("Copy path"), lambda: QGuiApplication.clipboard().setText(path))
    menu.addSeparator()
    menu.addAction(PhotoMenu.tr("Show large"), show_large)
    menu.addAction(PhotoMenu.tr("Compare with the kept copy (C)"), compare)
    menu.addAction(PhotoMenu.tr("Keep") if marked else PhotoMenu.tr("Mark for trash"), toggle).setEnabled(not protected)
    return menu
