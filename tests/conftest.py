"""Test isolation: no test touches the real cache, settings, action log or trash, and Qt runs offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests read English text: a developer's locale must not change their outcome (tests of the translations set their
# language explicitly). Set before dupfinder.i18n is imported, which reads them once.
os.environ["DUPFINDER_LANG"] = "en"
os.environ["LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Point HOME, the XDG folders and dupfinder's own overrides at a fresh temporary folder.

    With HOME and XDG_DATA_HOME there, the cleanup's mover (and send2trash) use a real freedesktop trash under it.
    """
    home = tmp_path_factory.mktemp("home")
    for var, sub in {
        "HOME": "",
        "XDG_DATA_HOME": ".local/share",
        "XDG_CACHE_HOME": ".cache",
        "XDG_CONFIG_HOME": ".config",
        "DUPFINDER_CACHE_DIR": ".cache/dupfinder",
        "DUPFINDER_DATA_DIR": ".local/share/dupfinder",
        "DUPFINDER_CONFIG_DIR": ".config/dupfinder",
    }.items():
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(path))
    _point_send2trash_at(home / ".local/share", monkeypatch)
    return home


def _point_send2trash_at(data_home, monkeypatch) -> None:
    """send2trash's freedesktop code reads XDG_DATA_HOME once, when first imported (often at collection, before
    this fixture): re-point its home trash at the test's folder, or tests would fill the real user's trash."""
    if sys.platform in ("darwin", "win32"):
        return
    from send2trash import plat_other

    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data_home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(data_home / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data_home / "Trash"))


def synthetic_photo(seed: int, size: tuple[int, int] = (320, 240)):
    """A smooth random picture (colour blobs upscaled from 6x5 noise): distinct seeds give unrelated pictures,
    while resized or recompressed copies of one stay within a few bits of each other in every hash."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    small = Image.fromarray(rng.integers(0, 256, (5, 6, 3), dtype=np.uint8), "RGB")
    return small.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))


@pytest.fixture
def make_photo():
    """make_photo(path, seed, size=(320, 240), **save_options) writes a synthetic photo and returns its path."""

    def make(path, seed: int, size: tuple[int, int] = (320, 240), **save_options):
        path.parent.mkdir(parents=True, exist_ok=True)
        synthetic_photo(seed, size).save(path, **save_options)
        return path

    return make


@pytest.fixture
def mount_tmpfs(tmp_path):
    """mount_tmpfs(path, size) mounts a private tmpfs there (unmounted afterwards); skips without the capability."""
    mounted = []

    def mount(path: Path, size: str = "64m") -> Path:
        path.mkdir(parents=True, exist_ok=True)
        if (
            os.geteuid() != 0
            or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)], capture_output=True
            ).returncode
        ):
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)
