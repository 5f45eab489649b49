"""Follow the desktop's light or dark colour scheme.

Qt asks the platform theme (GNOME's portal, KDE, Windows, macOS) for the scheme and, with a native style, applies it
itself. When the style in use keeps a light palette under a dark desktop (Fusion, which Qt falls back to where no
native style exists), the window would be the one light rectangle on a dark screen: then a dark Fusion palette is
set. Every colour in the app comes from the palette (no style sheets, no fixed colours), so this is all it takes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

_DARK = {  # Fusion's own layout, darkened: window, base, text and their disabled and highlighted variants
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1f1f1f",
    QPalette.ColorRole.AlternateBase: "#2a2a2a",
    QPalette.ColorRole.ToolTipBase: "#3a3a3a",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8c8c8c",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff5c5c",
    QPalette.ColorRole.Light: "#4a4a4a",
    QPalette.ColorRole.Midlight: "#3d3d3d",
    QPalette.ColorRole.Mid: "#2f2f2f",
    QPalette.ColorRole.Dark: "#1a1a1a",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#3d7bd6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#6ea8ff",
    QPalette.ColorRole.LinkVisited: "#b58cff",
}
_DISABLED_TEXT = "#7a7a7a"


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED_TEXT))
    return palette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def follow_color_scheme(app: QApplication, scheme: Qt.ColorScheme | None = None) -> None:
    """Make the palette match the desktop's scheme (or `scheme`), now and whenever the desktop switches."""
    wanted = QGuiApplication.styleHints().colorScheme() if scheme is None else scheme
    if wanted == Qt.ColorScheme.Dark and not is_dark(app.palette()):
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
    elif wanted == Qt.ColorScheme.Light and is_dark(app.palette()):
        app.setPalette(app.style().standardPalette())
    if scheme is None and not getattr(app, "_dupfinder_follows_scheme", False):
        app._dupfinder_follows_scheme = True
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: follow_color_scheme(app))
