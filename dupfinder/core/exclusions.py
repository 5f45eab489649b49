"""Folders and files a scan skips: thumbnail caches, system clutter and the user's own patterns.

Rules (kept here because the CLI, the GUI settings and the tests depend on them):

- A pattern without a "/" is a name pattern: it is matched (shell-style `*`, `?`, `[...]`, case-insensitively)
  against the name of every folder and file below a root. `@eaDir`, `Thumbs.db`, `.Trash*`.
- A pattern with a "/" is a path pattern: it is matched against the path relative to the root, written with "/"
  and a leading "/" (`/2019/.thumbnails/x.jpg`), folders also with a trailing "/" (`/2019/.thumbnails/`). A path
  pattern that does not start with "/" or "*" may match anywhere: `.cache/thumbnails` means `*/.cache/thumbnails`.
  `*` crosses "/", so `*/.thumbnails/*` skips every `.thumbnails` folder and what is in it.
- An excluded folder is not entered at all (nothing below it is read). A root the user names is never excluded.
- DEFAULT_EXCLUDES are the thumbnail caches and metadata folders of common systems; they apply unless the user turns
  them off (`--no-default-excludes`, or the box in the app's exclusions dialog). None of them holds originals.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".thumbnails",  # old freedesktop thumbnails, Android's DCIM/.thumbnails
    ".cache/thumbnails",  # freedesktop thumbnails (~/.cache/thumbnails)
    "@eaDir",  # Synology DSM thumbnails and metadata
    ".@__thumb",  # QNAP thumbnails
    "Thumbs.db",  # Windows Explorer thumbnail cache
    "ehthumbs.db",
    "ehthumbs_vista.db",
    ".DS_Store",  # macOS Finder
    ".AppleDouble",  # macOS resource forks on network shares
    "._*",  # macOS resource-fork files next to each photo
    ".Spotlight-V100",
    ".fseventsd",
    "$RECYCLE.BIN",  # Windows recycle bin
    ".Trash*",  # .Trash, .Trash-1000, .Trashes (macOS)
    "System Volume Information",
    ".picasathumbs",  # Picasa's thumbnails (not .picasaoriginals: those are originals)
    ".dtrash",  # digiKam's trash
)


def effective_patterns(extra: Iterable[str] = (), *, defaults: bool = True) -> tuple[str, ...]:
    """The patterns a scan uses: the defaults (unless turned off) and the user's, without blanks and repeats."""
    chosen = [*(DEFAULT_EXCLUDES if defaults else ()), *(p.strip() for p in extra)]
    return tuple(dict.fromkeys(p for p in chosen if p))


def check_pattern(pattern: str) -> str:
    """The pattern, stripped; raises ValueError for a pattern that would exclude everything or cannot work."""
    pattern = pattern.strip()
    if not pattern:
        raise ValueError("an empty exclusion pattern was given")
    if pattern.strip("*/") == "":
        raise ValueError(f"the exclusion pattern {pattern!r} would skip everything")
    return pattern


def _translate(patterns: Iterable[str]) -> re.Pattern[str] | None:
    parts = [fnmatch.translate(p.casefold()) for p in patterns]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


class Exclusions:
    """A compiled set of patterns (see the module docstring). Falsy when it excludes nothing."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(dict.fromkeys(p.strip() for p in patterns if p.strip()))
        names = [p for p in self.patterns if "/" not in p]
        paths = [p if p.startswith(("/", "*")) else "*/" + p for p in self.patterns if "/" in p]
        self._names = _translate(names)
        self._paths = _translate(paths)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def skips_entry(self, relative_folder: str, entry: os.DirEntry) -> bool:
        """skips() for a folder entry met by discovery (never raises)."""
        return self.skips(relative_folder, entry.name, _is_dir(entry))

    def skips(self, relative_folder: str, name: str, is_dir: bool) -> bool:
        """True when the entry `name` of the folder at `relative_folder` (relative to its root, "/"-separated, ""
        for the root itself) is excluded."""
        folded = name.casefold()
        if self._names is not None and self._names.match(folded):
            return True
        if self._paths is None:
            return False
        path = f"{relative_folder.casefold()}/{folded}"
        if not path.startswith("/"):
            path = "/" + path
        return bool(self._paths.match(path) or (is_dir and self._paths.match(path + "/")))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows a symlink: a link to a folder is judged as a folder
    except OSError:  # a looping or unreadable link: discovery reports it
        return False


def relative_to_top(folder) -> str:
    """A discovery folder node's path relative to the root it was reached from (its topmost parent), in the form
    Exclusions.skips expects. `folder` has `.path` and `.parent` (discovery's _Dir)."""
    top = folder
    while top.parent is not None:
        top = top.parent
    return relative_folder(folder.path, top.path)


def relative_folder(path: str, root: str) -> str:
    """`path` relative to `root` in the form Exclusions.skips expects ("" for the root, else "/a/b")."""
    relative = os.path.relpath(path, root)
    if relative == os.curdir:
        return ""
    return "/" + relative.replace(os.sep, "/")
