"""Where dupfinder keeps its own files, and how it opens them safely.

Environment overrides let tests and portable installs point everything elsewhere (DUPFINDER_CACHE_DIR,
DUPFINDER_DATA_DIR, DUPFINDER_CONFIG_DIR).

dupfinder's files list private paths and must never be a way to write somewhere else: its folders are made 0700
and must be real folders owned by this user; its files are made 0600 and opened without following a symlink, and a
file that exists is used only if it is a regular file owned by this user.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import platformdirs

APP_NAME = "dupfinder"
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_GETUID = getattr(os, "getuid", None)


class UnsafePathError(OSError):
    """A path dupfinder would write to is a symlink, not a regular file/folder, or belongs to another user."""


def cache_dir() -> Path:
    return Path(os.environ.get("DUPFINDER_CACHE_DIR") or platformdirs.user_cache_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("DUPFINDER_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    return Path(os.environ.get("DUPFINDER_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def default_cache_path() -> Path:
    return cache_dir() / "fingerprints.sqlite3"


def action_log_path() -> Path:
    return data_dir() / "actions.jsonl"


def _check_owned(st: os.stat_result, path: os.PathLike | str, want_dir: bool) -> None:
    if stat.S_ISLNK(st.st_mode):
        raise UnsafePathError(f"{path} is a symbolic link; dupfinder does not write through links")
    if want_dir and not stat.S_ISDIR(st.st_mode):
        raise UnsafePathError(f"{path} is not a folder")
    if not want_dir and not stat.S_ISREG(st.st_mode):
        raise UnsafePathError(f"{path} is not a regular file")
    if _GETUID is not None and st.st_uid != _GETUID():
        raise UnsafePathError(f"{path} belongs to another user")


def ensure_private_dir(folder: os.PathLike | str) -> Path:
    """Make one of dupfinder's own folders (mode 0700) and check it: a real folder owned by this user.

    Missing parents are created as mkdir -p would; only the last folder is dupfinder's, so only it is made
    private (an existing one that is too open is tightened to 0700)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    st = os.lstat(folder)
    _check_owned(st, folder, want_dir=True)
    if os.name == "posix" and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(folder, 0o700)
    return folder


def open_own_file(path: os.PathLike | str, flags: int) -> int:
    """Open (creating it 0600 when `flags` has O_CREAT) a file of dupfinder's own without following a symlink.

    Returns the descriptor; raises UnsafePathError when the path is a symlink, not a regular file, or not owned by
    this user (nothing has been written then)."""
    try:
        fd = os.open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise UnsafePathError(f"{path} is a symbolic link; dupfinder does not write through links") from exc
        raise
    try:
        _check_owned(os.fstat(fd), path, want_dir=False)
    except BaseException:
        os.close(fd)
        raise
    return fd
