"""Moving marked duplicates to the system trash without ever losing the last copy of a photo.

Files only ever go to the trash through send2trash; a file that cannot be trashed stays where it is and
is reported — there is no fallback to deleting. Whatever the marks say, a group's keeper, a protected file,
and the last real file of a group stay. Before each move the file must still be exactly what the scan saw:

* `lstat` must find a regular file (not a symlink) with the scanned (dev, ino): a file moved, deleted, or
  replaced by saving a new file over it (editors write a new inode and rename) is refused;
* the size and mtime_ns must match: an in-place edit normally changes both;
* when the scan computed a content digest (files sharing their size with another file, i.e. every
  byte-identical candidate), the file is re-hashed: this catches an in-place rewrite whose mtime was put
  back (same size, same inode). Without a digest such a rewrite goes unnoticed: the scan kept no ctime.

And at least one other member of each of the file's groups must still be in place with its scanned
identity, size and mtime, or nothing more of that group is trashed.

Every move is journalled in the action log (see actionlog.py) before and after it happens.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from send2trash import send2trash

from dupfinder.core import actionlog
from dupfinder.core.actionlog import LoggedFile
from dupfinder.core.fingerprint import content_digest
from dupfinder.core.models import Group, ImageRecord, ScanResult
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanCancelled, ScanStage
from dupfinder.core.undo import locate_trashed

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrashedFile:
    """A file moved to the trash (or, in a dry run, that would be)."""

    image: int
    path: str
    size_bytes: int
    trash_path: str | None = None  # where it is inside the trash, when that can be known (freedesktop)


@dataclass(frozen=True, slots=True)
class NotTrashed:
    """A marked file left in place, with a one-line reason."""

    image: int
    path: str
    reason: str


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


@dataclass(frozen=True, slots=True)
class _Plan:
    to_trash: tuple[int, ...]
    refused: tuple[NotTrashed, ...]
    groups_of: dict[int, tuple[int, ...]]  # image -> indices of the groups it belongs to
    survivors: dict[int, tuple[int, ...]]  # group index -> images that stay (keeper first)


def trash_files(
    result: ScanResult,
    groups: Sequence[Group],
    marks: Collection[int],
    *,
    dry_run: bool = False,
    log_path: str | os.PathLike | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> TrashReport:
    """Move the marked images to the system trash, safely (see the module docstring for every check).

    dry_run: run the same checks, move nothing and write nothing to the action log; `moved` lists what would
    be moved. Cancelling stops between files and returns the report so far (with cancelled=True) rather than
    raising, so the caller always learns which files did move.
    """
    plan = _plan(result, groups, marks)
    tally = _Tally(list(plan.refused))
    if dry_run:
        _execute(plan, result.images, tally, None, progress, cancel)
        return tally.report(result.images, dry_run=True)
    tally.session_id = actionlog.new_session_id()
    try:
        writer = actionlog.ActionLogWriter(log_path)
    except OSError as exc:
        tally.not_attempted(plan.to_trash, result.images, exc)
        return tally.report(result.images, dry_run=False)
    with writer:
        status = "error"
        try:
            writer.append(
                actionlog.CLEANUP_STARTED, session=tally.session_id, v=actionlog.LOG_VERSION, files=len(plan.to_trash)
            )
            _execute(plan, result.images, tally, writer, progress, cancel)
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
class _Tally:
    """What a cleanup has done so far (mutable; frozen into a TrashReport at the end)."""

    refused: list[NotTrashed]
    moved: list[TrashedFile] = field(default_factory=list)
    failed: list[NotTrashed] = field(default_factory=list)
    cancelled: bool = False
    session_id: str | None = None

    def not_attempted(self, to_trash: Sequence[int], images: Sequence[ImageRecord], exc: OSError) -> None:
        reason = f"not attempted: the action log cannot be written ({exc.strerror or exc})"
        self.failed.extend(NotTrashed(i, images[i].path, reason) for i in to_trash)

    def report(self, images: Sequence[ImageRecord], *, dry_run: bool) -> TrashReport:
        sizes = {images[t.image].file.identity: t.size_bytes for t in self.moved}  # each real file once
        return TrashReport(
            tuple(self.moved),
            tuple(self.refused),
            tuple(self.failed),
            sum(sizes.values()),
            dry_run,
            self.cancelled,
            self.session_id,
        )


def _execute(
    plan: _Plan,
    images: Sequence[ImageRecord],
    tally: _Tally,
    writer: actionlog.ActionLogWriter | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
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
        reason = _survivor_problem(plan, images, i) or _changed_since_scan(record)
        if reason is not None:
            tally.refused.append(NotTrashed(i, record.path, reason))
        elif writer is None:
            tally.moved.append(TrashedFile(i, record.path, record.file.size_bytes))
        else:
            outcome = _move(writer, tally.session_id or "", i, record)
            (tally.moved if isinstance(outcome, TrashedFile) else tally.failed).append(outcome)
        meter.advance(1, record.path)
    meter.finish()


def _move(
    writer: actionlog.ActionLogWriter, session_id: str, image: int, record: ImageRecord
) -> TrashedFile | NotTrashed:
    """Journal the intent, hand the file to send2trash, journal the outcome. Raises OSError only if the log fails."""
    entry = record.file
    writer.append(
        actionlog.INTENT,
        session=session_id,
        image=image,
        path=entry.path,
        size_bytes=entry.size_bytes,
        mtime_ns=entry.mtime_ns,
        dev=entry.dev,
        ino=entry.ino,
    )
    try:
        send2trash(entry.path)
    except OSError as exc:  # TrashPermissionError included; never fall back to deleting
        reason = f"the trash refused it: {exc.strerror or exc}"
        if not os.path.lexists(entry.path):
            reason += " (and it is no longer in place: look in the trash)"
        writer.append(actionlog.FAILED, session=session_id, path=entry.path, reason=reason)
        log.warning("could not trash %s: %s", entry.path, reason)
        return NotTrashed(image, entry.path, reason)
    logged = LoggedFile(
        entry.path, entry.size_bytes, entry.mtime_ns, entry.dev, entry.ino, time.time(), actionlog.TRASHED
    )
    trash_path = locate_trashed(logged)
    writer.append(actionlog.TRASHED, session=session_id, path=entry.path, trash_file=trash_path)
    return TrashedFile(image, entry.path, entry.size_bytes, trash_path)


def _plan(result: ScanResult, groups: Sequence[Group], marks: Collection[int]) -> _Plan:
    """Decide, from the scan alone, which marked images may go; the rest are refused with a reason."""
    images = result.images
    groups_of: dict[int, list[int]] = {}
    for g, group in enumerate(groups):
        for image in (*group.images, group.keeper):
            if g not in groups_of.setdefault(image, []):
                groups_of[image].append(g)
    keepers = {group.keeper for group in groups}
    protected_roots = [os.path.realpath(root) for root in result.protected_roots]
    order = {image: n for n, image in enumerate(groups_of)}  # group order, then member order
    refused: list[NotTrashed] = []
    candidates: list[int] = []
    for i in sorted(set(marks), key=lambda i: (order.get(i, len(order)), i)):
        if not 0 <= i < len(images):
            refused.append(NotTrashed(i, "", f"image {i} is not part of this scan"))
            continue
        reason = None
        if i not in groups_of:
            reason = "not in any duplicate group"
        elif i in keepers:
            reason = "it is the copy kept for its group"
        elif images[i].file.protected or _under_any(images[i].path, protected_roots):
            reason = "it is in a protected folder"
        if reason:
            refused.append(NotTrashed(i, images[i].path, reason))
        else:
            candidates.append(i)
    chosen = set(candidates)
    survivors = {
        g: tuple(dict.fromkeys(m for m in (group.keeper, *group.images) if m not in chosen))
        for g, group in enumerate(groups)
    }
    kept_identity = {images[s].file.identity: images[s].path for kept in survivors.values() for s in kept}
    to_trash: list[int] = []
    first_entry: dict[tuple[tuple[int, int], str], str] = {}
    for i in candidates:
        entry = images[i].file
        if entry.identity in kept_identity:
            reason = f"it is the same file as the kept copy {kept_identity[entry.identity]}"
            refused.append(NotTrashed(i, entry.path, reason))
            continue
        # Two paths to one directory entry (through a symlinked folder) are one file: move it once.
        # Two hard links are two entries: both go, and the data goes with the last one.
        key = (entry.identity, os.path.realpath(entry.path))
        if key in first_entry:
            refused.append(NotTrashed(i, entry.path, f"it is the same file as {first_entry[key]}, moved once"))
            continue
        first_entry[key] = entry.path
        to_trash.append(i)
    return _Plan(tuple(to_trash), tuple(refused), {k: tuple(v) for k, v in groups_of.items()}, survivors)


def _under_any(path: str, roots: list[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _survivor_problem(plan: _Plan, images: Sequence[ImageRecord], image: int) -> str | None:
    """A reason to keep `image` if one of its groups has no other member still in place and unchanged."""
    for g in plan.groups_of[image]:
        kept = plan.survivors[g]
        if not any(_still_there(images[s]) for s in kept):
            names = ", ".join(images[s].path for s in kept) or "none"
            return f"no other copy of this photo is still in place unchanged (kept: {names})"
    return None


def _still_there(record: ImageRecord) -> bool:
    """A survivor must pass the same checks as a file about to be trashed: the scanned file, unchanged."""
    return _changed_since_scan(record) is None


def _changed_since_scan(record: ImageRecord) -> str | None:
    """Why the file on disk is no longer the one the scan saw, or None when it still is."""
    entry = record.file
    try:
        st = os.lstat(entry.path)
    except FileNotFoundError:
        return "moved or deleted since the scan"
    except OSError as exc:
        return f"cannot be checked: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        return "it is a symbolic link; only real files are moved to the trash"
    if not stat.S_ISREG(st.st_mode):
        return "it is no longer a regular file"
    if (st.st_dev, st.st_ino) != entry.identity:
        return "replaced by another file since the scan"
    if st.st_size != entry.size_bytes:
        return "changed since the scan (size differs)"
    if st.st_mtime_ns != entry.mtime_ns:
        return "changed since the scan (modification time differs)"
    if record.digest is not None:
        try:
            if content_digest(entry.path) != record.digest:
                return "changed since the scan (content differs)"
        except OSError as exc:
            return f"cannot be read to check it: {exc.strerror or exc}"
    if entry.ctime_ns and st.st_ctime_ns != entry.ctime_ns:
        return "changed since the scan (rewritten, relinked or its permissions changed)"
    return None
