"""Exclusions: thumbnail caches and system folders are skipped by default, the user's patterns too, cheaply."""

from __future__ import annotations

import os

import pytest

from dupfinder.core import discovery
from dupfinder.core.discovery import discover
from dupfinder.core.exclusions import DEFAULT_EXCLUDES, Exclusions, check_pattern, effective_patterns
from dupfinder.core.options import ScanOptions


@pytest.fixture
def tree(tmp_path, make_photo):
    root = tmp_path / "photos"
    for rel in (
        "a.jpg",
        "2019/b.jpg",
        "2019/.thumbnails/b.png",
        "@eaDir/a.jpg/SYNOPHOTO_THUMB_M.jpg",
        "home/.cache/thumbnails/normal/x.png",
        ".Trashes/old.jpg",
        "._a.jpg",
        "raw/c.jpg",
        "raw/tmp/d.jpg",
    ):
        make_photo(root / rel, 1)
    return root


def names(entries, root):
    return sorted(os.path.relpath(e.path, root) for e in entries)


def test_default_exclusions_skip_thumbnail_caches_and_system_folders(tree):
    entries, problems = discover(ScanOptions(roots=(str(tree),)))
    assert names(entries, tree) == ["2019/b.jpg", "a.jpg", "raw/c.jpg", "raw/tmp/d.jpg"]
    assert not problems


def test_no_default_excludes_sees_everything(tree):
    entries, _ = discover(ScanOptions(roots=(str(tree),), exclude=()))
    assert len(entries) == 9


def test_name_and_path_patterns(tree):
    options = ScanOptions(roots=(str(tree),), exclude=effective_patterns(["tmp", "*/raw/c.*"]))
    entries, _ = discover(options)
    assert names(entries, tree) == ["2019/b.jpg", "a.jpg"]


def test_patterns_are_relative_to_the_root_and_a_named_root_is_never_excluded(tree):
    # The root itself is named ".../photos/raw": "raw" matches nothing below it, and "tmp" is relative to it.
    entries, _ = discover(ScanOptions(roots=(str(tree / "raw"),), exclude=("raw", "/tmp")))
    assert names(entries, tree / "raw") == ["c.jpg"]
    entries, _ = discover(ScanOptions(roots=(str(tree / "2019" / ".thumbnails"),)))
    assert names(entries, tree / "2019" / ".thumbnails") == ["b.png"]


def test_excluded_folders_are_not_entered(tree, monkeypatch):
    opened = []
    real = os.scandir

    def spy(path="."):
        opened.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(discovery.os, "scandir", spy)
    discover(ScanOptions(roots=(str(tree),)))
    assert not [p for p in opened if ".thumbnails" in p or "@eaDir" in p or ".Trashes" in p]
    assert str(tree / "raw") in opened


def test_matching_rules():
    ex = Exclusions(["*/.thumbnails/*", "Thumbs.db", ".cache/thumbnails"])
    assert ex.skips("/a", ".thumbnails", True)
    assert ex.skips("", ".thumbnails", True)
    assert not ex.skips("", ".thumbnails", False)  # a file named so is not the folder pattern's business
    assert ex.skips("/x", "THUMBS.DB", False)
    assert ex.skips("/u/.cache", "thumbnails", True)
    assert not ex.skips("/u", "thumbnails", True)
    assert not Exclusions([])
    assert ".thumbnails" in DEFAULT_EXCLUDES and "@eaDir" in DEFAULT_EXCLUDES
    with pytest.raises(ValueError):
        check_pattern("*")
    with pytest.raises(ValueError):
        check_pattern("  ")


def test_cli_exclude_options(tree, capsys):
    from dupfinder.cli import main

    assert main(["scan", str(tree), "--no-progress", "-q"]) == 0
    assert "Files seen: 4 " in capsys.readouterr().out
    assert main(["scan", str(tree), "--no-progress", "-q", "--exclude", "raw", "--exclude", "*/2019/*"]) == 0
    assert "Files seen: 1 " in capsys.readouterr().out
    assert main(["scan", str(tree), "--no-progress", "-q", "--no-default-excludes"]) == 0
    assert "Files seen: 9 " in capsys.readouterr().out
    assert main(["scan", str(tree), "--no-progress", "--exclude", "**"]) == 2
