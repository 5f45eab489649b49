"""One cleanup or undo at a time: an exclusive lock on a file next to the action log, held from the first check to
the last move. Two dupfinder processes (two CLI runs, the app and a script) then never move files at the same time,
and each one's checks see the other's finished work. The mover does not rely on it (it is safe against any other
trasher), but the lock keeps the action log's sessions whole and the report of each run exact.

A second cleanup waits for the first to finish (it logs a warning and calls `on_wait` first), rather than failing:
a cleanup takes seconds and the user asked for both. The lock is released by the kernel when a process dies, so a
killed cleanup never leaves it stuck. Where fcntl is missing (Windows) there is no lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from dupfinder.core import paths

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

LOCK_NAME = "cleanup.lock"


@contextlib.contextmanager
def cleanup_lock(folder: str | os.PathLike, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the cleanup lock of `folder` (dupfinder's data folder: made 0700; the lock file 0600, never a symlink).
    Raises OSError (UnsafePathError included) when the lock file cannot be made or opened."""
    if fcntl is None:
        yield
        return
    folder = paths.ensure_private_dir(folder)
    fd = paths.open_own_file(Path(folder) / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another dupfinder cleanup or undo is running; waiting for it to finish")
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
