"""Workaround for a PySide6 6.12 reference-count bug on Python < 3.12.

Shiboken 6.12 treats None, True and False as immortal (as they are since Python 3.12) and drops a reference each
time a void method returns or a bool crosses a signal, without taking one. On Python 3.11 their counts fall with use
until the interpreter aborts ("Fatal Python error: none_dealloc" / "bool_dealloc"), typically after a few thousand
repaints or clicks. Giving the three singletons a huge extra count makes them immortal in practice, as on 3.12.
"""

from __future__ import annotations

import ctypes
import sys

_EXTRA_REFERENCES = 1 << 40


def pin_singletons() -> bool:
    """Make None, True and False effectively immortal on CPython < 3.12; returns whether anything was done."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _EXTRA_REFERENCES
    return True
