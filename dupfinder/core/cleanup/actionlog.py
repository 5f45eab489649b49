"""The action log: an append-only JSON-lines journal of every cleanup and undo.

Each record is written and fsync'd before the next step, so that a cleanup killed at any moment
(even by kill -9) can be reconstructed: an "intent" record is written before a file is handed to
the trash (or, with `--move-duplicates-to DIR`, before it is moved into DIR: the intent names its path there) and a
"trashed", "moved" or "failed" record after. Reading tolerates a truncated last line, and
a writer never glues a new record onto such a torn line. A line that is valid JSON but lacks a field
or has one of the wrong type (a bug, a hand edit, another tool) is skipped with a warning, never a crash.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dupfinder.core import paths

log = logging.getLogger(__name__)

LOG_VERSION = 1
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation

CLEANUP_STARTED = "cleanup-started"
INTENT = "intent"
TRASHED = "trashed"
MOVED = "moved"  # moved into the folder of `--move-duplicates-to` (its cleanup-started record names it)
FAILED = "failed"
CLEANUP_FINISHED = "cleanup-finished"
UNDO_STARTED = "undo-started"
RESTORED = "restored"
UNDO_FINISHED = "undo-finished"


def resolve_log_path(log_path: str | os.PathLike | None) -> Path:
    return Path(log_path) if log_path is not None else paths.action_log_path()


def new_session_id() -> str:
    return uuid.uuid4().hex


class ActionLogWriter:
    """Appends records to the log, each one durable (written + fsync) before `append` returns.

    The log lists private paths: its folder is made 0700, the file 0600, and it is opened without following a
    symlink and used only if it is this user's regular file (paths.open_own_file), so it can never be a way to write
    somewhere else. Writes go straight to the descriptor (no buffer), so a full disk fails the append that hit it
    and nothing is left to fail later."""

    def __init__(self, log_path: str | os.PathLike | None = None) -> None:
        self.path = resolve_log_path(log_path)
        paths.ensure_private_dir(self.path.parent)
        self._fd = paths.open_own_file(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _BINARY)
        try:
            size = os.fstat(self._fd).st_size
            if size > 0 and not _ends_with_newline(self.path, size):
                self._write(b"\n")  # a previous writer was killed mid-line: start on a fresh line
            if size == 0:
                _fsync_dir(self.path.parent)
        except BaseException:
            os.close(self._fd)
            raise

    def append(self, event: str, **fields: object) -> None:
        record = {"event": event, "time": time.time(), **fields}
        # ensure_ascii: names that are not valid UTF-8 (surrogate-escaped str) round-trip as \udcXX escapes.
        self._write(json.dumps(record, ensure_ascii=True).encode("ascii") + b"\n")
        os.fsync(self._fd)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> ActionLogWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _ends_with_newline(path: Path, size: int) -> bool:
    fd = paths.open_own_file(path, os.O_RDONLY | _BINARY)
    try:
        os.lseek(fd, size - 1, os.SEEK_SET)
        return os.read(fd, 1) == b"\n"
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a newly created log file's directory entry durable too (POSIX only)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        log.debug("cannot fsync folder %s", folder)
    finally:
        os.close(fd)


def read_records(log_path: str | os.PathLike | None = None) -> list[dict]:
    """All well-formed records, in order. A torn or garbled line is skipped (a torn last line is expected
    after a crash; a garbled line elsewhere is logged as a warning)."""
    path = resolve_log_path(log_path)
    try:
        fd = paths.open_own_file(path, os.O_RDONLY | _BINARY)
    except FileNotFoundError:
        return []
    with os.fdopen(fd, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\n")
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            if number != len(lines):  # only the last line (no newline after it) may legitimately be torn
                log.warning("action log %s: line %d is unreadable and was skipped", path, number)
            continue
        problem = record_problem(record)
        if problem is None:
            records.append(record)
        else:
            log.warning("action log %s: line %d was skipped (%s)", path, number, problem)
    return records


_NUMBER = (int, float)
_TEXT = (str,)
_OPTIONAL_TEXT = (str, type(None))
_COMMON = {"event": _TEXT, "session": _TEXT}
# The fields each event must have, with their types; unknown events are kept (a newer version may write them).
_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    INTENT: {"path": _TEXT, "size_bytes": (int,), "mtime_ns": (int,), "dev": (int,), "ino": (int,)},
    TRASHED: {"path": _TEXT},
    MOVED: {"path": _TEXT, "moved_to": _TEXT},
    FAILED: {"path": _TEXT},
    RESTORED: {"path": _TEXT},
}
_OPTIONAL: dict[str, tuple[type, ...]] = {
    "time": _NUMBER,
    "trash_file": _OPTIONAL_TEXT,
    "reason": _TEXT,
    "status": _TEXT,
    "moved_to": _TEXT,  # intent and moved records of a move-to cleanup: the file's path in DIR
    "root": _TEXT,  # intent of a move-to cleanup: the scanned folder its path in DIR is relative to
    "destination": _TEXT,  # cleanup-started of a move-to cleanup: DIR
}


def record_problem(record: object) -> str | None:
    """Why a parsed line is not a usable record (a field missing or of the wrong type), or None."""
    if not isinstance(record, dict):
        return "not a JSON object"
    fields = {**_COMMON, **_FIELDS.get(record.get("event"), {})}  # type: ignore[arg-type]
    for name, types in fields.items():
        value = record.get(name)
        if name not in record or isinstance(value, bool) or not isinstance(value, types):
            return f"{name!r} missing or not a {types[0].__name__}"
    for name, types in _OPTIONAL.items():
        if name in record and not isinstance(record[name], types):
            return f"{name!r} is not a {types[0].__name__}"
    return None


@dataclass(frozen=True, slots=True)
class LoggedFile:
    """One file a cleanup session intended to move, with what the log says happened to it."""

    path: str
    size_bytes: int
    mtime_ns: int
    dev: int
    ino: int
    intent_time: float
    outcome: str | None  # TRASHED, MOVED, FAILED, or None when the session stopped before recording one
    outcome_time: float | None = None
    trash_file: str | None = None  # where the file went inside the trash, when it could be located
    reason: str = ""  # why it failed
    restored: bool = False  # an undo has put it back
    moved_to: str | None = None  # a move-to cleanup: where in DIR the file goes (logged with the intent)

    @property
    def identity(self) -> tuple[int, int]:
        return (self.dev, self.ino)


@dataclass(frozen=True, slots=True)
class Session:
    """One cleanup as recorded in the log."""

    session_id: str
    started: float
    files: tuple[LoggedFile, ...]
    finished: bool  # a "cleanup-finished" record exists (False after a crash or kill)
    status: str = ""  # "completed", "cancelled" or "error", when finished
    destination: str | None = None  # a move-to cleanup's DIR (None: a cleanup to the trash)


def read_sessions(log_path: str | os.PathLike | None = None) -> list[Session]:
    """The cleanup sessions in the log, oldest first, with undo results folded in."""
    return sessions_from_records(read_records(log_path))


def sessions_from_records(records: Iterable[dict]) -> list[Session]:
    order: list[str] = []
    started: dict[str, float] = {}
    files: dict[str, dict[str, dict]] = {}
    finished: dict[str, str] = {}
    destination: dict[str, str] = {}
    for record in records:
        event, sid = record["event"], record["session"]
        if event == CLEANUP_STARTED:
            if sid in files:
                continue  # a session id is started once; a repeat is not a new cleanup
            order.append(sid)
            started[sid] = float(record.get("time", 0.0))
            files[sid] = {}
            if isinstance(record.get("destination"), str):
                destination[sid] = record["destination"]
        elif sid not in files:
            continue
        elif event == INTENT:
            files[sid][record["path"]] = {"intent": record}
        elif event in (TRASHED, MOVED, FAILED) and record.get("path") in files[sid]:
            files[sid][record["path"]]["outcome"] = record
        elif event == RESTORED and record.get("path") in files[sid]:
            files[sid][record["path"]]["restored"] = True
        elif event == CLEANUP_FINISHED:
            finished[sid] = record.get("status", "")
    return [
        Session(
            session_id=sid,
            started=started[sid],
            files=tuple(_logged_file(entry) for entry in files[sid].values()),
            finished=sid in finished,
            status=finished.get(sid, ""),
            destination=destination.get(sid),
        )
        for sid in order
    ]


def _logged_file(entry: dict) -> LoggedFile:
    intent, outcome = entry["intent"], entry.get("outcome")
    return LoggedFile(
        path=intent["path"],
        size_bytes=int(intent["size_bytes"]),
        mtime_ns=int(intent["mtime_ns"]),
        dev=int(intent["dev"]),
        ino=int(intent["ino"]),
        intent_time=float(intent.get("time", 0.0)),
        outcome=outcome["event"] if outcome else None,
        outcome_time=float(outcome["time"]) if outcome and "time" in outcome else None,
        trash_file=outcome.get("trash_file") if outcome else None,
        reason=outcome.get("reason", "") if outcome else "",
        restored=bool(entry.get("restored")),
        moved_to=intent.get("moved_to"),
    )
