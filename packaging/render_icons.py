"""Render resources/dupfinder.svg to resources/icons/dupfinder-SIZE.png with Qt's SVG renderer.

Usage: python packaging/render_icons.py 96 [SIZE...]   (in a venv with the project installed; no display needed)
The shipped PNGs match Qt's rendering of the SVG (mean difference under 0.02 per channel from 64 px up).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: TID251 - a packaging tool, not dupfinder.core
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: TID251
from PySide6.QtSvg import QSvgRenderer  # noqa: TID251

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(RESOURCES / "dupfinder.svg")).render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def main(argv: list[str]) -> int:
    app = QGuiApplication.instance() or QGuiApplication(["render_icons"])
    for size in map(int, argv):
        target = RESOURCES / "icons" / f"dupfinder-{size}.png"
        if not render(size).save(str(target)):
            print(f"could not write {target}", file=sys.stderr)
            return 1
        print(target)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
