"""Test isolation: no test touches the real cache, settings, action log or trash, and Qt runs offscreen."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Point HOME, the XDG folders and dupfinder's own overrides at a fresh temporary folder.

    With HOME and XDG_DATA_HOME there, send2trash uses a real freedesktop trash under it.
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
    return home
