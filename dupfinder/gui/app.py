"""Start the desktop app: QApplication, the app icon and the main window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from dupfinder import __version__

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resource_dir() -> Path:
    """The shipped resources: `dupfinder/resources` in a wheel, else the repo's `resources/` (editable installs)."""
    try:
        shipped = resources.files("dupfinder") / "resources"
        if shipped.is_dir():
            return Path(str(shipped))
    except (ModuleNotFoundError, TypeError) as exc:
        log.debug("no packaged resources: %s", exc)
    return Path(__file__).resolve().parents[2] / "resources"


def app_icon() -> QIcon:
    """The app icon with every PNG size (crisp at any scale) and the SVG as the scalable fallback."""
    folder = resource_dir()
    icon = QIcon()
    for size in ICON_SIZES:
        png = folder / "icons" / f"dupfinder-{size}.png"
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    svg = folder / "dupfinder.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


def main(argv: Sequence[str] | None = None) -> int:
    """Open the main window; folders given as arguments are added to the folder list. Returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "dupfinder"])
    app.setApplicationName("dupfinder")
    app.setApplicationDisplayName("dupfinder")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("dupfinder")
    app.setDesktopFileName("dupfinder")
    app.setWindowIcon(app_icon())

    from dupfinder.gui.main_window import MainWindow

    window = MainWindow()
    for arg in args:
        if os.path.isdir(arg):
            window.add_folder(arg)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
