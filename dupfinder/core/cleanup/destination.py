"""The folder of `--move-duplicates-to DIR`: whether it may be used, and where in it each file goes.

Only reads the disk (the moves are mover.FolderMover's). DIR must be (or become) a real folder, not a symbolic link,
and must neither be inside a scanned folder (the next scan would find the moved copies again, as duplicates of the
kept ones) nor hold one (a file's place in DIR could then fall inside that scanned folder). Both are decided by the
folders' identity (device, inode), as protected folders are, so another spelling of the same folder is caught.

A file goes to DIR/<its path relative to the scanned folder it was found under>; for a file under several scanned
folders, the first one given.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence

from dupfinder.core import protection


def destination_problem(destination: str, roots: Sequence[str]) -> str | None:
    """Why `destination` cannot receive the duplicates of a scan of `roots`, or None when it can."""
    if not destination.strip():
        return "--move-duplicates-to needs a folder name"
    folder = os.path.abspath(os.path.expanduser(destination))
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        return f"{folder} cannot be examined: {exc.strerror or exc}"
    if st is not None and stat.S_ISLNK(st.st_mode):
        return f"{folder} is a symbolic link; give the folder it points to, or another one"
    if st is not None and not stat.S_ISDIR(st.st_mode):
        return f"{folder} exists and is not a folder"
    if st is None:
        existing = nearest_existing(folder)
        if not os.path.isdir(existing) or not os.access(existing, os.W_OK | os.X_OK):
            return f"{folder} does not exist and cannot be created in {existing}"
    roots_ids = protection.folder_identities(roots)
    if protection.folder_is_protected(folder, roots_ids):
        return f"{folder} is inside a scanned folder: the next scan would find the moved copies again"
    if st is not None:
        mine = frozenset({(st.st_dev, st.st_ino)})
        for root in roots:
            if protection.folder_is_protected(os.path.realpath(root), mine) or protection.folder_is_protected(
                os.path.abspath(root), mine
            ):
                return f"{folder} holds the scanned folder {root}: moved copies could land inside it"
    return None


def nearest_existing(folder: str) -> str:
    """`folder` or its nearest ancestor that exists."""
    while not os.path.lexists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folder


def place_under_roots(path: str, roots: Sequence[str]) -> tuple[str, str] | None:
    """(root, path relative to it) for the first of `roots` that `path` is under as spelled (scan paths are
    absolute, as reached); None when it is under none."""
    for root in roots:
        root = os.path.abspath(root)
        relative = os.path.relpath(os.path.abspath(path), root)
        if relative != os.curdir and relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return root, relative
    return None
