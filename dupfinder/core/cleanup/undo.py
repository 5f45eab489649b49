"""Finding trashed files again and putting them back: the freedesktop trash (Linux and other Unixes).

send2trash moves a file to `$XDG_DATA_HOME/Trash/files/NAME` after writing `Trash/info/NAME.trashinfo`
(Path= percent-encoded, absolute or relative to the trash's top directory; DeletionDate= local time).
Files on another device go to `$topdir/.Trash/$uid` or `$topdir/.Trash-$uid` on that device. Undo reads
those .trashinfo files, matches them to the action log, and renames the files back.

On macOS and Windows the trash cannot be restored from here; undo says what to do by hand.
"""

from __future__ import annotations

import enum
import errno
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote_to_bytes

from dupfinder.core import actionlog
from dupfinder.core.actionlog import LoggedFile, Session

log = logging.getLogger(__name__)

FREEDESKTOP = sys.platform not in ("darwin", "win32")
INFO_SUFFIX = ".trashinfo"


@dataclass(frozen=True, slots=True)
class TrashEntry:
    """A file in a freedesktop trash and what its .trashinfo says about it."""

    original_path: str  # absolute
    deleted_at: float | None  # DeletionDate as a POSIX timestamp
    files_path: str  # the file itself, inside Trash/files
    info_path: str  # its Trash/info/NAME.trashinfo


def home_trash() -> tuple[str, str]:
    """(trash folder, top directory) of the home trash, from the environment as it is now."""
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data_home, "Trash"), data_home


def mount_point(path: str) -> str:
    """The mount point holding `path` (or its nearest existing ancestor)."""
    current = os.path.realpath(path)
    while not os.path.ismount(current):
        current = os.path.dirname(current)
    return current


def trash_folders_for(path: str) -> list[tuple[str, str]]:
    """Every trash a file at `path` may have been moved to, as (trash folder, top directory) pairs."""
    folders = [home_trash()]
    topdir = mount_point(os.path.dirname(path))
    uid = os.getuid()
    for trash in (os.path.join(topdir, ".Trash", str(uid)), os.path.join(topdir, f".Trash-{uid}")):
        if os.path.isdir(trash) and trash not in (f for f, _ in folders):
            folders.append((trash, topdir))
    return folders


