"""Long core calls (scan, trash, undo) on a background QThread, reporting back through queued signals.

One `BackgroundTask` = one QThread + one worker object. The core function receives the usual `progress=` and
`cancel=` keywords; progress events are throttled here to about ten per second before they cross threads. When the
thread has ended, the worker, the thread and the task delete themselves (`released`), so a finished task holds
nothing of its call (a trash task's call holds the whole scan result).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from dupfinder.core.progress import CancelToken, ProgressEvent, ScanCancelled

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1

CoreCall = Callable[..., Any]  # called as fn(progress=..., cancel=...)


class _Worker(QObject):
    progress = Signal(object)
    succeeded = Signal(object)
    cancelled = Signal()
    failed = Signal(str)
    done = Signal()

    def __init__(self, fn: CoreCall, token: CancelToken) -> None:
        super().__init__()
        self._fn, self._token = fn, token
        self._lock = threading.Lock()
        self._last_emit = float("-inf")
        self._last_stage = None

    def _report(self, event: ProgressEvent) -> None:
        """Called on whichever thread the core reports from; lets through stage changes, final counts and ~10/s."""
        now = time.monotonic()
        with self._lock:
            finished = event.total is not None and event.done >= event.total
            if event.stage is self._last_stage and not finished and now - self._last_emit < PROGRESS_INTERVAL_S:
                return
            self._last_emit, self._last_stage = now, event.stage
        self.progress.emit(event)

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(progress=self._report, cancel=self._token)
        except ScanCancelled:
            self.cancelled.emit()
        except Exception as exc:  # the thread boundary: anything unexpected becomes a message for the user
            log.exception("background task failed")
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class BackgroundTask(QObject):
    """Runs `fn(progress=, cancel=)` once on its own QThread; signals arrive on the GUI thread."""

    progress = Signal(object)  # ProgressEvent
    succeeded = Signal(object)  # whatever fn returned
    cancelled = Signal()
    failed = Signal(str)
    finished = Signal()  # after any of the three outcomes
    released = Signal()  # the thread has ended; the task deletes itself right after this

    def __init__(self, fn: CoreCall, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._token = CancelToken()
        self._thread = QThread()
        self._worker = _Worker(fn, self._token)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.succeeded.connect(self.succeeded)
        self._worker.cancelled.connect(self.cancelled)
        self._worker.failed.connect(self.failed)
        self._worker.done.connect(self._thread.quit)
        self._worker.done.connect(self.finished)
        self._thread.finished.connect(self._worker.deleteLater)  # in the worker's own thread, as it ends
        self._thread.finished.connect(self._release)
        self._running = False
        self.finished.connect(self._on_finished)

    def start(self) -> None:
        self._running = True
        self._thread.start()

    def cancel(self) -> None:
        """Thread-safe: the core notices at its next check (well within a second)."""
        self._token.cancel()

    @property
    def running(self) -> bool:
        return self._running

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the thread has ended (used when the window closes mid-task)."""
        return self._thread.wait(timeout_ms)

    def _on_finished(self) -> None:
        self._running = False

    def _release(self) -> None:
        self._thread.wait()  # `finished` comes just before the thread exits: let it exit before the QThread goes
        self._worker = None  # drops the call (and whatever it holds) on the Python side too
        self.released.emit()
        self.deleteLater()  # the QThread, a child, goes with it
