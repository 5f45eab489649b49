"""The PySide6 6.12 refcount bug on Python < 3.12 must not be able to abort the app (see dupfinder.gui.compat)."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPainter

import dupfinder.gui  # noqa: F401  (applies the workaround)


class _Emitter(QObject):
    flag = Signal(bool)


def test_many_bool_signals_and_void_calls_do_not_exhaust_the_singletons(qapp):
    emitter = _Emitter()
    received = []
    emitter.flag.connect(received.append)
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    for _ in range(5000):
        emitter.flag.emit(True)
        emitter.flag.emit(False)
        painter.save()
        painter.restore()
    painter.end()
    assert len(received) == 10_000
    for singleton in (None, True, False):
        assert sys.getrefcount(singleton) > 1_000_000
