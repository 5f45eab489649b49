"""Time a cleanup of N byte-identical duplicates that all have the same name (`d0000/folder.jpg`, ...), into a
fresh trash under a temporary HOME: the case where picking a free name in the trash can go quadratic.

Also times send2trash alone on the same files, as a reference. Run against another checkout (e.g. the code before
the cleanup package) with PYTHONPATH=THAT_CHECKOUT; both APIs are understood. FOLDER (default: the system's temporary
folder) holds everything; on a tmpfs such as /dev/shm fsync costs nothing, which leaves the name-picking cost alone
(on a shared disk, three fsyncs per file dominate and vary with the load).
Run from the checkout to measure: PYTHONPATH=. python tests/benchmarks/bench_trash_same_name.py [N [FOLDER]]
(without PYTHONPATH, Python imports whichever dupfinder is installed; the first line says which one ran).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image


def library(root: Path, count: int) -> list[Path]:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(data, "JPEG")
    paths = []
    for n in range(count):
        path = root / f"d{n:04d}" / "folder.jpg"
        path.parent.mkdir(parents=True)
        path.write_bytes(data.getvalue())
        paths.append(path)
    return paths


def with_home(work: Path, name: str) -> None:
    """A fresh HOME, data folder and trash for one measurement."""
    home = work / name
    folders = {"HOME": "", "XDG_DATA_HOME": ".local/share", "DUPFINDER_DATA_DIR": ".local/share/dupfinder"}
    for var, sub in folders.items():
        (home / sub).mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(home / sub)


def time_cleanup(paths: list[Path]) -> float:
    from dupfinder.core.fingerprint import content_digest, fingerprint_file
    from dupfinder.core.models import FileEntry, Group, ImageRecord, Member, Pairs, ScanResult

    fingerprint = fingerprint_file(str(paths[0]))
    records = []
    for p in paths:
        st = os.stat(p)
        entry = FileEntry(str(p), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, False, st.st_ctime_ns)
        records.append(ImageRecord(entry, fingerprint, content_digest(str(p))))
    result = ScanResult((), (), tuple(records), (), Pairs.empty(), "phash+dhash", 64, 12)
    group = Group(tuple(Member(i, 0, 100.0, True) for i in range(len(paths))), 0)
    marks = set(range(1, len(paths)))
    try:
        from dupfinder.core.cleanup import trash_files

        def run():
            return trash_files(result, [group], marks, max_distance_bits=12)
    except ImportError:  # the code before core/cleanup/
        from dupfinder.core.trash import trash_files

        def run():
            return trash_files(result, [group], marks)

    t0 = time.perf_counter()
    report = run()
    elapsed = time.perf_counter() - t0
    assert len(report.moved) == len(paths) - 1, (len(report.moved), report.refused[:2], report.failed[:2])
    return elapsed


def time_send2trash(paths: list[Path]) -> float:
    from send2trash import plat_other

    data_home = os.environ["XDG_DATA_HOME"]
    plat_other.XDG_DATA_HOME, plat_other.HOMETRASH_B = os.fsencode(data_home), os.fsencode(data_home + "/Trash")
    t0 = time.perf_counter()
    for p in paths[1:]:
        plat_other.send2trash(str(p))
    return time.perf_counter() - t0


def main() -> None:
    import dupfinder

    print(f"dupfinder from {os.path.dirname(dupfinder.__file__)}")
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    work = Path(tempfile.mkdtemp(prefix="bench-trash-", dir=sys.argv[2] if len(sys.argv) > 2 else None))
    try:
        with_home(work, "home-cleanup")
        cleanup = time_cleanup(library(work / "lib-cleanup", count))
        print(f"trash_files, {count - 1} files named folder.jpg: {cleanup:.2f} s")
        with_home(work, "home-send2trash")
        alone = time_send2trash(library(work / "lib-send2trash", count))
        print(f"send2trash alone, same files: {alone:.2f} s")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
