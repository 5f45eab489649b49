"""Start the desktop app: QApplication, the app icon and the main window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from dupfinder import __version__
from dupfinder.gui.resources import app_icon
from dupfinder.gui.settings import AppSettings
from dupfinder.gui.theme import follow_color_scheme
from dupfinder.gui.translation import install_translators, resolve_language

log = logging.getLogger(__name__)


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
    install_translators(app, resolve_language(AppSettings().language()))  # before any widget is made
    follow_color_scheme(app)

    from dupfinder.gui.main_window import MainWindow

    window = MainWindow()
    for arg in args:
        if os.path.isdir(arg):
            window.add_folder(arg)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
