"""Regrouping for the review off the GUI thread: the groups at the slider's distance and their figures.

`build_view` is what a regroup computes (keep-best ranks and the shown groups from the core, the rows' figures).
`Regrouper` runs it on a pool thread when the result is large, so moving the slider, opening results or a cleanup
never freeze the window; each request gets a generation number and only the newest one's answer is delivered, so a
quick slider sweep shows the last position, never an older one arriving late. Small results regroup at once, in the
caller's thread, as a few milliseconds of work.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from dupfinder.core.models import ScanResult
from dupfinder.core.review import shown_groups
from dupfinder.core.selection import quality_rank
from dupfinder.gui.groups_model import Rows, SortKey, arrange

log = logging.getLogger(__name__)

INLINE_IMAGES = 3000  # regrouping this many images takes a few tens of milliseconds: not worth a thread
# While a regroup runs, Python hands the GIL over this often (the default is 5 ms): the GUI thread takes it back at
# every call from Qt into Python (each row painted, each timer), and waiting 5 ms each time adds up to stalls.
SWITCH_INTERVAL_S = 0.0005


@dataclass(frozen=True, slots=True)
class ReviewView:
    """The rows shown at a distance, and the keep-best ranks their keepers were chosen with."""

    rank: list[int]
    rows: Rows


def build_view(
    result: ScanResult,
    distance_bits: int,
    gone: Collection[int],
    marks: Collection[int],
    rank: Sequence[int] | None,
    sort_key: SortKey,
) -> ReviewView:
    """`rank` is computed when not given (a new result)."""
    ranks = list(rank) if rank is not None else quality_rank(result.images)
    groups = shown_groups(result, distance_bits, gone, marks, ranks)
    return ReviewView(ranks, arrange(result, groups, sort_key))


class _Relay(QObject):
    """Carries a finished view from the pool thread to the GUI thread (queued connection)."""

    finished = Signal(int, object, str)  # generation, ReviewView or None, error text


class _Job(QRunnable):
    def __init__(self, relay: _Relay, generation: int, work: Callable[[], ReviewView]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._relay, self._generation, self._work = relay, generation, work

    def run(self) -> None:
        interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            view, error = self._work(), ""
        except Exception as exc:  # the thread boundary: the window keeps its groups and says why
            log.exception("regrouping failed")
            view, error = None, f"{type(exc).__name__}: {exc}"
        finally:
            sys.setswitchinterval(interval)
        self._relay.finished.emit(self._generation, view, error)


class Regrouper(QObject):
    """`request(work)` runs work() on a pool thread; `ready(view)` or `failed(text)` follow (GUI thread), for the
    newest request only."""

    ready = Signal(object)  # ReviewView
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0
        self._delivered = 0
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)

    @property
    def busy(self) -> bool:
        """A request has not been answered yet."""
        return self._delivered != self._generation

    def request(self, work: Callable[[], ReviewView]) -> None:
        """Replaces any request still queued; one already running finishes, and its answer is dropped."""
        self._generation += 1
        self._pool.clear()
        self._pool.start(_Job(self._relay, self._generation, work))

    def cancel(self) -> None:
        """Drop every answer still to come (a new result, or the window closing)."""
        self._generation += 1
        self._delivered = self._generation
        self._pool.clear()

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def _on_finished(self, generation: int, view: ReviewView | None, error: str) -> None:
        if generation != self._generation:
            return
        self._delivered = generation
        if view is None:
            self.failed.emit(error)
        else:
            self.ready.emit(view)
