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
