"""The files shipped with the app (icons, the desktop entry), found the same way in a wheel and in a checkout."""

from __future__ import annotations

import functools
import logging
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon, QPixmap

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 96, 128, 256, 512)


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
    """The app icon with every PNG size (crisp at any scale) and the SVG as the scalable fallback.

    Pixmaps, not files: an icon built with addFile answered every later pixmap(size, 2.0) with the first result
    (PySide6 6.11.3), so at 200 % the window icon was one 32 px image for every size."""
    folder = resource_dir()
    icon = QIcon()
    for size in ICON_SIZES:
        png = folder / "icons" / f"dupfinder-{size}.png"
        if png.is_file():
            icon.addPixmap(QPixmap(str(png)))
    svg = folder / "dupfinder.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


@functools.cache
def lock_icon() -> QIcon:
    return QIcon(str(resource_dir() / "icons" / "lock.svg"))
