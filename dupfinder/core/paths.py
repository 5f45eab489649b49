"""Where dupfinder keeps its own files. Environment overrides let tests and portable installs
point everything elsewhere (DUPFINDER_CACHE_DIR, DUPFINDER_DATA_DIR, DUPFINDER_CONFIG_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "dupfinder"


def cache_dir() -> Path:
    return Path(os.environ.get("DUPFINDER_CACHE_DIR") or platformdirs.user_cache_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("DUPFINDER_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    return Path(os.environ.get("DUPFINDER_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def default_cache_path() -> Path:
    return cache_dir() / "fingerprints.sqlite3"


def action_log_path() -> Path:
    return data_dir() / "actions.jsonl"
