"""Finding trashed files again and putting them back: the freedesktop trash (Linux and other Unixes).

A file dupfinder trashed is found from the trash path the action log recorded; one whose "trashed" record was never
written (a cleanup killed at that moment), or trashed by an older version through send2trash, is found by reading the
.trashinfo files of the trashes it may be in, once per run. Either way the trash file must be the very inode that
was moved (device, inode and size), so a name can never make undo restore another file.

Undo restores the last cleanup that moved files and is not fully undone yet (a later cleanup that moved nothing
does not hide it), under the cleanup lock, journalling each restore; if the log cannot be written it restores
nothing more and says why. The moves themselves are mover.restore's: never over a file, never through a symlink.

A cleanup made with `--move-duplicates-to DIR` is undone the same way, from DIR: each file is looked for at the path
in DIR its intent record names (so also after a kill before the "moved" record), must be the very inode that was
moved, and goes back by mover.restore_from_folder (never over a file, never through a symlink, on every system).

On macOS and Windows the trash cannot be restored from here; undo says what to do by hand.
"""

from __future__ import annotations

import enum
import logging
import os
import sys
from dataclasses import dataclass

from dupfinder.core.cleanup import actionlog, freedesktop, lock, mover
from dupfinder.core.cleanup.actionlog import LoggedFile, Session
from dupfinder.core.cleanup.freedesktop import TrashEntry

log = logging.getLogger(__name__)

FREEDESKTOP = mover.FREEDESKTOP


class TrashFinder:
    """Locates logged files in the trash: the recorded trash path first, then an index of every entry of the
    candidate trashes by (dev, ino) and by original path, built once per trash for the finder's lifetime."""

    def __init__(self) -> None:
        self._indexes: dict[str, tuple[dict[tuple[int, int], list[TrashEntry]], dict[str, list[TrashEntry]]]] = {}

    def find(self, file: LoggedFile) -> TrashEntry | None:
        """The trash entry holding `file`: the very inode that was moved (same dev, ino and size) or, after a copy
        across devices by an older version, an entry for the logged path with the logged size and mtime. Among
        several, the one deleted closest to the logged time wins."""
        folders = freedesktop.trash_folders_for(file.path)
        if file.trash_file:
            trash_dir = os.path.dirname(os.path.dirname(file.trash_file))
            topdir = dict(folders).get(trash_dir)
            name = os.path.basename(file.trash_file)
            entry = freedesktop.read_trashinfo(os.path.join(trash_dir, "info", name + freedesktop.INFO_SUFFIX), topdir)
            if topdir is not None and entry is not None and _match(entry, file) == 0:
                return entry
        for trash, topdir in folders:
            by_identity, by_path = self._index(trash, topdir)
            candidates = by_identity.get(file.identity, []) + by_path.get(os.path.abspath(file.path), [])
            best = _best(file, candidates)
            if best is not None:
                return best
        return None

    def _index(self, trash: str, topdir: str):
        if trash not in self._indexes:
            by_identity: dict[tuple[int, int], list[TrashEntry]] = {}
            by_path: dict[str, list[TrashEntry]] = {}
            for entry in freedesktop.entries_in(trash, topdir):
                by_path.setdefault(entry.original_path, []).append(entry)
                try:
                    st = os.lstat(entry.files_path)
                except OSError:
                    continue
                by_identity.setdefault((st.st_dev, st.st_ino), []).append(entry)
            self._indexes[trash] = (by_identity, by_path)
        return self._indexes[trash]


def _match(entry: TrashEntry, file: LoggedFile) -> int | None:
    """0 = the same inode, 1 = the logged path with the same size and mtime (a copy), None = not this file."""
    try:
        st = os.lstat(entry.files_path)
    except OSError:
        return None
    if (st.st_dev, st.st_ino) == file.identity and st.st_size == file.size_bytes:
        return 0
    if entry.original_path == os.path.abspath(file.path) and (st.st_size, st.st_mtime_ns) == (
        file.size_bytes,
        file.mtime_ns,
    ):
        return 1
    return None


