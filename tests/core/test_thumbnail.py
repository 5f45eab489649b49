"""Stored thumbnails: made by fingerprinting for big pictures decoded whole, kept by the cache while the file is
unchanged, dropped with their fingerprints, and read back only when they are sound."""

from __future__ import annotations

import io
import os
import sqlite3

import pytest
from PIL import Image

from dupfinder.core import decode, thumbnail
from dupfinder.core.cache import FingerprintCache
from dupfinder.core.fingerprint import FINGERPRINT_RECIPE, fingerprint_file
from dupfinder.core.models import FileEntry
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan


@pytest.fixture(autouse=True)
def small_is_big(monkeypatch):
    """Pictures over 10,000 pixels count as big, so the tests' pictures stay small."""
    monkeypatch.setattr(thumbnail, "MIN_PIXELS", 10_000)


def entry_now(path) -> FileEntry:
    st = os.stat(path)
    return FileEntry(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, ctime_ns=st.st_ctime_ns)


def stored(cache_path, *files) -> list[bytes | None]:
    with FingerprintCache(cache_path, FINGERPRINT_RECIPE) as cache:
        found = cache.lookup_thumbnails([entry_now(f) for f in files])
    return [found.get(i) for i in range(len(files))]


def scan(root, cache_path):
    return run_scan(ScanOptions(roots=(str(root),), cache_path=str(cache_path)))


def thumbnail_rows(cache_path) -> list[bytes]:
    with sqlite3.connect(cache_path) as db:
        return [row[0] for row in db.execute("SELECT path FROM thumbnails")]


def test_a_scan_stores_thumbnails_of_big_png_tiff_and_gif_only(tmp_path, make_photo):
    root = tmp_path / "photos"
    big = [make_photo(root / "a.png", 1, (400, 300)), make_photo(root / "b.tif", 2, (400, 300))]
    big.append(make_photo(root / "c.gif", 3, (400, 300)))
    jpeg = make_photo(root / "d.jpg", 4, (400, 300), quality=90)  # decoded at a reduced scale: no thumbnail
    small = make_photo(root / "e.png", 5, (90, 90))  # under MIN_PIXELS: decoding it is cheap anyway
    cache_path = tmp_path / "cache.sqlite3"
    scan(root, cache_path)
    *made, for_jpeg, for_small = stored(cache_path, *big, jpeg, small)
    assert for_jpeg is None and for_small is None
    for data in made:
        assert data is not None and data[8:12] == b"WEBP"
        assert thumbnail.decoded(data).size == (160, 120)


def test_making_the_thumbnail_leaves_the_fingerprint_as_it_was(tmp_path, make_photo):
    path = str(make_photo(tmp_path / "a.png", 1, (400, 300)))
    kept: dict[str, bytes] = {}
    assert fingerprint_file(path, thumbnails=kept) == fingerprint_file(path)
    assert list(kept) == [path]


@pytest.mark.parametrize("name", ["turned.png", "turned.tif"])
def test_the_thumbnail_is_upright(tmp_path, name):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90°: portrait
    picture = Image.new("RGB", (400, 200), "red")
    picture.paste((0, 0, 255), (0, 0, 200, 200))  # blue left half: after the turn, the top half
    picture.save(tmp_path / name, exif=exif)
    kept: dict[str, bytes] = {}
    fingerprint_file(str(tmp_path / name), thumbnails=kept)
    small = thumbnail.decoded(kept[str(tmp_path / name)])
    assert small.size == (80, 160)
    top, bottom = small.getpixel((40, 10)), small.getpixel((40, 150))
    assert top[2] > 200 > top[0] and bottom[0] > 200 > bottom[2]


def test_a_transparent_picture_keeps_its_transparency(tmp_path):
    picture = Image.new("RGBA", (400, 300), (255, 0, 0, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 200, 300))
    picture.save(tmp_path / "a.png")
    kept: dict[str, bytes] = {}
    fingerprint_file(str(tmp_path / "a.png"), thumbnails=kept)
    small = thumbnail.decoded(kept[str(tmp_path / "a.png")])
    assert small.mode == "RGBA" and small.getpixel((10, 60))[3] == 0 and small.getpixel((150, 60))[3] == 255


