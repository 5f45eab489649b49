"""Human-readable numbers shared by the CLI and the GUI (pure functions, no Qt)."""

from __future__ import annotations

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
