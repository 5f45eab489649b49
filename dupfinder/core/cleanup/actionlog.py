"""The action log: an append-only JSON-lines journal of every cleanup and undo.

Each record is flushed and fsync'd before the next step, so that a cleanup killed at any moment
(even by kill -9) can be reconstructed: an "intent" record is written before a file is handed to
the trash and a "trashed" or "failed" record after. Reading tolerates a truncated last line, and
a writer never glues a new record onto such a torn line.
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

CLEANUP_STARTED = "cleanup-started"
INTENT = "intent"
TRASHED = "trashed"
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
    """Appends records to the log, each one durable (flush + fsync) before `append` returns."""

    def __init__(self, log_path: str | os.PathLike | None = None) -> None:
        self.path = resolve_log_path(log_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        self._file = open(self.path, "ab")  # noqa: SIM115 - held open for the whole session, closed in close()
        if self._file.tell() > 0 and not _ends_with_newline(self.path):
            self._file.write(b"\n")  # a previous writer was killed mid-line: start on a fresh line
        if created:
            _fsync_dir(self.path.parent)

    def append(self, event: str, **fields: object) -> None:
        record = {"event": event, "time": time.time(), **fields}
        self._file.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ActionLogWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


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
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
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
        if isinstance(record, dict) and isinstance(record.get("event"), str):
            records.append(record)
    return records


@dataclass(frozen=True, slots=True)
class LoggedFile:
    """One file a cleanup session intended to move, with what the log says happened to it."""

    path: str
    size_bytes: int
    mtime_ns: int
    dev: int
    ino: int
    intent_time: float
    outcome: str | None  # TRASHED, FAILED, or None when the session stopped before recording one
    outcome_time: float | None = None
    trash_file: str | None = None  # where the file went inside the trash, when it could be located
    reason: str = ""  # why it failed
    restored: bool = False  # an undo has put it back

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


def read_sessions(log_path: str | os.PathLike | None = None) -> list[Session]:
    """The cleanup sessions in the log, oldest first, with undo results folded in."""
    return sessions_from_records(read_records(log_path))


def sessions_from_records(records: Iterable[dict]) -> list[Session]:
    order: list[str] = []
    started: dict[str, float] = {}
    files: dict[str, dict[str, dict]] = {}
    finished: dict[str, str] = {}
    for record in records:
        event, sid = record.get("event"), record.get("session")
        if not isinstance(sid, str):
            continue
        if event == CLEANUP_STARTED:
            order.append(sid)
            started[sid] = float(record.get("time", 0.0))
            files[sid] = {}
        elif sid not in files:
            continue
        elif event == INTENT:
            files[sid][record["path"]] = {"intent": record}
        elif event in (TRASHED, FAILED) and record.get("path") in files[sid]:
            files[sid][record["path"]]["outcome"] = record
        elif event == RESTORED and record.get("path") in files[sid]:
            files[sid][record["path"]]["restored"] = True
        elif event == CLEANUP_FINISHED:
            finished[sid] = str(record.get("status", ""))
    return [
        Session(
            session_id=sid,
            started=started[sid],
            files=tuple(_logged_file(entry) for entry in files[sid].values()),
            finished=sid in finished,
            status=finished.get(sid, ""),
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
        reason=str(outcome.get("reason", "")) if outcome else "",
        restored=bool(entry.get("restored")),
    )
