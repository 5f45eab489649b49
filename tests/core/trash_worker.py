"""Helpers that build scan results from real files, and a cleanup run in a child process for the kill -9 test.

As a script: `trash_worker.py FOLDER SIGNAL_AFTER MODE` treats files named gNNN_K.ext in FOLDER as groups
(K == 0 is the keeper, the others are marked), runs trash_files, and writes "N\\n" to stdout once N files have
been moved. MODE "pause" then blocks inside the mover (after the move, before the log says "trashed"),
the worst moment to die; MODE "race" carries on, so the kill lands wherever it lands.
"""

from __future__ import annotations

import functools
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote_to_bytes

from dupfinder.core.fingerprint import FingerprintError, content_digest, fingerprint_file
from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member, Pairs, ScanResult


@functools.cache
def _picture_png(seed: int) -> bytes:
    """A small smooth picture (colour blobs from 6x5 noise, as conftest.synthetic_photo): seeds are unrelated."""
    import numpy as np
    from PIL import Image, ImageFilter

    noise = np.random.default_rng(seed).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    picture = Image.fromarray(noise, "RGB").resize((48, 32), Image.Resampling.BICUBIC)
    picture = picture.filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def photo_bytes(tag: bytes, seed: int = 0) -> bytes:
    """A real small PNG of picture `seed`, with `tag` after its end: files of one seed are distinct files of one
    picture (the cleanup's fresh look decodes them and finds them alike), and `tag` tells them apart."""
    return _picture_png(seed) + tag


def trashed_as(original: str | os.PathLike, trash: str | os.PathLike | None = None) -> Path:
    """The one file in `trash` (default: the home trash) whose .trashinfo names `original` (absolute or relative)."""
    trash = Path(trash) if trash is not None else Path(os.environ["XDG_DATA_HOME"]) / "Trash"
    found = []
    for info in (trash / "info").glob("*.trashinfo"):
        text = info.read_text()
        path = os.fsdecode(unquote_to_bytes(text.split("Path=", 1)[1].split("\n", 1)[0]))
        if os.path.join(os.path.dirname(trash) if not os.path.isabs(path) else "", path) == str(original):
            assert "DeletionDate=" in text
            found.append(trash / "files" / info.name.removesuffix(".trashinfo"))
    assert len(found) == 1, found
    return found[0]


def record_for(path: str | os.PathLike, *, digest: bool = False, protected: bool = False) -> ImageRecord:
    """An ImageRecord for a real file as discovery would make it (path as given, stat following links), with its
    real fingerprint (zeros for a file that is no picture)."""
    st = os.stat(path)
    entry = FileEntry(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, protected)
    try:
        fingerprint = fingerprint_file(str(path))
    except FingerprintError:
        fingerprint = Fingerprint(8, 8, "JPEG", 0, 0, 0, 0)
    return ImageRecord(entry, fingerprint, content_digest(str(path)) if digest else None)


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
    from dupfinder.core.cleanup import mover, trash_files

    real_to_trash = mover.Mover.to_trash
    moved = 0

    def to_trash_then_signal(self, path: str, expected) -> str | None:
        nonlocal moved
        where = real_to_trash(self, path, expected)
        moved += 1
        if moved == signal_after:
            sys.stdout.write(f"{moved}\n")
            sys.stdout.flush()
            if mode == "pause":
                sys.stdin.buffer.read()  # the parent never writes: wait here for SIGKILL
        return where

    mover.Mover.to_trash = to_trash_then_signal
    result, groups, marks = scan_folder(Path(folder))
    trash_files(result, groups, marks, max_distance_bits=10)
    sys.stdout.write("finished\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
