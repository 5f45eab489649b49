"""How long the group list takes to fill its visible rows with thumbnails of big PNG, TIFF and GIF files.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. /work/venv/bin/python tests/benchmarks/bench_gui_thumbnails.py \
        [--dir /tmp/dupfinder-big-images] [--per-format 20] [--size 6000 4000] [--formats png tif gif]

Makes (once, then reuses) `--per-format` pictures of each format at `--size` in `--dir`: smooth colour fields with
shapes and grain, so they compress as photos do. Then, as the app does: a group list of those files (four per row, the
strip the list shows) in a window the size of the app's list, the thumbnail loader with the app's two threads, and the
time until every visible thumbnail has arrived. Also the time of one thumbnail per format, on its own.

In one run, the fill: without the fingerprint cache (every thumbnail decoded from its file); after fingerprinting
the files as a scan does (two workers), which keeps their thumbnails in a fresh cache; and with an empty cache twice,
where the first fill decodes and keeps what it made, the second reads it. Also the fingerprinting time with and
without making the thumbnails (the better of two alternated runs each: on a shared machine the CPU time is the
steadier figure), and the bytes the cache keeps for them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from dupfinder.core.cache import FingerprintCache
from dupfinder.core.fingerprint import FINGERPRINT_RECIPE, fingerprint_files
from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member, Pairs, ScanResult
from dupfinder.gui.group_delegate import ROW_HEIGHT, THUMB_PX, GroupDelegate
from dupfinder.gui.groups_model import GroupsModel, ThumbPathsRole
from dupfinder.gui.groups_view import GroupListView
from dupfinder.gui.thumbnails import StoredThumbnails, ThumbnailLoader, read_scaled_image

FORMATS = {"png": {}, "tif": {"compression": "tiff_lzw"}, "gif": {}}


def make_pictures(folder: Path, per_format: int, size: tuple[int, int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    width, height = size
    for k in range(per_format):
        wanted = [folder / f"big{k:02d}_{width}x{height}.{ext}" for ext in FORMATS]
        paths += wanted
        if all(path.exists() for path in wanted):
            continue
        rng = np.random.default_rng(k)
        y, x = np.mgrid[0 : height // 4, 0 : width // 4].astype(np.float32)
        field = np.stack([127 + 120 * np.sin(x / (75 + 10 * c + 3 * k) + y / (125 + 8 * c) + c) for c in range(3)], -1)
        base = Image.fromarray(field.astype(np.uint8), "RGB").resize(size, Image.Resampling.BICUBIC)
        base = ImageChops.add(base, Image.effect_noise(size, 6).convert("RGB"), offset=-128)  # grain
        draw = ImageDraw.Draw(base)
        for _ in range(30):
            x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
            draw.ellipse((x0, y0, x0 + int(rng.integers(100, 1500)), y0 + int(rng.integers(100, 1500))), fill=colour)
        for path, options in zip(wanted, FORMATS.values(), strict=True):
            (base.quantize(256) if path.suffix == ".gif" else base).save(path, **options)
    return paths


def wait_until(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()
    return condition()


def fingerprint_into(cache_path: Path | None, paths: list[Path]) -> tuple[float, float, int, int]:
    """Seconds and CPU seconds to fingerprint `paths` on two workers, as a scan does (with thumbnails when there is
    a cache to keep them, stored there as the scan stores them), and the count and bytes of the thumbnails made."""
    entries = []
    for path in paths:
        st = path.stat()
        entries.append(FileEntry(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, ctime_ns=st.st_ctime_ns))
    made: dict[str, bytes] | None = None if cache_path is None else {}
    started, cpu = time.perf_counter(), time.process_time()
    results = list(fingerprint_files(entries, workers=2, timeout_s=600, thumbnails=made))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert all(isinstance(fp, Fingerprint) for _, fp in results)
    if cache_path is None:
        return seconds, cpu, 0, 0
    with FingerprintCache(cache_path, FINGERPRINT_RECIPE) as cache:
        cache.store((entries[k], fp) for k, fp in results)
        cache.store_thumbnails((e, made[e.path]) for e in entries if e.path in made)
    return seconds, cpu, len(made), sum(map(len, made.values()))


def fill_visible_rows(paths: list[Path], stored: StoredThumbnails | None = None) -> tuple[float, int]:
    """Seconds until the visible rows' thumbnails have all arrived, and how many there were."""
    images = tuple(
        ImageRecord(FileEntry(str(p), p.stat().st_size, 0, 1, i), Fingerprint(6000, 4000, "PNG", 0, 0, 0, 0))
        for i, p in enumerate(paths)
    )
    groups = [
        Group(tuple(Member(i + k, 0 if k == 0 else 3, 100.0 if k == 0 else 97.0, False) for k in range(4)), i)
        for i in range(0, len(paths) - 3, 4)
    ]
    result = ScanResult(("/",), (), images, (), Pairs.empty(), "phash+dhash", 128, 32)
    loader = ThumbnailLoader(capacity=1500, threads=2, stored=stored)
    model = GroupsModel(marks=set())
    model.set_groups(result, groups)
    view = GroupListView()
    view.setModel(model)
    view.setItemDelegate(GroupDelegate(loader, view))
    view.resize(440, 12 * ROW_HEIGHT)
    loader.ready.connect(lambda *_: view.viewport().update())
    started = time.perf_counter()
    view.show()
    box = round(THUMB_PX * view.devicePixelRatioF())
    visible = [p for row in range(min(12, len(groups))) for p in model.data(model.index(row), ThumbPathsRole)]
    done = wait_until(lambda: all(loader.pixmap(p, box) is not None or loader.failed(p, box) for p in visible), 600)
    seconds = time.perf_counter() - started
    failed = sum(loader.failed(p, box) for p in visible)
    view.close()
    loader.wait_idle()
    assert done and not failed, f"{failed} thumbnails failed"
    return seconds, len(visible)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/dupfinder-big-images"))
    parser.add_argument("--per-format", type=int, default=20)
    parser.add_argument("--size", type=int, nargs=2, default=[6000, 4000])
    parser.add_argument("--formats", nargs="+", choices=list(FORMATS), default=list(FORMATS))
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    started = time.perf_counter()
    paths = [p for p in make_pictures(args.dir, args.per_format, tuple(args.size)) if p.suffix[1:] in args.formats]
    total_mb = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} pictures, {total_mb:.0f} MB, ready in {time.perf_counter() - started:.0f} s")
    for ext in args.formats:
        path = next(p for p in paths if p.suffix == f".{ext}")
        started = time.perf_counter()
        image = read_scaled_image(str(path), THUMB_PX)
        seconds = time.perf_counter() - started
        print(f"one {ext:<4} thumbnail: {seconds:6.2f} s, {image.width()}x{image.height()}")
    seconds, count = fill_visible_rows(paths)
    print(f"visible rows filled, no cache: {count} thumbnails in {seconds:.1f} s")
    with tempfile.TemporaryDirectory(prefix="bench-thumbs-") as folder:
        cache_path = Path(folder) / "scanned.sqlite3"
        runs = [(fingerprint_into(None, paths), fingerprint_into(cache_path, paths)) for _ in range(2)]  # alternated
        plain, plain_cpu = min(r[0][0] for r in runs), min(r[0][1] for r in runs)
        with_thumbnails, cpu = min(r[1][0] for r in runs), min(r[1][1] for r in runs)
        made, size = runs[0][1][2:]
        per_picture = [1000 * c / len(paths) for c in (plain_cpu, cpu)]
        print(
            f"fingerprinting {len(paths)} pictures: {plain:.1f} s ({per_picture[0]:.0f} ms CPU a picture),"
            f" making thumbnails {with_thumbnails:.1f} s ({per_picture[1]:.0f} ms CPU a picture,"
            f" {per_picture[1] - per_picture[0]:+.0f} ms); {made} thumbnails, {size / made / 1e3:.1f} kB each,"
            f" {size / 1e6:.2f} MB in all; cache file {cache_path.stat().st_size / 1e6:.2f} MB"
        )
        seconds, count = fill_visible_rows(paths, StoredThumbnails(cache_path))
        print(f"visible rows filled after fingerprinting: {count} thumbnails in {seconds:.2f} s")
        cache_path = Path(folder) / "empty.sqlite3"
        first, _ = fill_visible_rows(paths, StoredThumbnails(cache_path))
        second, _ = fill_visible_rows(paths, StoredThumbnails(cache_path))
        print(f"visible rows filled with an empty cache: {first:.1f} s, then again {second:.2f} s")
    del app


if __name__ == "__main__":
    main()
