"""Find the image files under the scan roots: each real file once, deterministically, never looping.

Decisions (kept here because callers and tests depend on them):

- Roots are walked in sorted order, folder entries in sorted name order, files of a folder before its subfolders.
  The first path that reaches a real file (st_dev, st_ino) wins, so hardlinks and overlapping roots give one entry.
- Paths reached without a symlink win over paths through one: symlinked folders and files are set aside and handled
  only after everything reachable without them (and so on per symlink depth), at no extra cost.
- A root that is itself a symlink is always followed (the user named it). A root that is a file is accepted as a
  single file if its extension is accepted (a file of another type gives Problem(UNSUPPORTED)); a missing root gives
  Problem(MISSING).
- A symlinked folder that points to one of its own ancestors is reported once as Problem(SYMLINK_LOOP); a symlink to a
  folder already walked elsewhere is skipped quietly (its files were counted there). A symlink whose resolution loops
  (ELOOP) is a SYMLINK_LOOP too; a dangling symlink is Problem(MISSING), whatever its name.
- Trash folders (.Trash, .Trash-*, $RECYCLE.BIN, $XDG_DATA_HOME/Trash) and dupfinder's own cache folder are skipped
  when met inside a root (a root the user names explicitly is walked even if it is one of those).
- FileEntry.protected is true when a folder on the way to the file, as reached or with symlinks resolved, is a
  protected root by identity (device, inode: see protection.py), so a bind mount, a symlinked or `..` spelling or
  another letter case cannot lose the protection; the path-prefix test is kept as well. A symlinked file also counts
  if its target is. When in doubt the file is protected, because protected files are never trashed.
- Only regular files are accepted: FIFOs, sockets and devices are never opened.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterable
from operator import attrgetter

from dupfinder.core import paths, protection
from dupfinder.core.exclusions import Exclusions, relative_to_top
from dupfinder.core.models import FileEntry, Problem, ProblemKind
from dupfinder.core.options import ScanOptions
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanStage

log = logging.getLogger(__name__)

_TRASH_NAMES = frozenset({".trash", "$recycle.bin"})
_by_name = attrgetter("name")


def discover(
    options: ScanOptions, *, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
) -> tuple[list[FileEntry], list[Problem]]:
    """Walk options.roots and return one FileEntry per real image file, plus the Problems met on the way.

    Raises ScanCancelled (checked once per folder) when `cancel` is set.
    """
    walker = _Walker(options, ProgressMeter(ScanStage.DISCOVERING, None, progress), cancel)
    walker.run(options.roots)
    walker.meter.finish()
    log.info("discovered %d files (%d problems)", len(walker.entries), len(walker.problems))
    return walker.entries, walker.problems


def is_trash_folder_name(name: str) -> bool:
    """Folders that hold already-trashed files on Linux, macOS, removable drives and Windows drives."""
    folded = name.casefold()
    return folded in _TRASH_NAMES or folded.startswith(".trash-")


class _Dir:
    """A folder to walk: its path as reached, its resolved path, identity, parent (for loop checks), protection."""

    __slots__ = ("ident", "parent", "path", "protected", "real")

    def __init__(self, path: str, real: str, ident: tuple[int, int], parent: _Dir | None, protected: bool) -> None:
        self.path, self.real, self.ident, self.parent, self.protected = path, real, ident, parent, protected

    def ancestor_with(self, ident: tuple[int, int]) -> _Dir | None:
        node: _Dir | None = self
        while node is not None:
            if node.ident == ident:
                return node
            node = node.parent
        return None


def _stat(entry: os.DirEntry, follow: bool) -> os.stat_result:
    """DirEntry.stat (cached, no extra syscall on Windows), but with a real identity where it reports none."""
    st = entry.stat(follow_symlinks=follow)
    if st.st_ino == 0 and st.st_dev == 0:  # Windows DirEntry: identity fields are not filled in
        st = os.stat(entry.path, follow_symlinks=follow)
    return st


def _link_target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _prefixes(folders: Iterable[str]) -> tuple[str, ...]:
    """Each folder as an 'is under' prefix ending in a separator, both as given and with symlinks resolved."""
    out: set[str] = set()
    for folder in folders:
        for form in (os.path.abspath(folder), os.path.realpath(folder)):
            out.add(os.path.join(os.path.normcase(form), ""))
    return tuple(sorted(out))


def _skipped_identities(options: ScanOptions) -> set[tuple[int, int]]:
    """Identities of the user's trash and of dupfinder's cache folder, so the walk never enters them."""
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    candidates = [os.path.join(data_home, "Trash"), str(paths.cache_dir())]
    if options.cache_path:
        candidates.append(os.path.dirname(os.path.abspath(options.cache_path)))
    out = set()
    for folder in candidates:
        try:
            st = os.stat(folder)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            out.add((st.st_dev, st.st_ino))
    return out


class _Walker:
    def __init__(self, options: ScanOptions, meter: ProgressMeter, cancel: CancelToken | None) -> None:
        self.extensions = options.extensions
        self.min_size_bytes = options.min_size_bytes
        self.follow_symlinks = options.follow_symlinks
        self.protected_prefixes = _prefixes(options.protected_roots)
        self.protected_ids = protection.folder_identities(options.protected_roots)
        self.skipped_dirs = _skipped_identities(options)
        self.exclusions = Exclusions(options.exclude)
        self.meter, self.cancel = meter, cancel
        self.visited_dirs: set[tuple[int, int]] = set()
        self.seen_files: set[tuple[int, int]] = set()
        self.entries: list[FileEntry] = []
        self.problems: list[Problem] = []
        # Reached through one more symlink than the current pass: handled in the next pass.
        self.next_dirs: list[_Dir] = []
        self.next_files: list[tuple[str, os.stat_result, bool]] = []

    def run(self, roots: Iterable[str]) -> None:
        for root in sorted(set(roots)):
            top = self._open_root(root)
            if top is not None:
                self._walk([top])
        while self.next_dirs or self.next_files:
            dirs, files = self.next_dirs, self.next_files
            self.next_dirs, self.next_files = [], []
            for path, st, protected in files:
                self._add(path, st, protected)
            self._walk(dirs[::-1])

    def _problem(self, path: str, kind: ProblemKind, detail: str = "") -> None:
        self.problems.append(Problem(path, kind, detail))

    def _under_protected(self, path: str) -> bool:
        return bool(self.protected_prefixes) and os.path.join(os.path.normcase(path), "").startswith(
            self.protected_prefixes
        )

    def _protected_folder(self, real: str) -> bool:
        return bool(self.protected_ids) and protection.folder_is_protected(real, self.protected_ids)

    def _accepted_name(self, name: str) -> bool:
        """Suffix as pathlib sees it ("a.JPG" -> ".jpg", ".jpg" -> none), without splitext's overhead."""
        dot = name.rfind(".")
        return dot > 0 and name[dot:].lower() in self.extensions

    def _open_root(self, root: str) -> _Dir | None:
        try:
            st = os.stat(root)
        except FileNotFoundError:
            self._problem(root, ProblemKind.MISSING, "folder does not exist")
            return None
        except OSError as e:
            kind = ProblemKind.SYMLINK_LOOP if e.errno == errno.ELOOP else ProblemKind.FOLDER_UNREADABLE
            self._problem(root, kind, e.strerror or str(e))
            return None
        real = os.path.realpath(root)
        if stat.S_ISDIR(st.st_mode):
            ident = (st.st_dev, st.st_ino)
            if ident in self.visited_dirs:  # overlapping roots: already walked as part of an earlier root
                return None
            protected = self._under_protected(root) or self._under_protected(real) or self._protected_folder(real)
            return _Dir(root, real, ident, None, protected)
        if stat.S_ISREG(st.st_mode):
            if not self._accepted_name(os.path.basename(root)):
                self._problem(root, ProblemKind.UNSUPPORTED, "not an accepted image file type")
                return None
            protected = any(self._under_protected(os.path.dirname(p)) for p in (root, real))
            self._add(root, st, protected or protection.in_protected_folder(root, self.protected_ids))
            return None
        self._problem(root, ProblemKind.UNREADABLE, "not a folder or a regular file")
        return None

    def _add(self, path: str, st: os.stat_result, protected: bool) -> None:
        if st.st_size < self.min_size_bytes:
            return
        ident = (st.st_dev, st.st_ino)
        if ident in self.seen_files:
            return
        self.seen_files.add(ident)
        self.entries.append(
            FileEntry(path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, protected, st.st_ctime_ns)
        )
        self.meter.advance(1, path)

    def _walk(self, stack: list[_Dir]) -> None:
        """Depth first, iteratively; `stack` is popped from the end."""
        while stack:
            folder = stack.pop()
            if folder.ident in self.visited_dirs:
                continue
            self.visited_dirs.add(folder.ident)
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            try:
                with os.scandir(folder.path) as it:
                    items = sorted(it, key=_by_name)
            except FileNotFoundError:
                self._problem(folder.path, ProblemKind.MISSING, "folder disappeared during the scan")
                continue
            except OSError as e:
                self._problem(folder.path, ProblemKind.FOLDER_UNREADABLE, e.strerror or str(e))
                continue
            subdirs = []
            excluded_base = relative_to_top(folder) if self.exclusions else None  # exclusions hook
            for entry in items:
                try:
                    if excluded_base is not None and self.exclusions.skips_entry(excluded_base, entry):
                        continue
                    if entry.is_symlink():
                        if self.follow_symlinks:
                            self._symlink(entry, folder)
                    elif entry.is_dir(follow_symlinks=False):
                        sub = self._subdir(entry, folder)
                        if sub is not None:
                            subdirs.append(sub)
                    elif entry.is_file(follow_symlinks=False) and self._accepted_name(entry.name):
                        self._add(entry.path, _stat(entry, False), folder.protected)
                except FileNotFoundError:
                    self._problem(entry.path, ProblemKind.MISSING, "disappeared during the scan")
                except OSError as e:
                    self._problem(entry.path, ProblemKind.UNREADABLE, e.strerror or str(e))
            stack.extend(reversed(subdirs))

    def _subdir(self, entry: os.DirEntry, parent: _Dir) -> _Dir | None:
        if is_trash_folder_name(entry.name):
            return None
        st = _stat(entry, False)
        ident = (st.st_dev, st.st_ino)
        if ident in self.skipped_dirs:
            return None
        real = os.path.join(parent.real, entry.name)  # the parent is resolved and this entry is no symlink
        protected = parent.protected or ident in self.protected_ids
        protected = protected or self._under_protected(entry.path) or self._under_protected(real)
        return _Dir(entry.path, real, ident, parent, protected)

    def _symlink(self, entry: os.DirEntry, parent: _Dir) -> None:
        """Set a followed symlink aside for the next pass, or report it when it dangles or loops."""
        try:
            st = _stat(entry, True)
        except (FileNotFoundError, NotADirectoryError):
            self._problem(entry.path, ProblemKind.MISSING, f"symlink target does not exist: {_link_target(entry.path)}")
            return
        except OSError as e:
            if e.errno == errno.ELOOP:
                self._problem(entry.path, ProblemKind.SYMLINK_LOOP, "the symlink resolves to itself")
            else:
                self._problem(entry.path, ProblemKind.UNREADABLE, e.strerror or str(e))
            return
        if stat.S_ISDIR(st.st_mode):
            ident = (st.st_dev, st.st_ino)
            if is_trash_folder_name(entry.name) or ident in self.skipped_dirs:
                return
            ancestor = parent.ancestor_with(ident)
            if ancestor is not None:
                self._problem(entry.path, ProblemKind.SYMLINK_LOOP, f"points back to {ancestor.path}")
                return
            if ident in self.visited_dirs:
                return
            real = os.path.realpath(entry.path)
            protected = (
                parent.protected
                or self._protected_folder(real)
                or self._under_protected(entry.path)
                or self._under_protected(real)
            )
            self.next_dirs.append(_Dir(entry.path, real, ident, parent, protected))
        elif stat.S_ISREG(st.st_mode) and self._accepted_name(entry.name):
            real_parent = os.path.dirname(os.path.realpath(entry.path))
            protected = parent.protected or self._under_protected(real_parent) or self._protected_folder(real_parent)
            self.next_files.append((entry.path, st, protected))
