"""Moving marked duplicates to the trash without ever losing the last copy of a photo.

The order of one cleanup, every step there to keep a photo from being lost or the wrong one moved:

1. plan.py decides from the scan and the marks what may go (never a keeper, a protected file, the last real file);
2. the cleanup lock is taken (lock.py): one cleanup or undo at a time;
3. for each file, checks.py looks at the disk afresh: the file is still what the scan saw, and each of its groups
   keeps a copy, unchanged and still alike to it by a fresh fingerprint (or digest);
4. the intent is journalled (actionlog.py), mover.py moves the file (the only code that does), the outcome is
   journalled. If the log cannot be written, nothing more is moved.

Files are never deleted: a file that cannot be trashed stays where it is and is reported.

move_files() is the same cleanup with another destination (`--move-duplicates-to DIR`, for servers without a
desktop trash): each file goes to DIR/<its path relative to its scanned folder> (destination.py), by
mover.FolderMover; the intent record names that path before the move, so a killed cleanup is undone like a trashed
one.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from dupfinder.core.cleanup import actionlog, checks, destination, lock, mover
from dupfinder.core.cleanup.plan import NotTrashed, Plan, plan_cleanup
from dupfinder.core.models import Group, ImageRecord, ScanResult
from dupfinder.core.options import HashKind
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanCancelled, ScanStage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrashedFile:
    """A file moved to the trash (or, in a dry run, that would be)."""

    image: int
    path: str
    size_bytes: int
    trash_path: str | None = None  # where it is inside the trash, when that can be known (freedesktop); in DIR


@dataclass(frozen=True, slots=True)
class TrashReport:
    """What a cleanup did. `refused`: safety rules kept the file; `failed`: the trash would not take it."""

    moved: tuple[TrashedFile, ...]
    refused: tuple[NotTrashed, ...]
    failed: tuple[NotTrashed, ...]
    bytes_moved: int  # each real file counted once
    dry_run: bool
    cancelled: bool = False  # stopped by the cancel token; the files not reached are in none of the lists
    session_id: str | None = None  # the action log session (None for a dry run)
    destination: str | None = None  # move_files' DIR (None: the trash)


def trash_files(
    result: ScanResult,
    groups: Sequence[Group],
    marks: Collection[int],
    *,
    max_distance_bits: int,
    dry_run: bool = False,
    log_path: str | os.PathLike | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> TrashReport:
    """Move the marked images to the trash, safely (see the module docstring for every step).

    max_distance_bits: the threshold `groups` were formed at; a fresh look must find each moved file within it of a
    copy that stays. dry_run: run the same checks, move nothing and write nothing to the action log; `moved` lists
    what would be moved. Cancelling stops between files and returns the report so far (with cancelled=True) rather
    than raising, so the caller always learns which files did move.
    """
    return _clean(result, groups, marks, None, max_distance_bits, dry_run, log_path, progress, cancel)


def move_files(
    result: ScanResult,
    groups: Sequence[Group],
    marks: Collection[int],
    *,
    destination_dir: str | os.PathLike,
    max_distance_bits: int,
    dry_run: bool = False,
    log_path: str | os.PathLike | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> TrashReport:
    """Move the marked images to `destination_dir`/<path relative to their scanned folder> instead of the trash,
    with every check and journal record of trash_files (the caller checks DIR first: destination_problem). A file on
    another device than DIR, or whose place in DIR is taken, stays where it is (in `failed`); a dry run predicts
    both. `moved[].trash_path` is the file's path in DIR; undo_last_cleanup moves them back."""
    folder = os.path.abspath(os.fspath(destination_dir))
    return _clean(result, groups, marks, folder, max_distance_bits, dry_run, log_path, progress, cancel)


