"""The window follows a dark desktop: a dark palette where the style would stay light, and back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from dupfinder.gui.theme import follow_color_scheme, is_dark


def test_dark_desktop_gives_a_dark_readable_window_and_light_brings_it_back(qtbot, window):
    app = QApplication.instance()
    before = app.palette()
    try:
        follow_color_scheme(app, Qt.ColorScheme.Dark)
        qtbot.waitUntil(lambda: is_dark(window.palette()), timeout=2000)  # palette changes arrive as events
        palette = window.palette()
        text = palette.color(QPalette.ColorRole.WindowText).lightness()
        assert text - palette.color(QPalette.ColorRole.Window).lightness() > 120  # readable
        assert window.trash_button.palette().color(QPalette.ColorRole.Button).lightness() < 128
        follow_color_scheme(app, Qt.ColorScheme.Light)
        qtbot.waitUntil(lambda: not is_dark(window.palette()), timeout=2000)
    finally:
        app.setPalette(before)
