"""The only module that moves a user's file: into the trash (or the `--move-duplicates-to` folder, FolderMover at
the end), and back out of it on undo.

No file is ever deleted or copied: a move is one rename within a file system. On a freedesktop system (Linux) the
move is done here rather than by send2trash, whose free-name probing (check that NAME does not exist, then rename
onto it) lets two concurrent trashers rename over each other's files, and is quadratic in the number of equal names.
Instead, for each file:

1. the file is checked by identity in its folder (through the folder's descriptor, so the path cannot be switched);
2. a name of our own is reserved: `info/STEM.TOKEN.EXT.trashinfo` created with O_CREAT|O_EXCL|O_NOFOLLOW (0600),
   written and fsync'd. TOKEN is random, so the name costs O(1) and is one no other trasher's probing produces;
3. the file is renamed to `files/STEM.TOKEN.EXT` with renameat2(RENAME_NOREPLACE), which fails rather than replace
   anything (on EEXIST another name is reserved);
4. the trash file is lstat'ed: it must be the device, inode and size that were checked, or it is put back.

Where renameat2 or its flag is missing (not Linux, kernel < 3.15, file systems such as NFS that answer EINVAL), a
plain rename onto the reserved name is used after checking it is free: a freedesktop trasher never picks a name
whose .trashinfo exists, and the random token is never in send2trash's sequence, so only a program that guesses the
token could race it. Undo has no name of its own to hide behind (it restores the user's name), so there the fallback
is link() (which never replaces) + a check + unlink of the trash's now extra name: the data is linked at the original
path before the trash's name goes.

Undo opens every folder from `/` down to the original one with O_NOFOLLOW (creating missing ones), so a symlink
planted where a photo's folder was is never followed.

On macOS and Windows, files go to the system trash through send2trash, and undo is done by hand.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import secrets
import stat
import sys

from dupfinder.core.cleanup import freedesktop
from dupfinder.core.cleanup.freedesktop import INFO_SUFFIX, TrashDir, TrashDirs

log = logging.getLogger(__name__)

FREEDESKTOP = sys.platform not in ("darwin", "win32")
RENAME_NOREPLACE = 1
_ATTEMPTS = 8  # names tried per file: a random 48-bit token collides only with something planted on purpose
_TOKEN_BYTES = 6
_NAME_MAX = 255
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC

Expected = tuple[int, int, int]  # (st_dev, st_ino, st_size) of the file to move


class MoveFailed(OSError):
    """The file was not moved (or was put back); str() is the one-line reason."""


class NoReplaceUnsupported(OSError):
    """This system or file system cannot rename without replacing (renameat2 RENAME_NOREPLACE)."""


def _load_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc without renameat2 (glibc < 2.28, some musl builds)
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def rename_noreplace(src_dir_fd: int, src: str, dst_dir_fd: int, dst: str) -> None:
    """renameat2(..., RENAME_NOREPLACE): raises FileExistsError when `dst` exists, NoReplaceUnsupported when the
    system or the file system cannot do it, OSError otherwise."""
    if _renameat2 is None:
        raise NoReplaceUnsupported(errno.ENOSYS, "renameat2 is not available")
    if _renameat2(src_dir_fd, os.fsencode(src), dst_dir_fd, os.fsencode(dst), RENAME_NOREPLACE) == 0:
        return
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        raise NoReplaceUnsupported(code, os.strerror(code))
    raise OSError(code, os.strerror(code), dst)


def _identity(st: os.stat_result) -> Expected:
    return (st.st_dev, st.st_ino, st.st_size)


def _lstat_at(name: str, dir_fd: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def trash_name(basename: str) -> str:
    """STEM.TOKEN.EXT, short enough that NAME.trashinfo fits a file name."""
    stem, ext = os.path.splitext(basename)
    token = "." + secrets.token_hex(_TOKEN_BYTES)
    room = _NAME_MAX - len(INFO_SUFFIX) - len(os.fsencode(token + ext))
    if room < 1:
        stem, ext, room = stem + ext, "", _NAME_MAX - len(INFO_SUFFIX) - len(token)
    return os.fsdecode(os.fsencode(stem)[:room]) + token + ext


def _reserve_name(trash: TrashDir, original_path: str, home: bool) -> str:
    """Create this file's .trashinfo under a fresh name of our own, exclusively; return the name."""
    data = freedesktop.trashinfo_bytes(original_path, trash.topdir, home)
    for _ in range(_ATTEMPTS):
        name = trash_name(os.path.basename(original_path))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        try:
            fd = os.open(name + INFO_SUFFIX, flags, 0o600, dir_fd=trash.info_fd)
        except FileExistsError:
            continue
        except OSError as exc:
            raise MoveFailed(f"the trash cannot record it: {exc.strerror or exc}") from exc
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            _unreserve(trash, name)
            raise MoveFailed(f"the trash cannot record it: {exc.strerror or exc}") from exc
        os.close(fd)
        return name
    raise MoveFailed("no free name in the trash")


