"""Progress reporting and cancellation shared by every long-running core function.

Each long function takes `progress=` (a callable receiving ProgressEvent) and `cancel=` (a CancelToken).
Events are plain frozen data, safe to hand to another thread; the GUI throttles them.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


class ScanStage(enum.Enum):
    DISCOVERING = "finding files"
    FINGERPRINTING = "fingerprinting"
    COMPARING = "comparing"
    CONFIRMING = "confirming matches"
    GROUPING = "grouping"
    TRASHING = "moving to trash"


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    stage: ScanStage
    done: int
    total: int | None  # None while the total is unknown (e.g. still finding files)
    current_path: str = ""
    rate_per_s: float = 0.0
    eta_s: float | None = None


ProgressCallback = Callable[[ProgressEvent], None]


class ScanCancelled(Exception):
    """Raised by core functions when their CancelToken is set. Not an error: show no dialog."""


class CancelToken:
    """A thread-safe 'please stop' flag that core loops check between items."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise ScanCancelled()


class ProgressMeter:
    """Turns 'one more item done' into ProgressEvents with rate and ETA, at most every `interval_s`."""

    def __init__(
        self,
        stage: ScanStage,
        total: int | None,
        callback: ProgressCallback | None,
        interval_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stage, self.total, self.callback = stage, total, callback
        self.interval_s, self.clock = interval_s, clock
        self.done = 0
        self.started = clock()
        self._last_emit = float("-inf")

    def advance(self, n: int = 1, current_path: str = "") -> None:
        self.done += n
        if self.callback is None:
            return
        now = self.clock()
        if now - self._last_emit >= self.interval_s or (self.total is not None and self.done >= self.total):
            self._last_emit = now
            self.callback(self.event(current_path, now))

    def event(self, current_path: str = "", now: float | None = None) -> ProgressEvent:
        now = self.clock() if now is None else now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 and self.total is not None else None
        return ProgressEvent(self.stage, self.done, self.total, current_path, rate, eta)

    def finish(self) -> None:
        """Always emit the final state, so the last event says 'done == total'."""
        if self.callback is not None:
            self.callback(self.event())
