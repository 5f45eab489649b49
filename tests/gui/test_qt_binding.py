"""Guard against the PySide6 6.12.0 reference-count bug on Python < 3.12 (excluded in pyproject.toml): a bool
signal emitted a few thousand times must not abort the interpreter ("Fatal Python error: bool_dealloc")."""

import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QObject, Signal
class Emitter(QObject):
    changed = Signal(bool)
emitter, received = Emitter(), []
emitter.changed.connect(received.append)
for _ in range(5000):
    emitter.changed.emit(True)
assert len(received) == 5000
"""


def test_bool_signals_do_not_exhaust_the_refcount_of_true():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