def _unreserve(trash: TrashDir, name: str) -> None:
    """Remove a .trashinfo we created for a move that did not happen (our own file, in our own trash folder)."""
    try:
        os.unlink(name + INFO_SUFFIX, dir_fd=trash.info_fd)
    except OSError as exc:
        log.warning("cannot remove %s: %s", trash.info_path(name), exc)


def _rename_into_trash(src_fd: int, src: str, trash: TrashDir, name: str) -> None:
    try:
        rename_noreplace(src_fd, src, trash.files_fd, name)
    except NoReplaceUnsupported:
        if _lstat_at(name, trash.files_fd) is not None:
            raise FileExistsError(errno.EEXIST, "exists", name) from None
        os.rename(src, name, src_dir_fd=src_fd, dst_dir_fd=trash.files_fd)


class Mover:
    """Moves files into the trash for one cleanup (trash folders opened once per device). Use as a context."""

    def __init__(self) -> None:
        self._trashes = TrashDirs()

    def __enter__(self) -> Mover:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._trashes.close()

    def to_trash(self, path: str, expected: Expected) -> str | None:
        """Move the file at `path`, which must still be `expected`, to the trash; return where it is in the trash
        (None on systems whose trash cannot be inspected). Raises MoveFailed or OSError, the file left in place."""
        if not FREEDESKTOP:
            from send2trash import send2trash

            send2trash(path)
            return None
        folder, base = os.path.split(os.path.abspath(path))
        parent_fd = os.open(folder, _DIR)
        try:
            st = _lstat_at(base, parent_fd)
            if st is None or not stat.S_ISREG(st.st_mode) or _identity(st) != expected:
                raise MoveFailed("it changed just before the move; left in place")
            real_path = os.path.join(os.path.realpath(folder), base)
            trashes = self._trashes.for_file(st.st_dev, folder)
            home = freedesktop.home_trash()[0]
            other_mount = None
            for trash in trashes:
                try:
                    return self._into(trash, parent_fd, base, real_path, expected, trash.path == home)
                except OSError as exc:
                    if exc.errno != errno.EXDEV:
                        raise
                    other_mount = exc  # same device, another mount point (a bind mount): try the next trash
            raise MoveFailed(f"no trash on the same mount point: {other_mount.strerror if other_mount else ''}")
        finally:
            os.close(parent_fd)

    def _into(self, trash: TrashDir, parent_fd: int, base: str, real_path: str, expected: Expected, home: bool) -> str:
        for _ in range(_ATTEMPTS):
            name = _reserve_name(trash, real_path, home)
            try:
                _rename_into_trash(parent_fd, base, trash, name)
            except FileExistsError:
                _unreserve(trash, name)  # something appeared at our name: never replaced, try another
                log.warning("%s appeared in the trash meanwhile; choosing another name", trash.files_path(name))
                continue
            except OSError:
                _unreserve(trash, name)
                raise
            _verify_moved(trash, name, parent_fd, base, expected)
            return trash.files_path(name)
        raise MoveFailed("no free name in the trash")


def _verify_moved(trash: TrashDir, name: str, parent_fd: int, base: str, expected: Expected) -> None:
    """The trash file must be the very file that was checked; anything else is put back (or reported)."""
    st = _lstat_at(name, trash.files_fd)
    if st is not None and _identity(st) == expected:
        return
    try:
        rename_noreplace(trash.files_fd, name, parent_fd, base)
    except OSError as exc:
        raise MoveFailed(f"it was replaced while being moved; what was moved is in {trash.files_path(name)}") from exc
    _unreserve(trash, name)
    raise MoveFailed("it was replaced while being moved; put back and left in place")


def _open_parent_nofollow(path: str, create: bool = True) -> int:
    """A descriptor of the folder holding `path`, every folder from / down opened without following a symlink
    (missing ones are created, unless `create` is False). Raises MoveFailed naming the folder that is a symlink or
    not a folder."""
    parts = [p for p in os.path.normpath(path).split(os.sep)[:-1] if p]
    return _descend(os.open(os.sep, _DIR), os.sep, parts, 0o777 if create else None)


