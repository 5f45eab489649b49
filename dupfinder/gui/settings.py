"""What the window remembers between runs, in an ini file under paths.config_dir() (tests redirect it)."""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QSettings

from dupfinder.core import paths

log = logging.getLogger(__name__)


class AppSettings:
    """Typed access to the few remembered values; a broken value falls back to the default."""

    def __init__(self) -> None:
        folder = paths.config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(folder / "gui.ini"), QSettings.Format.IniFormat)

    def folders(self) -> list[tuple[str, bool]]:
        """Last chosen folders as (path, protected)."""
        raw = self._qs.value("scan/folders", "[]")
        try:
            items = json.loads(str(raw))
            return [(str(path), bool(protected)) for path, protected in items]
        except (ValueError, TypeError) as exc:
            log.warning("ignoring unreadable remembered folders: %s", exc)
            return []

    def set_folders(self, folders: list[tuple[str, bool]]) -> None:
        self._qs.setValue("scan/folders", json.dumps([[path, protected] for path, protected in folders]))

    def distance_bits(self) -> int | None:
        value = self._qs.value("review/distance_bits")
        try:
            return None if value is None else int(value)
        except (TypeError, ValueError):
            return None

    def set_distance_bits(self, value: int) -> None:
        self._qs.setValue("review/distance_bits", int(value))

    def sort_key(self) -> str:
        return str(self._qs.value("review/sort", "reclaimable"))

    def set_sort_key(self, key: str) -> None:
        self._qs.setValue("review/sort", key)

    def exclude_patterns(self) -> list[str]:
        """The user's exclusion patterns (core/exclusions.py), without the defaults."""
        try:
            return [str(p) for p in json.loads(str(self._qs.value("scan/exclude", "[]")))]
        except (ValueError, TypeError):
            return []

    def use_default_excludes(self) -> bool:
        return str(self._qs.value("scan/default_excludes", "true")).lower() == "true"

    def set_exclude_patterns(self, patterns: list[str], use_defaults: bool) -> None:
        self._qs.setValue("scan/exclude", json.dumps(list(patterns)))
        self._qs.setValue("scan/default_excludes", "true" if use_defaults else "false")

    def byte_array(self, key: str) -> QByteArray | None:
        value = self._qs.value(f"window/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_byte_array(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(f"window/{key}", value)

    def sync(self) -> None:
        self._qs.sync()

    def language(self) -> str:
        """'system' (the default: the system's language) or one of dupfinder.i18n.LANGUAGES."""
        return str(self._qs.value("view/language", "system"))

    def set_language(self, value: str) -> None:
        self._qs.setValue("view/language", value)
