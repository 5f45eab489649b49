import os
import threading

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication

from dupfinder.gui import thumbnails
from dupfinder.gui.thumbnails import ThumbnailLoader, read_scaled_image


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