def _descend(fd: int, walked: str, parts: list[str], mode: int | None) -> int:
    """From the folder `fd` (at `walked`; the descriptor is taken over), open each of `parts` in turn without
    following a symlink, creating a missing one with `mode` (None: never create); return the last one's descriptor.
    Raises MoveFailed naming the folder that is a symlink, not a folder, missing or cannot be made."""
    try:
        for part in parts:
            walked = os.path.join(walked, part)
            try:
                next_fd = os.open(part, _DIR | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                if mode is None:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, mode, dir_fd=fd)
                next_fd = os.open(part, _DIR | _NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = next_fd
    except OSError as exc:
        os.close(fd)
        st = None
        with contextlib.suppress(OSError):
            st = os.lstat(walked)
        if st is not None and stat.S_ISLNK(st.st_mode):
            raise MoveFailed(f"{walked} is now a symbolic link; it is not followed") from exc
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise MoveFailed(f"{walked} is no longer a folder") from exc
        if st is None and mode is None:
            raise MoveFailed(f"{walked} no longer exists") from exc
        raise MoveFailed(f"cannot open or create {walked}: {exc.strerror or exc}") from exc
    return fd


def restore(files_path: str, info_path: str, original_path: str, expected: tuple[int, int]) -> None:
    """Move a trashed file back to `original_path` (never over an existing file, never through a symlink) and remove
    its .trashinfo. `expected` is the (dev, ino) the file had; raises MoveFailed with the reason."""
    trash_folder, name = os.path.split(files_path)
    base = os.path.basename(original_path)
    files_fd = os.open(trash_folder, _DIR | _NOFOLLOW)
    try:
        st = _lstat_at(name, files_fd)
        if st is None or (st.st_dev, st.st_ino) != expected:
            raise MoveFailed("the file in the trash is not the one that was moved")
        parent_fd = _open_parent_nofollow(original_path)
        try:
            _rename_out_of_trash(files_fd, name, parent_fd, base, st)
        finally:
            os.close(parent_fd)
    finally:
        os.close(files_fd)
    try:
        info_folder, info_name = os.path.split(info_path)
        info_fd = os.open(info_folder, _DIR | _NOFOLLOW)
        try:
            os.unlink(info_name, dir_fd=info_fd)  # trash metadata: the spec requires removing it on restore
        finally:
            os.close(info_fd)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("restored %s but could not remove %s: %s", original_path, info_path, exc)


def _rename_out_of_trash(
    files_fd: int, name: str, parent_fd: int, base: str, st: os.stat_result, where: str = "the trash"
) -> None:
    copy = "trashed copy" if where == "the trash" else "moved copy"
    exists = f"a file now exists at the original path; the {copy} was left in {where}"
    try:
        rename_noreplace(files_fd, name, parent_fd, base)
        return
    except FileExistsError:
        raise MoveFailed(exists) from None
    except NoReplaceUnsupported:
        pass
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            if where == "the trash":
                raise MoveFailed("the trash is on another drive; restore it with the file manager") from exc
            raise MoveFailed(f"{where} is on another mount point than the original folder") from exc
        raise MoveFailed(f"cannot move it back: {exc.strerror or exc}") from exc
    try:  # link() never replaces: the data is at the original path before the trash's name goes
        os.link(name, base, src_dir_fd=files_fd, dst_dir_fd=parent_fd, follow_symlinks=False)
    except FileExistsError:
        raise MoveFailed(exists) from None
    except OSError as exc:
        raise MoveFailed(f"cannot move it back: {exc.strerror or exc}") from exc
    linked = _lstat_at(base, parent_fd)
    if linked is None or (linked.st_dev, linked.st_ino) != (st.st_dev, st.st_ino):
        raise MoveFailed(f"the restored file could not be checked; it is also still in {where}")
    os.unlink(name, dir_fd=files_fd)  # the trash's (or move folder's) second name of the file now back in place


# --- Moving duplicates into a folder of the user's choice (`--move-duplicates-to DIR`) instead of the trash ---


def _open_destination(destination: str) -> int:
    """A descriptor of the folder DIR, made (0700, missing parents too) if it does not exist; DIR itself is never
    a symbolic link (opened with O_NOFOLLOW). Raises MoveFailed with the reason."""
    parent, name = os.path.split(os.path.abspath(destination))
    try:
        os.makedirs(parent, 0o700, exist_ok=True)
        parent_fd = os.open(parent, _DIR)
    except OSError as exc:
        raise MoveFailed(f"cannot open or create {parent}: {exc.strerror or exc}") from exc
    try:
        return _descend(parent_fd, parent, [name], 0o700)
    except MoveFailed as exc:
        raise MoveFailed(str(exc).replace("is now a symbolic link", "is a symbolic link")) from exc


class FolderMover:
    """Moves files into DESTINATION/<relative path> for one cleanup: DIR is opened once (never through a symlink),
    the folders below it are opened with O_NOFOLLOW from DIR's descriptor and made 0700 where missing, and each file
    goes by one renameat2(RENAME_NOREPLACE): never over an existing file, never copied to another device, and what
    arrived must be the very file that was checked (device, inode, size), or it is put back. Use as a context."""

    def __init__(self, destination: str) -> None:
        self.destination = os.path.abspath(destination)
        self._fd = _open_destination(self.destination)
        self.device = os.fstat(self._fd).st_dev

    def __enter__(self) -> FolderMover:
        return self

    def __exit__(self, *exc_info: object) -> None:
        os.close(self._fd)

    def to_folder(self, path: str, expected: Expected, relative: str) -> str:
        """Move the file at `path` (still `expected`) to DESTINATION/`relative`; return that path. Raises MoveFailed
        or OSError, the file left in place."""
        target = os.path.join(self.destination, relative)
        folder, base = os.path.split(os.path.abspath(path))
        parent_fd = os.open(folder, _DIR)
        try:
            st = _lstat_at(base, parent_fd)
            if st is None or not stat.S_ISREG(st.st_mode) or _identity(st) != expected:
                raise MoveFailed("it changed just before the move; left in place")
            if st.st_dev != self.device:
                raise MoveFailed(f"it is on another device than {self.destination}; files are renamed, never copied")
            parts = [p for p in relative.split(os.sep) if p]
            dest_fd = _descend(os.dup(self._fd), self.destination, parts[:-1], 0o700)
            try:
                self._rename(parent_fd, base, dest_fd, parts[-1], target)
                arrived = _lstat_at(parts[-1], dest_fd)
                if arrived is None or _identity(arrived) != expected:
                    try:
                        rename_noreplace(dest_fd, parts[-1], parent_fd, base)
                    except OSError as exc:
                        raise MoveFailed(f"it was replaced while being moved; what was moved is at {target}") from exc
                    raise MoveFailed("it was replaced while being moved; put back and left in place")
            finally:
                os.close(dest_fd)
        finally:
            os.close(parent_fd)
        return target

    @staticmethod
    def _rename(parent_fd: int, base: str, dest_fd: int, name: str, target: str) -> None:
        try:
            rename_noreplace(parent_fd, base, dest_fd, name)
        except FileExistsError:
            raise MoveFailed(f"{target} already exists; it is never replaced") from None
        except NoReplaceUnsupported as exc:
            # No race-free "rename unless it exists" here: a check then a rename could replace a file made between
            # the two, so nothing is moved (the trash has random names of its own to fall back on; DIR has not).
            raise MoveFailed(
                "this system or file system cannot rename without the risk of replacing a file "
                "(no renameat2 RENAME_NOREPLACE); left in place"
            ) from exc
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                raise MoveFailed(f"{target} is on another mount point; files are renamed, never copied") from exc
            raise MoveFailed(f"cannot move it to {target}: {exc.strerror or exc}") from exc


def restore_from_folder(moved_path: str, original_path: str, expected: Expected, where: str) -> None:
    """Move a file back from DIR (`moved_path`) to `original_path`: every folder opened without following a symlink
    (the original's recreated if missing), never over an existing file, and only the very file that was moved
    (device, inode, size). Raises MoveFailed with the reason."""
    src_fd = _open_parent_nofollow(moved_path, create=False)
    try:
        name = os.path.basename(moved_path)
        st = _lstat_at(name, src_fd)
        if st is None:
            raise MoveFailed(f"it is no longer at {moved_path}")
        if not stat.S_ISREG(st.st_mode) or _identity(st) != expected:
            raise MoveFailed(f"the file at {moved_path} is not the one that was moved")
        parent_fd = _open_parent_nofollow(original_path)
        try:
            _rename_out_of_trash(src_fd, name, parent_fd, os.path.basename(original_path), st, where)
        finally:
            os.close(parent_fd)
    finally:
        os.close(src_fd)