def _best(file: LoggedFile, entries: list[TrashEntry]) -> TrashEntry | None:
    logged = file.outcome_time or file.intent_time
    scored = [(_match(e, file), abs((e.deleted_at or 0.0) - logged), e.files_path, e) for e in entries]
    scored = [s for s in scored if s[0] is not None]
    return min(scored)[-1] if scored else None


class FileState(enum.Enum):
    IN_PLACE = "in place"
    IN_TRASH = "in the trash"
    IN_FOLDER = "in the destination folder"  # a move-to cleanup's DIR (FileLocation.moved_to says where)
    MISSING = "neither in place nor in the trash"
    UNKNOWN = "not in place; this system's trash cannot be inspected"


@dataclass(frozen=True, slots=True)
class FileLocation:
    path: str
    state: FileState
    logged_outcome: str | None  # what the log recorded: "trashed", "failed" or None (interrupted)
    trash_file: str | None = None
    moved_to: str | None = None  # a move-to cleanup: the file's path in DIR, when it is there


def _in_folder(file: LoggedFile) -> bool:
    """The file is at its logged place in DIR: that very inode (device, inode, size), not followed through a link."""
    if file.moved_to is None:
        return False
    try:
        st = os.lstat(file.moved_to)
    except OSError:
        return False
    return (st.st_dev, st.st_ino, st.st_size) == (file.dev, file.ino, file.size_bytes)


