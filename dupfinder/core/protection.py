"""Protected folders decided by identity (device, inode), never by how a path is spelled.

A path-prefix test misses the protected folder when it is reached another way: through a bind mount, in another
letter case on a case-insensitive volume, or through a symlinked or `..` spelling. A folder's identity is the same
whichever way it is reached, so a file is protected when any folder on the way from `/` to it — as reached, or with
symlinks resolved — is one of the protected folders. When a folder on the way cannot be examined, the file counts as
protected: protected files are never trashed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

Identity = tuple[int, int]


def folder_identities(folders: Iterable[str]) -> frozenset[Identity]:
    """(st_dev, st_ino) of each folder that exists, following the user's spelling (a symlink named is its target)."""
    out = set()
    for folder in folders:
        for form in (folder, os.path.abspath(folder), os.path.realpath(folder)):
            try:
                st = os.stat(form)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                out.add((st.st_dev, st.st_ino))
    return frozenset(out)


def _ancestors(folder: str) -> Iterable[str]:
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def in_protected_folder(path: str, protected: frozenset[Identity]) -> bool:
    """True when a folder holding `path` (its lexical ancestors, followed, and those of its resolved location) is
    protected, or when one of them cannot be examined."""
    if not protected:
        return False
    parent = os.path.dirname(os.path.abspath(path))
    real_parent = os.path.dirname(os.path.realpath(path))
    for start in dict.fromkeys((parent, os.path.realpath(parent), real_parent)):
        if folder_is_protected(start, protected):
            return True
    return False


def folder_is_protected(folder: str, protected: frozenset[Identity]) -> bool:
    """True when `folder` or any of its ancestors (each stat'ed, following links) is protected or cannot be examined."""
    for ancestor in _ancestors(folder):
        try:
            st = os.stat(ancestor)
        except FileNotFoundError:
            continue  # a folder that no longer exists protects nothing; its existing ancestors are still checked
        except OSError:
            return True
        if (st.st_dev, st.st_ino) in protected:
            return True
    return False
