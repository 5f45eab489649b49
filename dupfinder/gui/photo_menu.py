"""The right-click menu of a photo: open it elsewhere, copy its path, show it large, keep or mark it."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget


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
    menu.addAction("Open with system viewer", lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
    menu.addAction(
        "Reveal in file manager",
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path))),
    )
    menu.addAction("Copy path", lambda: QGuiApplication.clipboard().setText(path))
    menu.addSeparator()
    menu.addAction("Show large", show_large)
    menu.addAction("Compare with the kept copy (C)", compare)
    menu.addAction("Keep" if marked else "Mark for trash", toggle).setEnabled(not protected)
    return menu
