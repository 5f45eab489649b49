"""The freedesktop trash (Linux and other Unixes): which trash folder a file may go to, its .trashinfo files, and
finding trashed files again.

A file goes to a trash on its own file system only, so that moving it is a rename, never a copy (a copy can be left
half done by a full volume, and cannot be renamed back). That is the home trash (`$XDG_DATA_HOME/Trash`) when it is
on the file's device, else the file system's own trash, as the spec says:

1. `$topdir/.Trash/$uid` when `$topdir/.Trash` is a real folder (not a symlink) with the sticky bit;
2. else `$topdir/.Trash-$uid`, created if missing.

The trash folder used must be a real folder owned by this user and closed to others (a folder, or a symlink, planted
in advance by another user on a shared volume would receive the photos), and so must its files/ and info/ folders.
A file whose device offers no such trash is refused, with the reason. Trash folders are opened without following
symlinks and used through their descriptors, so nothing can be swapped under them afterwards.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

log = logging.getLogger(__name__)

INFO_SUFFIX = ".trashinfo"
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class NoTrash(OSError):
    """The file's device has no trash folder dupfinder may use; the message says why."""


@dataclass(frozen=True, slots=True)
class TrashEntry:
    """A file in a freedesktop trash and what its .trashinfo says about it."""

    original_path: str  # absolute
    deleted_at: float | None  # DeletionDate as a POSIX timestamp
    files_path: str  # the file itself, inside Trash/files
    info_path: str  # its Trash/info/NAME.trashinfo


@dataclass(slots=True)
class TrashDir:
    """An opened, checked trash folder: descriptors of its files/ and info/ folders (closed by close())."""

    path: str
    topdir: str  # the folder .trashinfo paths may be relative to
    dev: int
    files_fd: int
    info_fd: int

    def files_path(self, name: str) -> str:
        return os.path.join(self.path, "files", name)

    def info_path(self, name: str) -> str:
        return os.path.join(self.path, "info", name + INFO_SUFFIX)

    def close(self) -> None:
        for fd in (self.files_fd, self.info_fd):
            os.close(fd)


def home_trash() -> tuple[str, str]:
    """(trash folder, top directory) of the home trash, from the environment as it is now."""
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data_home, "Trash"), data_home


def _mount_points() -> list[str]:
    """Mount points from /proc/self/mountinfo (bind mounts included, which st_dev cannot tell apart)."""
    try:
        with open("/proc/self/mountinfo", "rb") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    points = []
    for line in lines:
        fields = line.split(b" ")
        if len(fields) > 4:
            points.append(os.fsdecode(fields[4].decode("unicode_escape").encode("latin-1")))
    return points


def mount_point(path: str, points: list[str] | None = None) -> str:
    """The mount point holding `path` (or its nearest existing ancestor), symlinks resolved. `points`: the mount
    points, when the caller has read them already."""
    current = os.path.realpath(path)
    points = _mount_points() if points is None else points
    inside = [p for p in points if current == p or current.startswith(p.rstrip("/") + "/")]
    if inside:
        return max(inside, key=len)
    while not os.path.ismount(current):
        current = os.path.dirname(current)
    return current


def _device_of(folder: str) -> int | None:
    """st_dev of `folder` or of its nearest existing ancestor."""
    while True:
        try:
            return os.stat(folder).st_dev
        except FileNotFoundError:
            parent = os.path.dirname(folder)
            if parent == folder:
                return None
            folder = parent
        except OSError:
            return None


def _check_private(fd: int, where: str, closed_to_others: bool) -> None:
    st = os.fstat(fd)
    if not stat.S_ISDIR(st.st_mode):
        raise NoTrash(f"{where} is not a folder")
    if st.st_uid != os.getuid():
        raise NoTrash(f"{where} belongs to another user")
    if closed_to_others and stat.S_IMODE(st.st_mode) & 0o077:
        raise NoTrash(f"{where} is open to other users (mode {stat.S_IMODE(st.st_mode):o})")


def _open_dir(name: str, dir_fd: int | None, where: str, create: bool) -> int:
    """Open one folder of a trash without following a symlink, creating it 0700 when missing and allowed."""
    if create:
        try:
            os.mkdir(name, 0o700, dir_fd=dir_fd)
        except FileExistsError:
            pass
        except OSError as exc:
            raise NoTrash(f"cannot create {where}: {exc.strerror or exc}") from exc
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if os.path.islink(where):
            raise NoTrash(f"{where} is a symbolic link") from exc
        raise NoTrash(f"cannot open {where}: {exc.strerror or exc}") from exc


def open_trash(path: str, topdir: str, *, closed_to_others: bool) -> TrashDir:
    """Open and check the trash folder `path` (made if missing) and its files/ and info/; raises NoTrash."""
    fd = _open_dir(path, None, path, create=True)
    try:
        _check_private(fd, path, closed_to_others)
        subfolders = []
        try:
            for sub in ("files", "info"):
                subfolders.append(_open_dir(sub, fd, os.path.join(path, sub), create=True))
                _check_private(subfolders[-1], os.path.join(path, sub), closed_to_others=False)
        except BaseException:
            for sub_fd in subfolders:
                os.close(sub_fd)
            raise
        return TrashDir(path, topdir, os.fstat(fd).st_dev, subfolders[0], subfolders[1])
    finally:
        os.close(fd)


