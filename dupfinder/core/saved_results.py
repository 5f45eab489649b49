"""Save a scan's results and reopen them another day: the groups, the marks and the threshold, in one JSON file.

The file holds the whole ScanResult (every image's path, identity — size, mtime_ns, ctime_ns, dev, ino — fingerprint
and digest, the stored pairs, the problems), the threshold and the marks, so regrouping works as after a scan.

Reopening never trusts the old scan to move a file. `file_states()` re-stats every image and says which changed or
vanished since the save ("changed since saved", "missing"); `load()` drops the marks of those files; and the trash step
is the same `trash.trash_files` as after a fresh scan, which checks every file again (identity, size, mtime, ctime and,
where the scan took one, the content digest) and refuses a changed one, or one whose kept copy changed.

Writing follows report_files' rules: a new file in an existing folder, or an earlier saved-results file (recognised by
its first bytes); never a photo, a symlink, a report or another program's file. Written to a temporary file beside it
and renamed over it, so a failed write leaves the old file whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from dupfinder import __version__
from dupfinder.core.image_table import ImageTable
from dupfinder.core.models import (
    FileEntry,
    Fingerprint,
    Group,
    ImageRecord,
    Pairs,
    Problem,
    ProblemKind,
    ScanResult,
    ScanStats,
)
from dupfinder.core.report_files import ReportPathRefused

FORMAT_KEY = "dupfinder_saved_results"
FORMAT_VERSION = 1
_START = re.compile(rb'\A\{\s*"dupfinder_saved_results":\s*\d+,')
_SNIFF_BYTES = 256
CHANGED, MISSING = "changed since saved", "missing"


class SavedResultsError(ValueError):
    """The file is not saved results this version can read."""


@dataclass(frozen=True, slots=True)
class SavedResults:
    result: ScanResult
    threshold_bits: int
    marks: frozenset[int]
    preset: str | None
    saved_at: str
    stale: dict[int, str]  # image -> CHANGED or MISSING (checked when loaded)
    dropped_marks: frozenset[int] = frozenset()  # marks not restored because their file changed or vanished


# -- writing ---------------------------------------------------------------------------------------------------------
def check_save_path(path: str) -> str:
    """The absolute path if results may be saved there (new, or earlier saved results); raises ReportPathRefused."""
    if not path:
        raise ReportPathRefused("the results file name is empty")
    path = os.path.abspath(os.path.expanduser(path))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            raise ReportPathRefused(f"{path}: the folder {folder} does not exist") from None
        return path
    if stat.S_ISLNK(st.st_mode):
        raise ReportPathRefused(f"{path} is a symbolic link; give the path of the file itself")
    if not stat.S_ISREG(st.st_mode) or not is_saved_results(path):
        raise ReportPathRefused(f"{path} exists and is not earlier dupfinder saved results; it is left alone")
    return path


def is_saved_results(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return _START.match(f.read(_SNIFF_BYTES)) is not None
    except OSError:
        return False


_HASH_TUPLES = ("turned_phash", "turned_dhash", "window_phash", "window_dhash")
_PAIR_ARRAYS = tuple(f.name for f in dataclasses.fields(Pairs))  # the four pair arrays, then the second measure's


def to_json_dict(result: ScanResult, *, threshold_bits: int, marks: Collection[int], preset: str | None) -> dict:
    def fp_json(fp: Fingerprint) -> dict:
        return {
            "width": fp.width, "height": fp.height, "format": fp.format, "taken": fp.taken,
            **{h: f"{getattr(fp, h):016x}" for h in ("ahash", "phash", "dhash", "whash")},
            **{h: [f"{v:016x}" for v in getattr(fp, h)] for h in _HASH_TUPLES}, "detail": fp.detail,
        }  # fmt: skip

    images = [
        {
            "path": im.path, "size_bytes": im.file.size_bytes, "mtime_ns": im.file.mtime_ns,
            "ctime_ns": im.file.ctime_ns, "dev": im.file.dev, "ino": im.file.ino, "protected": im.file.protected,
            "digest": im.digest.hex() if im.digest is not None else None, "fingerprint": fp_json(im.fingerprint),
        }
        for im in result.images
    ]  # fmt: skip
    return {
        FORMAT_KEY: FORMAT_VERSION,
        "tool": f"dupfinder {__version__}",
        "saved_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "roots": list(result.roots),
        "protected_roots": list(result.protected_roots),
        "hash": result.hash_name,
        "hash_bits": result.hash_bits,
        "max_distance_bits": result.max_distance_bits,
        "matched_turned": result.matched_turned,
        "threshold_bits": threshold_bits,
        "preset": preset,
        "marks": sorted(int(m) for m in marks if 0 <= m < len(result.images)),
        "images": images,
        "pairs": {name: getattr(result.pairs, name).tolist() for name in _PAIR_ARRAYS},
        "problems": [{"path": p.path, "kind": p.kind.name, "detail": p.detail} for p in result.problems],
        "warnings": list(result.warnings),
        "stats": {
            "files_seen": result.stats.files_seen,
            "images_fingerprinted": result.stats.images_fingerprinted,
            "images_from_cache": result.stats.images_from_cache,
            "skipped": result.stats.skipped,
            "elapsed_s": result.stats.elapsed_s,
        },
    }


def save(
    path: str, result: ScanResult, *, threshold_bits: int, marks: Collection[int], preset: str | None = None
) -> str:
    """Write the results to `path` (checked as check_save_path says, again just before the rename). Returns the
    absolute path. Raises ReportPathRefused or OSError; the target is untouched then."""
    target = check_save_path(path)
    identity = _identity(target)
    data = to_json_dict(result, threshold_bits=threshold_bits, marks=marks, preset=preset)
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))  # ASCII: odd file names round-trip exactly
    scanned = result.images.files.identities()
    folder = os.path.dirname(target)
    fd, temp = tempfile.mkstemp(prefix=".dupfinder-results-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("ascii") + b"\n")
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        now = _identity(target)
        if now is not None and (now in scanned or now != identity or not is_saved_results(target)):
            raise ReportPathRefused(f"{target} appeared or changed meanwhile; it is left alone")
        if now is None and identity is not None:
            raise ReportPathRefused(f"{target} disappeared meanwhile; nothing was written there")
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return target


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


# -- reading ---------------------------------------------------------------------------------------------------------
def load(path: str) -> SavedResults:
    """Read saved results and check every file against the disk. Raises OSError or SavedResultsError."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(path) and not os.path.isfile(path):
        raise SavedResultsError(f"{path} is not a regular file")
    if not is_saved_results(path):
        if not os.path.exists(path):
            raise FileNotFoundError(f"no such file: {path}")
        raise SavedResultsError(f"{path} is not a dupfinder saved-results file")
    with open(path, "rb") as f:
        try:
            data = json.loads(f.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise SavedResultsError(f"{path} is damaged: {exc}") from exc
    if data.get(FORMAT_KEY) != FORMAT_VERSION:
        raise SavedResultsError(f"{path} was saved by another dupfinder version (format {data.get(FORMAT_KEY)})")
    try:
        result, threshold, marks = _from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise SavedResultsError(f"{path} is damaged: {exc}") from exc
    stale = file_states(result.images)
    kept = frozenset(m for m in marks if m not in stale)
    return SavedResults(
        result, threshold, kept, data.get("preset"), str(data.get("saved_at", "")), stale, frozenset(marks - kept)
    )


def _from_json(data: dict) -> tuple[ScanResult, int, frozenset[int]]:
    def fingerprint(d: dict) -> Fingerprint:
        return Fingerprint(
            int(d["width"]), int(d["height"]), str(d["format"]), *(int(d[h], 16) for h in ("ahash", "phash", "dhash",
            "whash")), d.get("taken"), *(tuple(int(v, 16) for v in d.get(h, ())) for h in _HASH_TUPLES),
            None if d.get("detail") is None else float(d["detail"]),
        )  # fmt: skip

    images = tuple(
        ImageRecord(
            FileEntry(str(d["path"]), int(d["size_bytes"]), int(d["mtime_ns"]), int(d["dev"]), int(d["ino"]),
                      bool(d["protected"]), int(d.get("ctime_ns", 0))),
            fingerprint(d["fingerprint"]),
            bytes.fromhex(d["digest"]) if d.get("digest") else None,
        )
        for d in data["images"]
    )  # fmt: skip
    p = data["pairs"]
    empty = Pairs.empty()
    pairs = Pairs(**{name: np.array(p.get(name, ()), getattr(empty, name).dtype) for name in _PAIR_ARRAYS})
    measured = [len(getattr(pairs, name)) for name in _PAIR_ARRAYS[4:]]
    if any(measured) and set(measured) != {len(pairs.left)}:
        raise ValueError("the second measure's arrays do not match the pairs")
    count = len(images)
    if len(pairs.left) and (min(pairs.left.min(), pairs.right.min()) < 0 or max(pairs.left.max(), pairs.right.max())
                            >= count):  # fmt: skip
        raise ValueError("a pair names an image that is not in the file")
    if not len(pairs.left) == len(pairs.right) == len(pairs.distance_bits) == len(pairs.identical):
        raise ValueError("the pair arrays differ in length")
    problems = tuple(
        Problem(str(q["path"]), ProblemKind[q["kind"]], str(q.get("detail", ""))) for q in data["problems"]
    )
    stats = data.get("stats", {})
    result = ScanResult(
        roots=tuple(data["roots"]),
        protected_roots=tuple(data["protected_roots"]),
        images=images,
        problems=problems,
        pairs=pairs,
        hash_name=str(data["hash"]),
        hash_bits=int(data["hash_bits"]),
        max_distance_bits=int(data["max_distance_bits"]),
        stats=ScanStats(
            files_seen=int(stats.get("files_seen", count)),
            images_fingerprinted=int(stats.get("images_fingerprinted", 0)),
            images_from_cache=int(stats.get("images_from_cache", 0)),
            skipped=int(stats.get("skipped", len(problems))),
            elapsed_s=float(stats.get("elapsed_s", 0.0)),
        ),
        matched_turned=bool(data.get("matched_turned", False)),
        warnings=tuple(data.get("warnings", ())),
    )
    threshold = min(int(data["threshold_bits"]), result.max_distance_bits)
    marks = frozenset(int(m) for m in data.get("marks", ()) if 0 <= int(m) < count)
    return result, threshold, marks


def file_states(images: Sequence[ImageRecord]) -> dict[int, str]:
    """image -> CHANGED or MISSING for every image whose file is no longer what was saved (by lstat: identity, size,
    mtime, ctime; the trash step also re-hashes files that have a digest)."""
    out: dict[int, str] = {}
    for i, entry in enumerate(ImageTable.of(images).files):
        try:
            st = os.lstat(entry.path)
        except FileNotFoundError:
            out[i] = MISSING
            continue
        except OSError:
            out[i] = CHANGED
            continue
        if (
            not stat.S_ISREG(st.st_mode)
            or (st.st_dev, st.st_ino) != entry.identity
            or st.st_size != entry.size_bytes
            or st.st_mtime_ns != entry.mtime_ns
            or (entry.ctime_ns and st.st_ctime_ns != entry.ctime_ns)
        ):
            out[i] = CHANGED
    return out


def regroup_saved(
    saved: SavedResults, threshold_bits: int
) -> tuple[ScanResult, tuple[Group, ...], frozenset[int], tuple[str, ...]]:
    """(result, groups, marks, warnings) as a review continues: the pairs the user has since said are not duplicates
    dropped, groups at the threshold, the saved marks that are still valid (files unchanged, in a group), and each
    group's keeper moved off a marked photo (to the best unmarked one), as the app does."""
    from dupfinder.core.grouping import regroup
    from dupfinder.core.ignore import IgnoreList, IgnoreListError, without_ignored
    from dupfinder.core.selection import choose_keeper, quality_rank

    result, warnings = saved.result, ()
    try:
        result = without_ignored(result, IgnoreList.load())
    except IgnoreListError as exc:
        warnings = (str(exc),)
    groups = regroup(result, threshold_bits)
    in_groups = {image for group in groups for image in group.images}
    marks = frozenset(m for m in saved.marks if m in in_groups and m not in saved.stale)
    rank = quality_rank(result.images)
    followed = []
    for group in groups:
        unmarked = [image for image in group.images if image not in marks]
        if group.keeper in marks and unmarked:
            group = dataclasses.replace(group, keeper=choose_keeper(unmarked, result.images, rank))
        followed.append(group)
    return result, tuple(followed), marks, warnings
