"""Export of the groups as shown (current threshold, current marks) to the core's CSV or JSON report."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from dupfinder.core import report
from dupfinder.core.models import Group, ScanResult
from dupfinder.core.options import HashKind
from dupfinder.gui.threshold import exact_preset

FILTERS = {"csv": "CSV files (*.csv)", "json": "JSON files (*.json)"}


def ask_export_path(parent: QWidget, kind: str) -> str:
    """The file chosen in a save dialog, or '' when cancelled."""
    path, _ = QFileDialog.getSaveFileName(
        parent, f"Export results as {kind.upper()}", f"dupfinder.{kind}", FILTERS[kind]
    )
    return path


def write_export(
    path: str,
    kind: str,
    result: ScanResult,
    groups: list[Group],
    marked: frozenset[int],
    distance_bits: int,
    hash_kind: HashKind,
) -> None:
    """Writes 'csv' or 'json'; the JSON names the preset only when the slider sits exactly on one. Raises OSError."""
    if kind == "csv":
        report.write_csv(path, result, groups, marked)
        return
    preset = exact_preset(distance_bits, hash_kind)
    data = report.to_json_dict(
        result, groups, marked, threshold_bits=distance_bits, preset=preset.value if preset else None
    )
    report.write_json(path, data)