def read_trashinfo(info_path: str, topdir: str) -> TrashEntry | None:
    """Parse one .trashinfo; None when it is unreadable or has no Path."""
    try:
        with open(info_path, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    values = dict(line.split("=", 1) for line in lines if "=" in line)
    if "Path" not in values:
        return None
    original = os.fsdecode(unquote_to_bytes(values["Path"].strip()))
    original = os.path.normpath(os.path.join(topdir, original))  # join() keeps an absolute Path as is
    deleted_at = None
    try:
        deleted_at = datetime.strptime(values.get("DeletionDate", "").strip(), "%Y-%m-%dT%H:%M:%S").timestamp()
    except ValueError:
        log.debug("no usable DeletionDate in %s", info_path)
    trash = os.path.dirname(os.path.dirname(info_path))
    name = os.path.basename(info_path)[: -len(INFO_SUFFIX)]
    return TrashEntry(original, deleted_at, os.path.join(trash, "files", name), info_path)


def _entry_for_file(files_path: str, topdir: str) -> TrashEntry | None:
    trash, name = os.path.dirname(os.path.dirname(files_path)), os.path.basename(files_path)
    return read_trashinfo(os.path.join(trash, "info", name + INFO_SUFFIX), topdir)


def _send2trash_names(basename: str) -> Iterator[str]:
    """The names send2trash tries in order: NAME, then 'BASE 1.EXT', 'BASE 2.EXT', ..."""
    base, ext = os.path.splitext(basename)
    yield basename
    counter = 1
    while True:
        yield f"{base} {counter}{ext}"
        counter += 1


class TrashFinder:
    """Locates logged files in the trash. Tries send2trash's naming first (cheap), then reads every
    .trashinfo of the candidate trashes once (cached for the finder's lifetime)."""

    def __init__(self) -> None:
        self._indexes: dict[str, dict[str, list[TrashEntry]]] = {}

    def find(self, file: LoggedFile) -> TrashEntry | None:
        """The trash entry holding `file`: its .trashinfo Path must be the logged path, and the file must be
        the very inode that was moved (same dev, ino) or, after a copy across devices, have the logged size
        and mtime. Among several, the one deleted closest to the logged time wins."""
        if file.trash_file:
            trash_dir = os.path.dirname(os.path.dirname(file.trash_file))
            topdir = dict(trash_folders_for(file.path)).get(trash_dir)
            entry = _entry_for_file(file.trash_file, topdir) if topdir else None
            if entry is not None and _match(entry, file) is not None:
                return entry
        for trash, topdir in trash_folders_for(file.path):
            best = self._probe(trash, topdir, file)
            if best is None:
                best = _best(file, self._index(trash, topdir).get(os.path.abspath(file.path), []))
            if best is not None:
                return best
        return None

    def _probe(self, trash: str, topdir: str, file: LoggedFile) -> TrashEntry | None:
        files_dir, info_dir = os.path.join(trash, "files"), os.path.join(trash, "info")
        found = []
        for name in _send2trash_names(os.path.basename(file.path)):
            files_path = os.path.join(files_dir, name)
            if not os.path.lexists(files_path):
                if not os.path.lexists(os.path.join(info_dir, name + INFO_SUFFIX)):
                    break
                continue
            entry = _entry_for_file(files_path, topdir)
            if entry is not None and entry.original_path == os.path.abspath(file.path):
                found.append(entry)
        return _best(file, found)

    def _index(self, trash: str, topdir: str) -> dict[str, list[TrashEntry]]:
        if trash not in self._indexes:
            index: dict[str, list[TrashEntry]] = {}
            info_dir = os.path.join(trash, "info")
            try:
                names = os.listdir(info_dir)
            except OSError:
                names = []
            for name in names:
                if name.endswith(INFO_SUFFIX):
                    entry = read_trashinfo(os.path.join(info_dir, name), topdir)
                    if entry is not None:
                        index.setdefault(entry.original_path, []).append(entry)
            self._indexes[trash] = index
        return self._indexes[trash]


def _match(entry: TrashEntry, file: LoggedFile) -> int | None:
    """0 = the same inode, 1 = same size and mtime (a copy), None = not this file."""
    if entry.original_path != os.path.abspath(file.path):
        return None
    try:
        st = os.lstat(entry.files_path)
    except OSError:
        return None
    if (st.st_dev, st.st_ino) == file.identity and st.st_size == file.size_bytes:
        return 0
    if st.st_size == file.size_bytes and st.st_mtime_ns == file.mtime_ns:
        return 1
    return None


def _best(file: LoggedFile, entries: list[TrashEntry]) -> TrashEntry | None:
    logged = file.outcome_time or file.intent_time
    scored = [(_match(e, file), abs((e.deleted_at or 0.0) - logged), e.files_path, e) for e in entries]
    scored = [s for s in scored if s[0] is not None]
    return min(scored)[-1] if scored else None


def locate_trashed(file: LoggedFile) -> str | None:
    """Where a file just moved by send2trash ended up (its path inside Trash/files), or None."""
    if not FREEDESKTOP:
        return None
    entry = TrashFinder().find(file)
    return entry.files_path if entry else None


class FileState(enum.Enum):
    IN_PLACE = "in place"
    IN_TRASH = "in the trash"
    MISSING = "neither in place nor in the trash"
    UNKNOWN = "not in place; this system's trash cannot be inspected"


@dataclass(frozen=True, slots=True)
class FileLocation:
    path: str
    state: FileState
    logged_outcome: str | None  # what the log recorded: "trashed", "failed" or None (interrupted)
    trash_file: str | None = None


def _in_place(file: LoggedFile) -> bool:
    try:
        st = os.lstat(file.path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == file.identity


def classify_session(
    session_id: str | None = None, log_path: str | os.PathLike | None = None
) -> tuple[FileLocation, ...]:
    """Where every file a cleanup session meant to move is now, checked on disk (default: the last session).

    After a cleanup killed halfway, this tells, for each intent in the log, whether the file is still in place
    or in the trash — including files moved just before the kill, whose "trashed" record was never written.
    """
    sessions = actionlog.read_sessions(log_path)
    session = next((s for s in reversed(sessions) if session_id in (None, s.session_id)), None)
    if session is None:
        return ()
    finder = TrashFinder()
    locations = []
    for file in session.files:
        in_place = _in_place(file)
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


def undo_last_cleanup(log_path: str | os.PathLike | None = None) -> UndoReport:
    """Put the files of the last cleanup back where they were, from the freedesktop trash.

    Never overwrites: a file that has since appeared at an original path is reported and its twin stays in the
    trash. Missing parent folders are recreated. Each restored file is recorded in the action log, so running
    undo again restores only what is still in the trash (normally nothing).
    """
    sessions = actionlog.read_sessions(log_path)
    if not sessions:
        return UndoReport(None, (), (), "There is no cleanup to undo.")
    session = sessions[-1]
    if not FREEDESKTOP:
        return _manual_undo(session)
    finder = TrashFinder()
    pending = [f for f in session.files if not f.restored and f.outcome != actionlog.FAILED and not _in_place(f)]
    if not pending:
        return UndoReport(session.session_id, (), (), _nothing_message(session))
    restored, not_restored = [], []
    with actionlog.ActionLogWriter(log_path) as writer:
        writer.append(actionlog.UNDO_STARTED, session=session.session_id, files=len(pending))
        for file in pending:
            entry = finder.find(file)
            reason = "not found in the trash (emptied or restored already?)" if entry is None else _restore(entry)
            if reason is None:
                writer.append(actionlog.RESTORED, session=session.session_id, path=file.path)
                restored.append(file.path)
            else:
                log.warning("cannot restore %s: %s", file.path, reason)
                not_restored.append((file.path, reason))
        writer.append(
            actionlog.UNDO_FINISHED, session=session.session_id, restored=len(restored), failed=len(not_restored)
        )
    message = f"Restored {len(restored)} file{'s' if len(restored) != 1 else ''} from the trash."
    if not_restored:
        message += f" {len(not_restored)} could not be restored and stay in the trash."
    return UndoReport(session.session_id, tuple(restored), tuple(not_restored), message)


def _restore(entry: TrashEntry) -> str | None:
    """Rename the file back (same filesystem only, never over an existing file); None on success.

    The existence check and the rename are two steps: a file created at that path in between would be
    replaced. POSIX offers no portable rename-without-replace; the window is microseconds."""
    target = entry.original_path
    if os.path.lexists(target):
        return "a file now exists at the original path; the trashed copy was left in the trash"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.rename(entry.files_path, target)
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            return "the trash is on another drive; restore it with the file manager"
        return f"cannot move it back: {exc.strerror or exc}"
    try:
        os.remove(entry.info_path)  # trash metadata, not a user file: the spec requires removing it on restore
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("restored %s but could not remove %s: %s", target, entry.info_path, exc)
    return None


def _nothing_message(session: Session) -> str:
    if any(f.restored for f in session.files):
        return "Nothing to undo: the last cleanup has already been undone."
    return "Nothing to undo: the last cleanup moved no files to the trash."


def _manual_undo(session: Session) -> UndoReport:
    files = [f.path for f in session.files if f.outcome == actionlog.TRASHED]
    if not files:
        return UndoReport(session.session_id, (), (), _nothing_message(session), supported=False)
    where, how = ("Trash", "Put Back") if sys.platform == "darwin" else ("Recycle Bin", "Restore")
    listing = "\n".join(files)
    message = f"Open the {where} and use {how} on these files:\n{listing}"
    return UndoReport(session.session_id, (), tuple((p, "restore by hand") for p in files), message, supported=False)