def _clean(
    result: ScanResult,
    groups: Sequence[Group],
    marks: Collection[int],
    folder: str | None,
    max_distance_bits: int,
    dry_run: bool,
    log_path: str | os.PathLike | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> TrashReport:
    plan = plan_cleanup(result, groups, marks)
    fresh = checks.FreshLook(
        result.images, HashKind(result.hash_name), max_distance_bits, result.matched_turned, result.pairs.measured
    )
    survivors = checks.Survivors(result.images, plan.groups_of, plan.survivors, fresh)
    tally = _Tally(list(plan.refused), destination=folder)
    target = _Target(folder, result.roots) if folder is not None else None
    if dry_run:
        _execute(plan, result.images, survivors, tally, None, None, progress, cancel, target)
        return tally.report(result.images, dry_run=True)
    tally.session_id = actionlog.new_session_id()
    path = actionlog.resolve_log_path(log_path)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(lock.cleanup_lock(path.parent))
            writer = stack.enter_context(actionlog.ActionLogWriter(path))
        except OSError as exc:
            tally.not_attempted(plan.to_trash, result.images, exc)
            return tally.report(result.images, dry_run=False)
        moving: mover.Mover | mover.FolderMover
        try:
            moving = stack.enter_context(mover.Mover() if folder is None else mover.FolderMover(folder))
        except OSError as exc:  # DIR cannot be made or opened (or is a symlink): nothing is attempted
            reason = f"not attempted: {exc.strerror or exc}"
            tally.failed.extend(NotTrashed(i, result.images.path(i), reason) for i in plan.to_trash)
            return tally.report(result.images, dry_run=False)
        status = "error"
        started = {"destination": folder} if folder is not None else {}
        try:
            writer.append(
                actionlog.CLEANUP_STARTED,
                session=tally.session_id,
                v=actionlog.LOG_VERSION,
                files=len(plan.to_trash),
                **started,
            )
            _execute(plan, result.images, survivors, tally, writer, moving, progress, cancel, target)
            status = "cancelled" if tally.cancelled else "completed"
        except OSError as exc:  # the log cannot be written: stop before anything else moves
            done = {t.image for t in (*tally.moved, *tally.refused, *tally.failed)}
            tally.not_attempted([i for i in plan.to_trash if i not in done], result.images, exc)
        finally:
            try:
                writer.append(
                    actionlog.CLEANUP_FINISHED,
                    session=tally.session_id,
                    status=status,
                    moved=len(tally.moved),
                    failed=len(tally.failed),
                    refused=len(tally.refused),
                )
            except OSError as exc:
                log.warning("cannot record the end of cleanup %s: %s", tally.session_id, exc)
    return tally.report(result.images, dry_run=False)


@dataclass
class _Target:
    """Where a move_files cleanup puts each file: DIR/<path relative to the first scanned folder holding it>."""

    folder: str
    roots: tuple[str, ...]
    planned: set[str] = field(default_factory=set)  # dry run: the places already promised to another file

    def place(self, path: str) -> tuple[str, str, str] | str:
        """(root, relative path, path in DIR), or why the file has no place in DIR."""
        found = destination.place_under_roots(path, self.roots)
        if found is None:
            return "it is under none of the scanned folders, so it has no place in the destination folder"
        root, relative = found
        return root, relative, os.path.join(self.folder, relative)

    def dry_run_problem(self, record: ImageRecord, where: str) -> str | None:
        """What would keep the real run from moving the file there (another device, a file at its place)."""
        try:
            device = os.stat(destination.nearest_existing(self.folder)).st_dev
        except OSError as exc:
            return f"{self.folder} cannot be examined: {exc.strerror or exc}"
        if record.file.dev != device:
            return f"it is on another device than {self.folder}; files are renamed, never copied"
        if os.path.lexists(where) or where in self.planned:
            return f"{where} already exists; it is never replaced"
        self.planned.add(where)
        return None


@dataclass
class _Tally:
    """What a cleanup has done so far (mutable; frozen into a TrashReport at the end)."""

    refused: list[NotTrashed]
    moved: list[TrashedFile] = field(default_factory=list)
    failed: list[NotTrashed] = field(default_factory=list)
    cancelled: bool = False
    session_id: str | None = None
    destination: str | None = None

    def not_attempted(self, to_trash: Sequence[int], images: Sequence[ImageRecord], exc: OSError) -> None:
        reason = f"not attempted: the action log cannot be written ({exc.strerror or exc})"
        log.warning("cleanup stopped: %s", reason)
        self.failed.extend(NotTrashed(i, images.path(i), reason) for i in to_trash)

    def report(self, images: Sequence[ImageRecord], *, dry_run: bool) -> TrashReport:
        sizes = {images.files[t.image].identity: t.size_bytes for t in self.moved}  # each real file once
        return TrashReport(
            tuple(self.moved),
            tuple(self.refused),
            tuple(self.failed),
            sum(sizes.values()),
            dry_run,
            self.cancelled,
            self.session_id,
            self.destination,
        )


def _execute(
    plan: Plan,
    images: Sequence[ImageRecord],
    survivors: checks.Survivors,
    tally: _Tally,
    writer: actionlog.ActionLogWriter | None,
    moving: mover.Mover | mover.FolderMover | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    target: _Target | None = None,
) -> None:
    """Check and move each planned file in turn (writer None: a dry run). Raises OSError if the log fails."""
    meter = ProgressMeter(ScanStage.TRASHING, len(plan.to_trash), progress)
    for i in plan.to_trash:
        try:
            if cancel is not None:
                cancel.raise_if_cancelled()
        except ScanCancelled:
            tally.cancelled = True
            break
        record = images[i]
        reason = checks.changed_since_scan(record, survivors.fresh, i) or survivors.problem(i)
        place = target.place(record.path) if target is not None else None
        if reason is None and isinstance(place, str):
            reason = place
        if reason is not None:
            tally.refused.append(NotTrashed(i, record.path, reason))
        elif writer is None or moving is None:
            where = place[2] if isinstance(place, tuple) else None
            problem = target.dry_run_problem(record, where) if target is not None and where else None
            if problem is not None:
                tally.failed.append(NotTrashed(i, record.path, problem))
            else:
                tally.moved.append(TrashedFile(i, record.path, record.file.size_bytes, where))
        else:
            outcome = _move(
                writer, moving, tally.session_id or "", i, record, place if isinstance(place, tuple) else None
            )
            (tally.moved if isinstance(outcome, TrashedFile) else tally.failed).append(outcome)
        meter.advance(1, record.path)
    meter.finish()


def _move(
    writer: actionlog.ActionLogWriter,
    moving: mover.Mover | mover.FolderMover,
    session_id: str,
    image: int,
    record: ImageRecord,
    place: tuple[str, str, str] | None = None,
) -> TrashedFile | NotTrashed:
    """Journal the intent, have the mover trash the file (or move it to its place in DIR), journal the outcome.
    Raises OSError only if the log fails."""
    entry = record.file
    expected = (entry.dev, entry.ino, entry.size_bytes)
    into_folder = isinstance(moving, mover.FolderMover) and place is not None
    extra = {"root": place[0], "moved_to": place[2]} if into_folder and place else {}
    writer.append(
        actionlog.INTENT,
        session=session_id,
        image=image,
        path=entry.path,
        size_bytes=entry.size_bytes,
        mtime_ns=entry.mtime_ns,
        dev=entry.dev,
        ino=entry.ino,
        **extra,
    )
    try:
        if isinstance(moving, mover.FolderMover) and place is not None:
            where = moving.to_folder(entry.path, expected, place[1])
        else:
            where = moving.to_trash(entry.path, expected)  # type: ignore[union-attr]
    except OSError as exc:  # never fall back to deleting
        refused_by = "not moved" if into_folder else "the trash refused it"
        reason = f"{refused_by}: {exc.strerror or exc}"
        if not os.path.lexists(entry.path):
            reason += f" (and it is no longer in place: look in {place[2] if place else 'the trash'})"
        writer.append(actionlog.FAILED, session=session_id, path=entry.path, reason=reason)
        log.warning("could not move %s: %s", entry.path, reason)
        return NotTrashed(image, entry.path, reason)
    if into_folder:
        writer.append(actionlog.MOVED, session=session_id, path=entry.path, moved_to=where)
    else:
        writer.append(actionlog.TRASHED, session=session_id, path=entry.path, trash_file=where)
    return TrashedFile(image, entry.path, entry.size_bytes, where)
