"""Label texts for the window: progress lines, similarity, dates. Pure functions, no Qt; sizes, counts and
durations come from the shared dupfinder.formatting."""

from __future__ import annotations

import time

from dupfinder.core.progress import ProgressEvent, ScanStage
from dupfinder.formatting import human_bytes, human_count, human_duration

__all__ = [
    "format_timestamp_ns",
    "human_bytes",
    "human_count",
    "human_duration",
    "plural",
    "progress_text",
    "similarity_text",
]


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 photo', '1,204 photos'."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def similarity_text(similarity: float, identical: bool) -> str:
    if identical:
        return "identical bytes"
    return f"{similarity:.0f} % alike"


def format_timestamp_ns(mtime_ns: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(mtime_ns / 1e9))


_UNIT_PER_STAGE = {
    ScanStage.DISCOVERING: "files",
    ScanStage.FINGERPRINTING: "photos",
    ScanStage.COMPARING: "files",
    ScanStage.GROUPING: "photos",
    ScanStage.TRASHING: "files",
}


def progress_text(event: ProgressEvent) -> str:
    """'Fingerprinting 1,204 / 2,200 · 48 photos/s · about 0:21 left'."""
    stage = event.stage.value[:1].upper() + event.stage.value[1:]
    unit = _UNIT_PER_STAGE.get(event.stage, "items")
    if event.total is None:
        return f"{stage} · {event.done:,} {unit} so far"
    parts = [f"{stage} {event.done:,} / {event.total:,}"]
    if event.rate_per_s > 0:
        rate = f"{event.rate_per_s:.0f}" if event.rate_per_s >= 10 else f"{event.rate_per_s:.1f}"
        parts.append(f"{rate} {unit}/s")
    if event.eta_s is not None and event.done < event.total:
        parts.append(f"about {human_duration(event.eta_s)} left")
    return " · ".join(parts)
