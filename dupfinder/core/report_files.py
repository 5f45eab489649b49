"""Writing report files (JSON, CSV, path lists) without ever replacing a file that is not an earlier report.

A report path is checked before the scan (`check_report_path`): it may be new, in an existing folder, or an
existing regular file that is recognisably an earlier dupfinder report of the same kind. Anything else — a photo,
a symlink, a folder, another program's file — is refused. The report is then written to a temporary file in the
same folder and renamed over the target only if the target is still what was checked (still absent, or still the
same report), so a failed or interrupted write never leaves a half-written file and never clobbers a file that
appeared meanwhile or was scanned.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Collection
from dataclasses import dataclass

from dupfinder.core.report import CSV_COLUMNS

JSON, CSV, PATH_LIST = "json", "csv", "path list"
_LABELS = {JSON: "JSON report", CSV: "CSV report", PATH_LIST: "path list"}
_JSON_START = re.compile(rb'\A\{\s*"schema_version":\s*\d+,\s*"tool":\s*"dupfinder ')
_CSV_HEADER = ",".join(CSV_COLUMNS).encode()
_SNIFF_BYTES = 4096


class ReportPathRefused(OSError):
    """The report path would replace something that is not an earlier dupfinder report (or cannot be written)."""


@dataclass(frozen=True, slots=True)
class ReportTarget:
    """A checked report path: `identity` is the earlier report's (dev, ino), or None when the path was free."""

    path: str
    kind: str
    identity: tuple[int, int] | None


def check_report_path(path: str, kind: str) -> ReportTarget:
    """Accept a free path in an existing folder, or an earlier report of this kind; refuse anything else."""
    if not path:
        raise ReportPathRefused(f"the {_LABELS[kind]} file name is empty")
    path = os.path.abspath(os.path.expanduser(path))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            raise ReportPathRefused(f"{path}: the folder {folder} does not exist") from None
        return ReportTarget(path, kind, None)
    if stat.S_ISLNK(st.st_mode):
        raise ReportPathRefused(f"{path} is a symbolic link; give the path of the file itself")
    if not stat.S_ISREG(st.st_mode):
        raise ReportPathRefused(f"{path} exists and is not a regular file")
    if not _is_report(path, kind):
        raise ReportPathRefused(
            f"{path} exists and is not an earlier dupfinder {_LABELS[kind]}; it is left alone (choose another name)"
        )
    return ReportTarget(path, kind, (st.st_dev, st.st_ino))


def _is_report(path: str, kind: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError:
        return False
    if kind == JSON:
        return _JSON_START.match(head) is not None
    if kind == PATH_LIST:  # one absolute path per line: nothing else looks like that, a photo least of all
        lines = head.split(b"\n")[:-1] if len(head) == _SNIFF_BYTES else head.split(b"\n")
        return all(line.startswith(os.fsencode(os.sep)) or not line for line in lines)
    return head.split(b"\n", 1)[0].rstrip(b"\r") == _CSV_HEADER


def write_report(target: ReportTarget, text: str | bytes, scanned: Collection[tuple[int, int]] = ()) -> None:
    """Write `text` (str as UTF-8, or bytes) to the checked target, atomically.

    Raises ReportPathRefused (an OSError) when the target changed since it was checked or is one of the `scanned`
    files' identities, and OSError when writing fails; in both cases the target is untouched."""
    folder = os.path.dirname(target.path)
    fd, temp = tempfile.mkstemp(prefix=".dupfinder-report-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # an ordinary user file, like any other program's output
        _recheck(target, scanned)
        os.replace(temp, target.path)
    except BaseException:
        _remove_own_temp(temp)
        raise


def _recheck(target: ReportTarget, scanned: Collection[tuple[int, int]]) -> None:
    try:
        st = os.lstat(target.path)
    except FileNotFoundError:
        if target.identity is None:
            return
        raise ReportPathRefused(f"{target.path} disappeared while scanning; nothing was written there") from None
    identity = (st.st_dev, st.st_ino)
    if identity in scanned:
        raise ReportPathRefused(f"{target.path} is one of the scanned files; it is left alone")
    if identity != target.identity or not stat.S_ISREG(st.st_mode) or not _is_report(target.path, target.kind):
        raise ReportPathRefused(f"{target.path} appeared or changed while scanning; it is left alone")


def _remove_own_temp(temp: str) -> None:
    """Remove the temporary file this module created (never a user's file)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)
