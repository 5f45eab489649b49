"""Fixtures for the GUI tests: real pictures on disk and a main window driven like a user would."""

from __future__ import annotations

import pytest
from PIL import Image, ImageEnhance

from dupfinder.gui.main_window import MainWindow
from dupfinder.gui.translation import install_translators

SEEDS = (1, 2, 3, 4)


@pytest.fixture(autouse=True)
def english(qapp):
    """The app in English, as app.main installs it (the English catalogue holds the plural forms)."""
    install_translators(qapp, "en")


@pytest.fixture
def photo_dir(tmp_path, make_photo):
    """Four unrelated pictures, each with a smaller PNG copy and a recompressed JPEG copy (both within the strict
    threshold) and a brightened, cropped edit (14-16 bits away, without keypoints to confirm it: never grouped)."""
    root = tmp_path / "photos"
    for seed in SEEDS:
        original = make_photo(root / f"p{seed}.jpg", seed, (640, 480), quality=95)
        copies = root / "copies"
        copies.mkdir(exist_ok=True)
        with Image.open(original) as im:
            im.resize((320, 240)).save(copies / f"p{seed}_small.png")
            im.save(copies / f"p{seed}_q40.jpg", quality=40)
            ImageEnhance.Brightness(im).enhance(1.3).crop((26, 20, 614, 460)).save(copies / f"p{seed}_edit.jpg")
    return root


@pytest.fixture
def many_photos(tmp_path, make_photo):
    """A few hundred small pictures (pairs of a photo and its PNG copy), for cancel and responsiveness checks."""
    root = tmp_path / "many"
    for seed in range(150):
        path = make_photo(root / f"m{seed:03d}.jpg", 1000 + seed, (480, 360), quality=90)
        with Image.open(path) as im:
            im.save(root / f"m{seed:03d}.png")
    return root


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def scan(qtbot):
    """scan(window): press Scan and wait until the scan has ended (any outcome)."""

    def run(window: MainWindow, timeout_ms: int = 60_000) -> None:
        with qtbot.waitSignal(window.scan_finished, timeout=timeout_ms):
            window.start_scan()

    return run
