"""Export of the groups as shown (current threshold, current marks) to the core's CSV or JSON report."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from dupfinder.core import report
from dupfinder.core.models import Group, ScanResult
from dupfinder.core.options import HashKind
from dupfinder.core.report_files import check_report_path, write_report
from dupfinder.gui.threshold import exact_preset
from dupfinder.gui.translation import Tr


class Export(Tr):
    """Translation context of the export dialog."""


def ask_export_path(parent: QWidget, kind: str) -> str:
    """The file chosen in a save dialog, or '' when cancelled."""
    path, _ = QFileDialog.getSaveFileName(
        parent,
        Export.tr("Export results as {kind}").format(kind=kind.upper()),
        f"dupfinder.{kind}",
        {"csv": Export.tr("CSV files (*.csv)"), "json": Export.tr("JSON files (*.json)")}[kind],
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
    """Writes 'csv' or 'json'; the JSON names the preset only when the slider sits exactly on one.

    Raises OSError, ReportPathRefused included: an existing file is replaced only if it is an earlier report."""
    target = check_report_path(path, kind)
    if kind == "csv":
        text = report.csv_text(result, groups, marked)
    else:
        preset = exact_preset(distance_bits, hash_kind)
        data = report.to_json_dict(
            result, groups, marked, threshold_bits=distance_bits, preset=preset.value if preset else None
        )
        text = report.json_text(data)
    write_report(target, text, result.images.files.identities())
