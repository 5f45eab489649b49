"""A file reached twice is one file: overlapping roots, a symlink to a root, hard links. Whatever the marks,
a cleanup never takes away the last path to a picture (engine, CLI in-process, and `python -m dupfinder`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from photo_safety import (
    NORMAL_BITS,
    build_library,
    groups_without_survivor,
    json_groups_without_survivor,
    nothing_destroyed,
    scan_and_group,
    snapshot,
)

from dupfinder.cli import main
from dupfinder.core.cleanup import trash_files
from dupfinder.core.selection import keep_best_marks

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")

ROOT_SETS = {
    "a": lambda a, link: [a],
    "a+a/sub": lambda a, link: [a, a / "sub"],
    "a/sub+a": lambda a, link: [a / "sub", a],
    "a+link-to-a": lambda a, link: [a, link],
    "link-to-a+a": lambda a, link: [link, a],
    "a/sub+link-to-a+a+a": lambda a, link: [a / "sub", link, a, a],
}
REAL_FILES = 8  # p1, p1-small, p1-copy, p2, p2-q40, p3, h1 == h2, hard-copy


@pytest.fixture
def library(tmp_path, make_photo):
    a = build_library(tmp_path, make_photo)
    (tmp_path / "link-to-a").symlink_to(a)
    return a


@pytest.mark.parametrize("roots", ROOT_SETS)
def test_each_real_file_is_one_image_whatever_the_roots(library, roots):
    result, groups = scan_and_group(*ROOT_SETS[roots](library, library.parent / "link-to-a"))

    identities = [image.file.identity for image in result.images]
    assert len(identities) == len(set(identities)) == REAL_FILES
    for group in groups:
        assert len({result.images[i].file.identity for i in group.images}) == len(group.images)
    names = sorted(sorted(os.path.basename(result.images[i].path) for i in g.images) for g in groups)
    assert names == [
        ["h1.jpg", "hard-copy.jpg"],
        ["p1-copy.jpg", "p1-small.png", "p1.jpg"],
        ["p2-q40.jpg", "p2.jpg"],
    ]


@pytest.mark.parametrize("roots", ROOT_SETS)
@pytest.mark.parametrize("marks", ["keep-best", "every-member"])
def test_cleanup_never_removes_every_path_to_a_picture(library, roots, marks):
    before = snapshot(library)
    result, groups = scan_and_group(*ROOT_SETS[roots](library, library.parent / "link-to-a"))
    chosen = keep_best_marks(groups, result.images) if marks == "keep-best" else {i for g in groups for i in g.images}

    report = trash_files(result, groups, chosen, max_distance_bits=NORMAL_BITS)

    assert report.moved and not report.failed
    assert groups_without_survivor(result, groups) == []
    assert all(os.path.exists(result.images[g.keeper].path) for g in groups)
    assert nothing_destroyed(before, library)
    assert (library / "p3.jpg").is_file() and (library / "sub" / "p3-link.jpg").is_symlink()


@pytest.mark.parametrize("roots", ["a+a/sub", "link-to-a+a", "a/sub+link-to-a+a+a"])
def test_cli_trash_duplicates_with_overlapping_roots_keeps_one_of_each(library, roots, capsys, tmp_path):
    before = snapshot(library)
    folders = [str(p) for p in ROOT_SETS[roots](library, library.parent / "link-to-a")]

    code = main(
        ["scan", *folders, "--trash-duplicates", "--yes", "--no-progress", "-q", "--json", str(tmp_path / "r.json")]
    )

    out = capsys.readouterr().out
    assert code == 0 and "Moved 4 files" in out  # p1: 2 of 3, p2: 1 of 2, h1/hard-copy: 1 of 2
    assert json_groups_without_survivor(tmp_path / "r.json") == []
    assert nothing_destroyed(before, library)


def test_python_dash_m_with_a_root_and_a_symlink_to_it_keeps_one_of_each(library):
    before = snapshot(library)
    out = subprocess.run(
        [sys.executable, "-m", "dupfinder", "scan", str(library.parent / "link-to-a"), str(library),
         str(library / "sub"), "--trash-duplicates", "--yes", "-q", "--json", str(library.parent / "r.json")],
        capture_output=True, text=True, env=os.environ | {"PYTHONIOENCODING": "utf-8"}, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Files seen: 8 " in out.stdout and "Moved 4 files" in out.stdout
    assert json_groups_without_survivor(library.parent / "r.json") == []
    assert nothing_destroyed(before, library)


def test_two_hard_links_and_nothing_else_are_never_a_group(tmp_path, make_photo):
    """h1 and h2 are one file: no group, so no cleanup can touch them, even when each is a root of its own."""
    h1 = make_photo(tmp_path / "x" / "h1.jpg", 9)
    (tmp_path / "y").mkdir()
    os.link(h1, tmp_path / "y" / "h2.jpg")
    result, groups = scan_and_group(tmp_path / "y", tmp_path / "x", tmp_path)

    assert len(result.images) == 1 and groups == ()
    report = trash_files(result, groups, {0}, max_distance_bits=NORMAL_BITS)
    assert not report.moved and h1.is_file() and Path(tmp_path / "y" / "h2.jpg").is_file()