def test_a_changed_file_gets_no_stale_thumbnail(tmp_path, make_photo):
    root = tmp_path / "photos"
    path = make_photo(root / "a.png", 1, (400, 300))
    cache_path = tmp_path / "cache.sqlite3"
    scan(root, cache_path)
    (old,) = stored(cache_path, path)
    make_photo(path, 2, (400, 300))  # another picture at the same path
    assert stored(cache_path, path) == [None]  # before any rescan: the old one is not the file's
    scan(root, cache_path)
    (new,) = stored(cache_path, path)
    assert new is not None and new != old
    make_photo(path, 3, (90, 90))  # now too small for a thumbnail: the rescan drops the old one
    scan(root, cache_path)
    assert stored(cache_path, path) == [None] and thumbnail_rows(cache_path) == []


def test_thumbnails_go_with_the_fingerprints_when_the_recipe_changes(tmp_path, make_photo):
    root = tmp_path / "photos"
    path = make_photo(root / "a.png", 1, (400, 300))
    cache_path = tmp_path / "cache.sqlite3"
    scan(root, cache_path)
    assert len(thumbnail_rows(cache_path)) == 1
    with FingerprintCache(cache_path, "another recipe") as cache:
        assert cache.lookup([entry_now(path)]) == {} and cache.lookup_thumbnails([entry_now(path)]) == {}
    assert thumbnail_rows(cache_path) == []


def test_a_cache_made_before_thumbnails_keeps_its_fingerprints(tmp_path, make_photo):
    root = tmp_path / "photos"
    path = make_photo(root / "a.png", 1, (400, 300))
    cache_path = tmp_path / "cache.sqlite3"
    scan(root, cache_path)
    with sqlite3.connect(cache_path) as db:
        db.execute("DROP TABLE thumbnails")
    with FingerprintCache(cache_path, FINGERPRINT_RECIPE) as cache:
        assert cache.warnings == [] and len(cache.lookup([entry_now(path)])) == 1
        assert cache.lookup_thumbnails([entry_now(path)]) == {}
        cache.store_thumbnails([(entry_now(path), b"bytes")])
        assert cache.lookup_thumbnails([entry_now(path)]) == {0: b"bytes"}


def test_no_thumbnails_without_a_cache(tmp_path, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "a.png", 1, (400, 300))
    result = run_scan(ScanOptions(roots=(str(root),), use_cache=False))
    assert len(result.images) == 1


def encoded(size=(160, 120), fmt: str = "WEBP") -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage", encoded()[:300], encoded((400, 300)), encoded(fmt="JPEG"), encoded(fmt="PNG")],
    ids=["empty", "garbage", "truncated", "too big", "a JPEG", "a PNG"],
)
def test_bytes_that_are_not_a_sound_thumbnail_read_as_none(data):
    assert thumbnail.decoded(data) is None


def test_a_sound_thumbnail_reads_back():
    assert thumbnail.decoded(encoded()).size == (160, 120)


def test_a_16_bit_grey_is_scaled_not_clipped(tmp_path):
    Image.new("I;16", (400, 300), 0x8000).save(tmp_path / "grey16.png")  # mid-grey: clipped, it would be white
    kept: dict[str, bytes] = {}
    fingerprint_file(str(tmp_path / "grey16.png"), thumbnails=kept)
    level = thumbnail.decoded(kept[str(tmp_path / "grey16.png")]).getpixel((80, 60))
    assert all(120 <= v <= 136 for v in level)


def test_a_thumbnail_that_cannot_be_made_leaves_the_fingerprint(tmp_path, monkeypatch):
    Image.new("RGB", (400, 300), "red").save(tmp_path / "a.png")

    def unmakeable(im, turn):
        raise ValueError("conversion not supported")

    monkeypatch.setattr(decode, "stored_thumbnail", unmakeable)
    kept: dict[str, bytes] = {}
    assert fingerprint_file(str(tmp_path / "a.png"), thumbnails=kept).width == 400
    assert kept == {}
