import os
import threading

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication

from dupfinder.core import thumbnail
from dupfinder.core.cache import FingerprintCache
from dupfinder.core.fingerprint import FINGERPRINT_RECIPE
from dupfinder.core.models import FileEntry
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan
from dupfinder.gui import thumbnails
from dupfinder.gui.thumbnails import StoredThumbnails, ThumbnailLoader, read_scaled_image


def test_scaled_read_fits_the_box_and_follows_exif_rotation(tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90°: portrait
    Image.new("RGB", (400, 200), "red").save(path, exif=exif)
    image = read_scaled_image(str(path), 100)
    assert (image.width(), image.height()) == (50, 100)


def test_unreadable_file_gives_a_null_image(tmp_path):
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    assert read_scaled_image(str(path), 64).isNull()


def test_loader_answers_later_then_from_cache(qtbot, tmp_path, make_photo):
    path = str(make_photo(tmp_path / "a.png", 1, (300, 200)))
    loader = ThumbnailLoader(capacity=2)
    assert loader.pixmap(path, 64) is None
    with qtbot.waitSignal(loader.ready, timeout=5000) as blocker:
        pass
    assert blocker.args == [path, 64]
    pixmap = loader.pixmap(path, 64)
    assert pixmap is not None and (pixmap.width(), pixmap.height()) == (64, 42)


def test_lru_evicts_the_oldest(qtbot, tmp_path, make_photo):
    paths = [str(make_photo(tmp_path / f"{i}.png", i, (80, 60))) for i in range(3)]
    loader = ThumbnailLoader(capacity=2)
    for path in paths:
        loader.pixmap(path, 32)
        qtbot.waitUntil(lambda p=path: loader.pixmap(p, 32) is not None, timeout=5000)
    assert [key[0] for key in loader._cache] == paths[1:]


def test_results_requested_before_a_reset_are_dropped(qtbot, tmp_path, make_photo):
    path = str(make_photo(tmp_path / "a.png", 1, (300, 200)))
    loader = ThumbnailLoader()
    loader.pixmap(path, 64)
    loader.reset()
    assert loader.wait_idle()
    with qtbot.assertNotEmitted(loader.ready):
        QCoreApplication.processEvents()  # deliver the queued, stale result
    assert not loader._cache


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_in_a_photos_place_gives_a_null_image_at_once(tmp_path):
    os.mkfifo(tmp_path / "swapped.jpg")  # nobody writes to it: opening it to read would block for ever
    result = []
    reader = threading.Thread(target=lambda: result.append(read_scaled_image(str(tmp_path / "swapped.jpg"), 64)))
    reader.daemon = True
    reader.start()
    reader.join(10)
    assert result and result[0].isNull()


def test_the_pillow_fallback_fits_the_box(tmp_path):
    """Used for what Qt cannot read (HEIC, AVIF, images over Qt's allocation limit)."""
    Image.new("RGB", (400, 200), "red").save(tmp_path / "a.png")
    with open(tmp_path / "a.png", "rb") as fp:
        image = thumbnails._read_with_pillow(fp, str(tmp_path / "a.png"), 100)
    assert (image.width(), image.height()) == (100, 50)


def test_a_tiff_thumbnail_is_read_without_crashing(tmp_path):
    """Qt's TIFF reader maps the file: releasing it after its device had closed crashed the app on every TIFF."""
    Image.new("RGB", (300, 200), "red").save(tmp_path / "a.tif", compression="tiff_lzw")
    image = read_scaled_image(str(tmp_path / "a.tif"), 60)
    assert (image.width(), image.height()) == (60, 40)


def test_a_big_png_is_reduced_before_any_full_size_conversion(tmp_path, monkeypatch):
    """A big picture Qt cannot decode at a reduced size: Pillow decodes it in its own mode, charged to the budget,
    and converts only the reduced picture (a full-size RGBA copy is 4 bytes a pixel, a full-size scaling slow)."""
    monkeypatch.setattr(thumbnails, "QT_FULL_DECODE_PIXELS", 10_000)
    Image.new("RGB", (800, 600), (200, 30, 30)).save(tmp_path / "big.png")
    converted, charged = [], []
    convert, take = Image.Image.convert, thumbnails.DECODE_BUDGET.take
    monkeypatch.setattr(Image.Image, "convert", lambda im, *a, **k: converted.append(im.size) or convert(im, *a, **k))
    monkeypatch.setattr(thumbnails.DECODE_BUDGET, "take", lambda n: charged.append(n) or take(n))
    image = read_scaled_image(str(tmp_path / "big.png"), 50)
    assert (image.width(), image.height()) == (50, 38)
    assert converted and max(w * h for w, h in converted) <= 100 * 100
    assert charged and charged[0] >= 800 * 600


def test_a_big_palette_picture_keeps_its_colours(tmp_path, monkeypatch):
    """GIF and palette PNG are sampled, not averaged: averaging palette indices would give unrelated colours."""
    monkeypatch.setattr(thumbnails, "QT_FULL_DECODE_PIXELS", 10_000)
    picture = Image.new("P", (800, 400))
    picture.putpalette([255, 0, 0, 0, 0, 255] + [0, 255, 0] * 254)  # index 0 red, 1 blue, the rest green
    picture.paste(1, (400, 0, 800, 400))
    picture.save(tmp_path / "halves.gif")
    image = read_scaled_image(str(tmp_path / "halves.gif"), 40)
    assert (image.width(), image.height()) == (40, 20)
    left, right = image.pixelColor(5, 10), image.pixelColor(34, 10)
    assert (left.red(), left.green(), left.blue()) == (255, 0, 0)
    assert (right.red(), right.green(), right.blue()) == (0, 0, 255)


@pytest.mark.parametrize("name", ["rotated.png", "rotated.tif"])
def test_the_pillow_path_follows_exif_rotation(tmp_path, monkeypatch, name):
    """A TIFF keeps its orientation in its own tags, which a copy of the picture loses: it is reduced in place."""
    monkeypatch.setattr(thumbnails, "QT_FULL_DECODE_PIXELS", 10_000)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90°: portrait
    Image.new("RGB", (400, 200), "red").save(tmp_path / name, exif=exif)
    image = read_scaled_image(str(tmp_path / name), 100)
    assert (image.width(), image.height()) == (50, 100)


def stored_with(tmp_path, path, data: bytes) -> StoredThumbnails:
    """A cache holding `data` as the thumbnail of `path` as it is now."""
    st = os.stat(path)
    entry = FileEntry(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, ctime_ns=st.st_ctime_ns)
    with FingerprintCache(tmp_path / "cache.sqlite3", FINGERPRINT_RECIPE) as cache:
        cache.store_thumbnails([(entry, data)])
    return StoredThumbnails(tmp_path / "cache.sqlite3")


def encoded(colour: str, size=(160, 80)) -> bytes:
    return thumbnail.encode(Image.new("RGB", size, colour))


def colour_of(image) -> tuple[int, int, int]:
    pixel = image.pixelColor(image.width() // 2, image.height() // 2)
    return pixel.red(), pixel.green(), pixel.blue()


def test_the_loader_shows_the_stored_thumbnail_without_reading_the_file(qtbot, tmp_path, monkeypatch):
    Image.new("RGB", (400, 200), "red").save(tmp_path / "a.png")
    stored = stored_with(tmp_path, tmp_path / "a.png", encoded("blue"))
    monkeypatch.setattr(thumbnails, "open_photo", lambda *a: pytest.fail("the file was read"))
    loader = ThumbnailLoader(stored=stored)
    path = str(tmp_path / "a.png")
    loader.pixmap(path, 104)
    qtbot.waitUntil(lambda: loader.pixmap(path, 104) is not None, timeout=5000)
    image = loader.pixmap(path, 104).toImage()
    assert (image.width(), image.height()) == (104, 52)
    red, _, blue = colour_of(image)
    assert blue > 200 and red < 60


@pytest.mark.parametrize(
    "data", [b"garbage", encoded("blue")[:60], encoded("blue", (400, 200))], ids=["garbled", "truncated", "too big"]
)
def test_an_unsound_stored_thumbnail_falls_back_to_the_file(tmp_path, data):
    Image.new("RGB", (400, 200), "red").save(tmp_path / "a.png")
    image = read_scaled_image(str(tmp_path / "a.png"), 104, stored_with(tmp_path, tmp_path / "a.png", data))
    red, _, blue = colour_of(image)
    assert (image.width(), image.height()) == (104, 52) and red > 200 and blue < 60


def test_a_changed_file_does_not_show_its_old_thumbnail(tmp_path):
    Image.new("RGB", (400, 200), "red").save(tmp_path / "a.png")
    stored = stored_with(tmp_path, tmp_path / "a.png", encoded("blue"))
    # Another size too: a file rewritten within one clock tick keeps its mtime and ctime.
    Image.new("RGB", (400, 200), "green").save(tmp_path / "a.png", compress_level=0)
    _, green, blue = colour_of(read_scaled_image(str(tmp_path / "a.png"), 104, stored))
    assert green > 100 and blue < 60


def test_a_box_bigger_than_the_stored_thumbnail_decodes_the_file(tmp_path):
    Image.new("RGB", (800, 400), "red").save(tmp_path / "a.png")
    stored = stored_with(tmp_path, tmp_path / "a.png", encoded("blue"))
    image = read_scaled_image(str(tmp_path / "a.png"), 320, stored)
    assert (image.width(), image.height()) == (320, 160) and colour_of(image)[0] > 200


def test_a_decoded_big_picture_keeps_its_thumbnail_for_the_next_time(tmp_path, monkeypatch):
    """A picture the scan made no thumbnail of (fingerprinted on Dask, or before thumbnails): the first decode keeps
    one, upright, and the next look reads it instead of the file."""
    monkeypatch.setattr(thumbnail, "MIN_PIXELS", 10_000)
    monkeypatch.setattr(thumbnails, "QT_FULL_DECODE_PIXELS", 10_000)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90°: portrait
    Image.new("RGB", (400, 200), "red").save(tmp_path / "a.png", exif=exif)
    stored = StoredThumbnails(tmp_path / "cache.sqlite3")
    first = read_scaled_image(str(tmp_path / "a.png"), 104, stored)
    assert (first.width(), first.height()) == (52, 104)
    monkeypatch.setattr(thumbnails, "open_photo", lambda *a: pytest.fail("the file was read again"))
    again = read_scaled_image(str(tmp_path / "a.png"), 104, StoredThumbnails(tmp_path / "cache.sqlite3"))
    assert (again.width(), again.height()) == (52, 104) and colour_of(again)[0] > 200


def test_the_loader_shows_what_a_scan_stored(qtbot, tmp_path, make_photo, monkeypatch):
    monkeypatch.setattr(thumbnail, "MIN_PIXELS", 10_000)
    path = str(make_photo(tmp_path / "photos" / "a.tif", 1, (400, 300), compression="tiff_lzw"))
    run_scan(ScanOptions(roots=(str(tmp_path / "photos"),), cache_path=str(tmp_path / "cache.sqlite3")))
    monkeypatch.setattr(thumbnails, "open_photo", lambda *a: pytest.fail("the file was read"))
    image = read_scaled_image(path, 104, StoredThumbnails(tmp_path / "cache.sqlite3"))
    assert (image.width(), image.height()) == (104, 78)
