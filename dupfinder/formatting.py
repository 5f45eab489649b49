"""Human-readable text shared by the CLI and the GUI: sizes, counts, durations, progress lines (pure, no Qt)."""

from __future__ import annotations

import time

from dupfinder.core.progress import ProgressEvent, ScanStage

_UNITS = ("bytes", "KB", "MB", "GB", "TB")


def human_bytes(n: int) -> str:
    """Decimal units, as file managers show them: 3.1 MB, 940 KB, 12 bytes."""
    if n < 1000:
        return f"{n} byte" if n == 1 else f"{n} bytes"
    value = float(n)
    for unit in _UNITS[1:]:
        value /= 1000
        if value < 999.95 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def human_count(n: int) -> str:
    return f"{n:,}"


def human_duration(seconds: float) -> str:
    """0:07, 2:31, 1:02:03: a clock-style duration, rounded to whole seconds."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 photo', '1,204 photos'."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def similarity_text(similarity: float, identical: bool) -> str:
    if identical:
        return "identical bytes"
    return f"{similarity:.0f} % alike"


def difference_text(difference) -> str:
    """A matching.differences.Difference in one line: the label, then what confirmed it."""
    if difference is None:
        return ""
    if difference.evidence == "matched points":
        return (
            f"{difference.label} · {difference.matched_points} matched points over "
            f"{100 * difference.matched_share:.0f} %"
        )
    if difference.evidence == "pixels":
        return f"{difference.label} · pixels agree"
    return difference.label


def format_timestamp_ns(mtime_ns: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(mtime_ns / 1e9))


_UNIT_PER_STAGE = {
    ScanStage.DISCOVERING: "files",
    ScanStage.FINGERPRINTING: "photos",
    ScanStage.COMPARING: "files",
    ScanStage.CONFIRMING: "photos",
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
