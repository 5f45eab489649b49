"""Helpers that build scan results from real files, and a cleanup run in a child process for the kill -9 test.

As a script: `trash_worker.py FOLDER SIGNAL_AFTER MODE` treats files named gNNN_K.ext in FOLDER as groups
(K == 0 is the keeper, the others are marked), runs trash_files, and writes "N\\n" to stdout once N files have
been moved. MODE "pause" then blocks inside the trash call (after the move, before the log says "trashed"),
the worst moment to die; MODE "race" carries on, so the kill lands wherever it lands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dupfinder.core.fingerprint import content_digest
from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member, Pairs, ScanResult


def record_for(path: str | os.PathLike, *, digest: bool = False, protected: bool = False) -> ImageRecord:
    """An ImageRecord for a real file as discovery would make it (path as given, stat following links)."""
    st = os.stat(path)
    entry = FileEntry(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, protected)
    return ImageRecord(entry, Fingerprint(8, 8, "JPEG", 0, 0, 0, 0), content_digest(str(path)) if digest else None)


def build_result(records: Sequence[ImageRecord], protected_roots: Sequence[str | os.PathLike] = ()) -> ScanResult:
    return ScanResult(
        roots=(),
        protected_roots=tuple(str(r) for r in protected_roots),
        images=tuple(records),
        problems=(),
        pairs=Pairs.empty(),
        hash_name="phash",
        hash_bits=64,
        max_distance_bits=10,
    )


def group_of(members: Sequence[int], keeper: int | None = None) -> Group:
    return Group(tuple(Member(i, 0, 100.0, True) for i in members), members[0] if keeper is None else keeper)


def scan_folder(folder: Path) -> tuple[ScanResult, list[Group], set[int]]:
    """Groups from file names gNNN_K.ext: keeper K == 0, marks for every other K."""
    paths = sorted(folder.iterdir())
    result = build_result([record_for(p) for p in paths])
    by_group: dict[str, list[int]] = {}
    for i, p in enumerate(paths):
        by_group.setdefault(p.name.split("_")[0], []).append(i)
    groups = [group_of(members) for members in by_group.values()]
    marks = {i for members in by_group.values() for i in members[1:]}
    return result, groups, marks


def main(folder: str, signal_after: int, mode: str) -> None:
    from dupfinder.core import trash

    real_send2trash = trash.send2trash
    moved = 0

    def send2trash_then_signal(path: str) -> None:
        nonlocal moved
        real_send2trash(path)
        moved += 1
        if moved == signal_after:
            sys.stdout.write(f"{moved}\n")
            sys.stdout.flush()
            if mode == "pause":
                sys.stdin.buffer.read()  # the parent never writes: wait here for SIGKILL

    trash.send2trash = send2trash_then_signal
    result, groups, marks = scan_folder(Path(folder))
    trash.trash_files(result, groups, marks)
    sys.stdout.write("finished\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
