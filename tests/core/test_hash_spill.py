"""The turned and window hashes a scan keeps on disk for the candidate search (matching.hash_spill)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from dupfinder.core.matching.hash_spill import ROW_BYTES, TURNED_HASHES, WINDOW_HASHES, HashSpill
from dupfinder.core.models import Fingerprint, Hashes, Route
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan


def fingerprint(rng: random.Random, *, turned: bool = True, windows: bool = True) -> Fingerprint:
    def some(n: int) -> tuple[int, ...]:
        return tuple(rng.getrandbits(64) for _ in range(n))

    return Fingerprint(
        640, 480, "PNG", *some(4), None,
        some(TURNED_HASHES) if turned else (), some(TURNED_HASHES) if turned else (),
        some(WINDOW_HASHES) if windows else (), some(WINDOW_HASHES) if windows else (), 12.5,
    )  # fmt: skip


def expected(fp: Fingerprint, columns) -> tuple[np.ndarray, ...]:
    tp = np.array(list(fp.turned_phash) or [0] * TURNED_HASHES, np.uint64)
    td = np.array(list(fp.turned_dhash) or [0] * TURNED_HASHES, np.uint64)
    wp = np.array(list(fp.window_phash) or [0] * WINDOW_HASHES, np.uint64)[list(columns)]
    wd = np.array(list(fp.window_dhash) or [0] * WINDOW_HASHES, np.uint64)[list(columns)]
    return tp, td, wp, wd


def check_reads(spill: HashSpill, fps: dict[int, Fingerprint], count: int) -> None:
    """Every row read back, in scattered and dense orders, equals what was put (zeros and absent where none)."""
    images = list(range(count))
    source = spill.for_images(images, images)
    columns = [0, 5, WINDOW_HASHES - 1]
    for rows in (np.arange(count), np.array([count - 1, 3, 0, 3]), np.arange(0, count, 9)):
        tp, td, has_turned = source.turned(rows)
        wp, wd, has_windows = source.windows(rows, columns)
        for k, row in enumerate(rows.tolist()):
            fp = fps.get(row)
            if fp is None:
                assert not has_turned[k] and not has_windows[k] and not tp[k].any() and not wp[k].any()
                continue
            want = expected(fp, columns)
            assert has_turned[k] == bool(fp.turned_phash) and has_windows[k] == bool(fp.window_phash)
            for got, value in zip((tp[k], td[k], wp[k], wd[k]), want, strict=True):
                assert np.array_equal(got, value)


def test_hashes_read_back_by_row_whatever_the_order_they_were_put_in(tmp_path):
    rng = random.Random(1)
    count = 300
    fps = {i: fingerprint(rng, turned=i % 7 != 0, windows=i % 5 != 0) for i in range(count) if i % 11 != 0}
    spill = HashSpill(count, str(tmp_path))
    lean = {}
    for i in sorted(fps, key=lambda _: rng.random()):  # workers finish in any order
        lean[i] = spill.lean(i, fps[i])
    try:
        for i, fp in lean.items():
            assert (fp.turned_phash, fp.window_dhash) == (Hashes.of(b""), Hashes.of(b""))
            assert (fp.phash, fp.width, fp.detail) == (fps[i].phash, fps[i].width, fps[i].detail)
        check_reads(spill, fps, count)
        assert list(tmp_path.iterdir()) == []  # an unlinked file: nothing left behind, whatever happens
    finally:
        spill.close()


def test_hashes_stay_in_memory_when_no_file_can_be_made(tmp_path):
    rng = random.Random(2)
    fps = {i: fingerprint(rng) for i in range(0, 40, 3)}
    spill = HashSpill(40, str(tmp_path / "missing-folder"))
    for i, fp in fps.items():
        spill.lean(i, fp)
    try:
        check_reads(spill, fps, 40)
    finally:
        spill.close()


def test_a_row_is_the_cache_blobs_layout():
    assert ROW_BYTES == 2 * 8 * (TURNED_HASHES + WINDOW_HASHES)


def test_a_scans_records_hold_no_turned_or_window_hashes_yet_a_mirrored_copy_is_found(tmp_path):
    rng = random.Random(3)
    im = Image.new("RGB", (480, 360), (30, 60, 90))
    draw = ImageDraw.Draw(im)
    for _ in range(120):
        x, y = rng.randrange(480), rng.randrange(360)
        draw.rectangle((x, y, x + rng.randrange(10, 80), y + rng.randrange(10, 80)),
                       fill=tuple(rng.randrange(256) for _ in range(3)))  # fmt: skip
    folder = Path(tmp_path, "photos")
    folder.mkdir()
    im.save(folder / "original.png")
    im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(folder / "mirrored.png")
    for cached in (False, True):  # decoded, then from the cache
        result = run_scan(ScanOptions(roots=(str(folder),), cache_path=str(tmp_path / "cache.sqlite")))
        assert all(not im.fingerprint.turned_phash and not im.fingerprint.window_phash for im in result.images)
        assert Route.TURNED in result.pairs.route.tolist(), cached
