"""Helpers for the end-to-end safety tests: a photo library with every awkward way of reaching a file twice,
and checks that say, after a cleanup, whether any picture was lost."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from dupfinder.core.grouping import regroup
from dupfinder.core.models import Group, ScanResult
from dupfinder.core.options import Preset, ScanOptions, preset_distance
from dupfinder.core.scanner import run_scan

NORMAL_BITS = preset_distance(Preset.NORMAL, ScanOptions(roots=("/",)).hash_kind)


def trash_dir() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def trashed_contents() -> list[bytes]:
    files = trash_dir() / "files"
    return [p.read_bytes() for p in files.iterdir()] if files.is_dir() else []


def content_key(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def snapshot(root: Path) -> dict[str, set[str]]:
    """content -> every path (not through symlinks) holding it, for the regular files under root."""
    found: dict[str, set[str]] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                found.setdefault(content_key(Path(path).read_bytes()), set()).add(path)
    return found


def json_groups_without_survivor(report_path: Path) -> list[list[str]]:
    """From a `scan --json` report: the groups none of whose member paths still exists."""
    groups = json.loads(report_path.read_text(encoding="utf-8"))["groups"]
    paths = [[m["path"] for m in g["members"]] for g in groups]
    assert paths, "the report has no groups"
    return [g for g in paths if not any(os.path.isfile(p) for p in g)]


def nothing_destroyed(before: dict[str, set[str]], root: Path) -> bool:
    """Every content is still under root or in the trash (a moved file is somewhere, never gone)."""
    now = set(snapshot(root)) | {content_key(d) for d in trashed_contents()}
    return set(before) <= now


def groups_without_survivor(result: ScanResult, groups: Iterable[Group]) -> list[list[str]]:
    """Groups none of whose members is still in place, unchanged (by identity, size and mtime)."""
    bad = []
    for group in groups:
        if not any(_unchanged(result, i) for i in group.images):
            bad.append([result.images[i].path for i in group.images])
    return bad


def _unchanged(result: ScanResult, image: int) -> bool:
    entry = result.images[image].file
    try:
        st = os.stat(entry.path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) == (*entry.identity, entry.size_bytes, entry.mtime_ns)


def scan_and_group(*roots: Path, protected: Iterable[Path] = ()) -> tuple[ScanResult, tuple[Group, ...]]:
    result = run_scan(ScanOptions(roots=tuple(map(str, roots)), protected_roots=tuple(map(str, protected))))
    return result, regroup(result, NORMAL_BITS)


def build_library(root: Path, make_photo) -> Path:
    """Photos with resized, recompressed and byte-identical copies, hard links, and a symlinked file.

    a/p1.jpg  a/sub/p1-small.png  a/sub/p1-copy.jpg (byte copy)   -> one group of three
    a/p2.jpg  a/sub/p2-q40.jpg                                     -> one group of two
    a/p3.jpg                                                       -> alone
    a/hard/h1.jpg == a/hard/h2.jpg (hard links)  a/hard-copy.jpg   -> one real file and its byte copy
    a/sub/p3-link.jpg -> ../p3.jpg (symlink)                       -> still alone
    """
    a = root / "a"
    p1 = make_photo(a / "p1.jpg", 1, (640, 480), quality=95)
    make_photo(a / "sub" / "p1-small.png", 1, (320, 240))
    shutil.copy2(p1, a / "sub" / "p1-copy.jpg")
    make_photo(a / "p2.jpg", 2, (640, 480), quality=95)
    make_photo(a / "sub" / "p2-q40.jpg", 2, (640, 480), quality=40)
    make_photo(a / "p3.jpg", 3, (640, 480), quality=90)
    h1 = make_photo(a / "hard" / "h1.jpg", 4, (400, 300), quality=90)
    os.link(h1, a / "hard" / "h2.jpg")
    shutil.copy2(h1, a / "hard-copy.jpg")
    (a / "sub" / "p3-link.jpg").symlink_to("../p3.jpg")
    return a