def _in_place(file: LoggedFile) -> bool:
    try:
        st = os.lstat(file.path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == file.identity


def _pending(session: Session) -> list[LoggedFile]:
    """The files of a session that may still be in the trash: not restored, not failed, not back in place."""
    return [f for f in session.files if not f.restored and f.outcome != actionlog.FAILED and not _in_place(f)]


def classify_session(
    session_id: str | None = None, log_path: str | os.PathLike | None = None
) -> tuple[FileLocation, ...]:
    """Where every file a cleanup session meant to move is now, checked on disk (default: the last session that
    meant to move any file).

    After a cleanup killed halfway, this tells, for each intent in the log, whether the file is still in place
    or in the trash — including files moved just before the kill, whose "trashed" record was never written.
    """
    sessions = actionlog.read_sessions(log_path)
    wanted = [s for s in sessions if (s.files if session_id is None else s.session_id == session_id)]
    if not wanted:
        return ()
    finder = TrashFinder()
    locations = []
    for file in wanted[-1].files:
        in_place = _in_place(file)
        if wanted[-1].destination is not None:
            in_folder = not in_place and _in_folder(file)
            state = FileState.IN_PLACE if in_place else FileState.IN_FOLDER if in_folder else FileState.MISSING
            locations.append(
                FileLocation(file.path, state, file.outcome, moved_to=file.moved_to if in_folder else None)
            )
            continue
        entry = finder.find(file) if FREEDESKTOP and not in_place else None
        if in_place:
            state = FileState.IN_PLACE
        elif entry is not None:
            state = FileState.IN_TRASH
        else:
            state = FileState.MISSING if FREEDESKTOP else FileState.UNKNOWN
        locations.append(FileLocation(file.path, state, file.outcome, entry.files_path if entry else None))
    return tuple(locations)


@dataclass(frozen=True, slots=True)
class UndoReport:
    session_id: str | None  # the cleanup that was undone (None when there was none)
    restored: tuple[str, ...]
    not_restored: tuple[tuple[str, str], ...]  # (path, one-line reason), left in the trash
    message: str
    supported: bool = True  # False on systems whose trash cannot be restored from here
    log_problem: str = ""  # why undo stopped early: the action log could not be read or written


def undo_last_cleanup(log_path: str | os.PathLike | None = None) -> UndoReport:
    """Put the files of the last cleanup not yet undone back where they were, from the freedesktop trash.

    Never overwrites: a file that has since appeared at an original path is reported and its twin stays in the
    trash. Missing parent folders are recreated; a symlink on the way is never followed. Each restored file is
    recorded in the action log, so running undo again restores only what is still in the trash.
    """
    path = actionlog.resolve_log_path(log_path)
    try:
        with lock.cleanup_lock(path.parent):
            return _undo(path)
    except OSError as exc:
        return UndoReport(None, (), (), f"Nothing was restored: {_log_trouble(exc)}.", log_problem=_log_trouble(exc))


def _log_trouble(exc: OSError) -> str:
    return f"the action log cannot be used ({exc.strerror or exc})"


def _undo(log_path: os.PathLike) -> UndoReport:
    sessions = [s for s in actionlog.read_sessions(log_path) if s.files]
    if not sessions:
        return UndoReport(None, (), (), "There is no cleanup to undo.")
    if not FREEDESKTOP and sessions[-1].destination is None:
        return _manual_undo(sessions[-1])
    session, pending = next(((s, p) for s in reversed(sessions) if (p := _pending(s))), (sessions[-1], []))
    if not pending:
        return UndoReport(session.session_id, (), (), _nothing_message(session))
    where = f"{session.destination}" if session.destination is not None else "the trash"
    finder = TrashFinder()
    restored: list[str] = []
    not_restored: list[tuple[str, str]] = []
    stopped = ""
    with actionlog.ActionLogWriter(log_path) as writer:
        writer.append(actionlog.UNDO_STARTED, session=session.session_id, files=len(pending))
        for file in pending:
            if session.destination is not None:
                reason = _restore_moved(file, where)
            else:
                entry = finder.find(file)
                reason = "not found in the trash (emptied or restored already?)" if entry is None else _restore(entry)
            if reason is not None:
                log.warning("cannot restore %s: %s", file.path, reason)
                not_restored.append((file.path, reason))
                continue
            restored.append(file.path)
            try:
                writer.append(actionlog.RESTORED, session=session.session_id, path=file.path)
            except OSError as exc:  # the file is back in place (undo sees that next time); restore nothing more
                stopped = _log_trouble(exc)
                break
        try:
            writer.append(
                actionlog.UNDO_FINISHED, session=session.session_id, restored=len(restored), failed=len(not_restored)
            )
        except OSError as exc:
            log.warning("cannot record the end of undo %s: %s", session.session_id, exc)
    message = f"Restored {len(restored)} file{'s' if len(restored) != 1 else ''} from {where}."
    if not_restored:
        message += f" {len(not_restored)} could not be restored and stay in {where}."
    if stopped:
        message += f" Stopped: {stopped}."
    return UndoReport(session.session_id, tuple(restored), tuple(not_restored), message, log_problem=stopped)


def _restore(entry: TrashEntry) -> str | None:
    """Move one file back; None on success, else the reason it stays in the trash. The finder matched the entry to
    the logged file (normally by inode; an older version's copy across devices, by path, size and mtime); the
    mover checks that identity again just before the rename."""
    try:
        st = os.lstat(entry.files_path)
        mover.restore(entry.files_path, entry.info_path, entry.original_path, (st.st_dev, st.st_ino))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _restore_moved(file: LoggedFile, where: str) -> str | None:
    """Move one file back from DIR; None on success, else the reason it stays there."""
    if file.moved_to is None:
        return "the action log does not say where in the destination folder it went"
    try:
        mover.restore_from_folder(file.moved_to, file.path, (file.dev, file.ino, file.size_bytes), where)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _nothing_message(session: Session) -> str:
    if any(f.restored for f in session.files):
        return "Nothing to undo: the last cleanup has already been undone."
    if session.destination is not None:
        return f"Nothing to undo: the last cleanup moved no files to {session.destination}."
    return "Nothing to undo: the last cleanup moved no files to the trash."


def _manual_undo(session: Session) -> UndoReport:
    files = [f.path for f in session.files if f.outcome == actionlog.TRASHED]
    if not files:
        return UndoReport(session.session_id, (), (), _nothing_message(session), supported=False)
    where, how = ("Trash", "Put Back") if sys.platform == "darwin" else ("Recycle Bin", "Restore")
    listing = "\n".join(files)
    message = f"Open the {where} and use {how} on these files:\n{listing}"
    return UndoReport(session.session_id, (), tuple((p, "restore by hand") for p in files), message, supported=False)
