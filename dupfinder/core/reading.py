"""Open a photo for reading: only the regular file discovery found, and never in a way that can block.

A file can be replaced between discovery and reading. A FIFO put in its place would block open() and read() forever,
a device could be read without end, and another file renamed over it would be hashed as if it were the one found.
So every read of a photo (decoding, content digests) opens it non-blocking, without following a symlink the
discovered path did not have, and checks with fstat that it is a regular file with the discovered (device, inode).
"""

from __future__ import annotations

import errno
import os
import stat

O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_BINARY = getattr(os, "O_BINARY", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_FLAGS = os.O_RDONLY | O_NONBLOCK | O_BINARY | O_CLOEXEC


class NotTheFileFoundError(OSError):
    """The path no longer leads to the regular file discovery found (replaced by a FIFO, a device, another file)."""


def open_photo(path: str, identity: tuple[int, int] | None = None) -> int:
    """A read-only descriptor for `path`, checked to be a regular file with `identity` (dev, ino) when given.

    The path is opened without following a symlink; if the path is itself a symlink (discovery accepts symlinked
    files), its target is opened only once stat says it is the regular file expected, and fstat checks it again."""
    try:
        fd = os.open(path, _FLAGS | O_NOFOLLOW)
    except OSError as exc:
        if exc.errno != errno.ELOOP or not O_NOFOLLOW:
            raise
        _check(os.stat(path), path, identity)  # a symlinked file: never open a FIFO or device behind it
        fd = os.open(path, _FLAGS)
    try:
        _check(os.fstat(fd), path, identity)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check(st: os.stat_result, path: str, identity: tuple[int, int] | None) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise NotTheFileFoundError(errno.EINVAL, "it is no longer a regular file", path)
    if identity is not None and (st.st_dev, st.st_ino) != identity:
        raise NotTheFileFoundError(errno.ESTALE, "another file has taken its place since it was found", path)