def _topdir_trash(topdir: str) -> TrashDir:
    """The trash of the file system mounted at `topdir`: .Trash/$uid if the admin set up .Trash, else .Trash-$uid."""
    uid = str(os.getuid())
    shared = os.path.join(topdir, ".Trash")
    try:
        st = os.lstat(shared)
        usable = stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX
    except OSError:
        usable = False
    if usable:
        try:
            return open_trash(os.path.join(shared, uid), topdir, closed_to_others=True)
        except NoTrash as exc:
            log.warning("not using %s: %s", shared, exc)
    return open_trash(os.path.join(topdir, f".Trash-{uid}"), topdir, closed_to_others=True)


class TrashDirs:
    """The trash folders of one cleanup, opened once per device and mount point (a bind mount of the same device
    needs its own: rename does not cross mount points), so each file costs one lookup in memory."""

    def __init__(self) -> None:
        self._mounts = _mount_points()
        self._found: dict[tuple[int, str], list[TrashDir] | NoTrash] = {}

    def for_file(self, dev: int, folder: str) -> list[TrashDir]:
        """The trash folders on device `dev` a file in `folder` may be renamed into, best first; raises NoTrash."""
        topdir = mount_point(folder, self._mounts)
        if (dev, topdir) not in self._found:
            self._found[dev, topdir] = self._open(dev, topdir)
        found = self._found[dev, topdir]
        if isinstance(found, NoTrash):
            raise found
        return found

    def _open(self, dev: int, topdir: str) -> list[TrashDir] | NoTrash:
        trashes: list[TrashDir] = []
        reasons = []
        home, home_top = home_trash()
        if _device_of(home) == dev:
            try:
                os.makedirs(home_top, exist_ok=True)
            except OSError as exc:
                log.debug("cannot create %s: %s", home_top, exc)
            try:
                trashes.append(open_trash(home, home_top, closed_to_others=False))
            except NoTrash as exc:
                reasons.append(str(exc))
        if _device_of(topdir) == dev:
            try:
                trashes.append(_topdir_trash(topdir))
            except NoTrash as exc:
                reasons.append(str(exc))
        else:
            reasons.append("the home trash is on another drive and this drive's top folder cannot be found")
        if trashes:
            return trashes
        return NoTrash("no usable trash on this drive: " + "; ".join(reasons))

    def close(self) -> None:
        for found in self._found.values():
            if isinstance(found, list):
                for trash in found:
                    trash.close()
        self._found.clear()


def trashinfo_bytes(original_path: str, topdir: str, home: bool) -> bytes:
    """A .trashinfo: Path= absolute for the home trash, relative to the top directory for a volume's trash."""
    path = os.fsencode(original_path)
    if not home:
        top = os.fsencode(os.path.join(topdir, ""))
        if path.startswith(top):
            path = path[len(top) :]
    deleted = time.strftime("%Y-%m-%dT%H:%M:%S")
    return f"[Trash Info]\nPath={quote(path, safe='/')}\nDeletionDate={deleted}\n".encode("ascii")


def read_trashinfo(info_path: str, topdir: str) -> TrashEntry | None:
    """Parse one .trashinfo; None when it is unreadable or has no Path."""
    try:
        with open(info_path, "rb") as f:
            lines = f.read(1 << 16).decode("utf-8", "surrogateescape").splitlines()
    except OSError:
        return None
    values = dict(line.split("=", 1) for line in lines if "=" in line)
    if "Path" not in values:
        return None
    original = os.fsdecode(unquote_to_bytes(values["Path"].strip()))
    original = os.path.normpath(os.path.join(topdir, original))  # join() keeps an absolute Path as is
    deleted_at = None
    try:
        deleted_at = time.mktime(time.strptime(values.get("DeletionDate", "").strip(), "%Y-%m-%dT%H:%M:%S"))
    except (ValueError, OverflowError):
        log.debug("no usable DeletionDate in %s", info_path)
    trash = os.path.dirname(os.path.dirname(info_path))
    name = os.path.basename(info_path)[: -len(INFO_SUFFIX)]
    return TrashEntry(original, deleted_at, os.path.join(trash, "files", name), info_path)


def trash_folders_for(path: str) -> list[tuple[str, str]]:
    """Every trash a file at `path` may have been moved to, as (trash folder, top directory) pairs: the home trash
    and the volume's, if they are real folders of this user's (one planted by someone else is not searched)."""
    folders = [home_trash()]
    topdir = mount_point(os.path.dirname(path))
    uid = os.getuid()
    for trash in (os.path.join(topdir, ".Trash", str(uid)), os.path.join(topdir, f".Trash-{uid}")):
        try:
            st = os.lstat(trash)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and trash not in (f for f, _ in folders):
            folders.append((trash, topdir))
    return folders


def entries_in(trash: str, topdir: str) -> Iterator[TrashEntry]:
    """Every readable entry of one trash folder."""
    info_dir = os.path.join(trash, "info")
    try:
        names = os.listdir(info_dir)
    except OSError:
        return
    for name in names:
        if name.endswith(INFO_SUFFIX):
            entry = read_trashinfo(os.path.join(info_dir, name), topdir)
            if entry is not None:
                yield entry
