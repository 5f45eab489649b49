"""A file changed or moved between the scan and the cleanup is skipped with a clear reason, and nothing else in
its group is trashed in its place: through run_scan + regroup + keep_best_marks + trash_files, and the CLI."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from photo_safety import NORMAL_BITS, scan_and_group, snapshot, trash_dir

import dupfinder.cli
from dupfinder.cli import main
from dupfinder.core.cleanup import trash_files
from dupfinder.core.selection import keep_best_marks

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")


def append_bytes(path):
    with open(path, "ab") as f:
        f.write(b"\0" * 16)


def touch_later(path):
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def rewrite_in_place_keeping_size_and_mtime(path):
    """Same inode, same size, mtime put back: only the content says it changed."""
    st = os.stat(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    with open(path, "r+b") as f:
        f.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def move_away(path):
    path.rename(path.with_name("moved-" + path.name))


def replace_with_new_inode_keeping_mtime(path):
    st = os.stat(path)
    tmp = path.with_name(path.name + ".tmp")
    shutil.copy2(path, tmp)
    os.replace(tmp, path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


CHANGES = {
    "size": (append_bytes, "changed since the scan (size differs)"),
    "mtime": (touch_later, "changed since the scan (modification time differs)"),
    "content, mtime kept": (rewrite_in_place_keeping_size_and_mtime, "changed since the scan (content differs)"),
    "moved": (move_away, "moved or deleted since the scan"),
    "replaced, mtime kept": (replace_with_new_inode_keeping_mtime, "replaced by another file since the scan"),
}


@pytest.fixture
def pair(tmp_path, make_photo):
    """A photo and its byte-identical copy (the copy is the one keep-best marks: a longer path)."""
    keeper = make_photo(tmp_path / "photos" / "a.jpg", 5, (640, 480), quality=92)
    copy = tmp_path / "photos" / "copies" / "a-copy.jpg"
    copy.parent.mkdir()
    shutil.copy2(keeper, copy)
    return keeper, copy


@pytest.mark.parametrize("change", CHANGES)
def test_changed_copy_is_skipped_with_its_reason_and_nothing_goes_instead(pair, change):
    keeper, copy = pair
    result, groups = scan_and_group(keeper.parent)
    marks = keep_best_marks(groups, result.images)
    assert [result.images[i].path for i in marks] == [str(copy)]
    mutate, reason = CHANGES[change]
    mutate(copy)

    report = trash_files(result, groups, marks, max_distance_bits=NORMAL_BITS)

    assert report.moved == () and report.failed == ()
    assert [(r.path, r.reason) for r in report.refused] == [(str(copy), reason)]
    assert keeper.is_file() and not (trash_dir() / "files").exists()


KEEPER_CHANGES = list(CHANGES)


@pytest.mark.parametrize("change", KEEPER_CHANGES)
def test_changed_keeper_stops_its_group_from_being_cleaned(pair, change):
    """The copy would be the last unchanged one: with the keeper edited or gone, the copy stays too."""
    keeper, copy = pair
    result, groups = scan_and_group(keeper.parent)
    marks = keep_best_marks(groups, result.images)
    CHANGES[change][0](keeper)

    report = trash_files(result, groups, marks, max_distance_bits=NORMAL_BITS)

    assert report.moved == ()
    assert report.refused[0].reason.startswith("no other copy of this photo is still in place unchanged")
    assert copy.is_file()


@pytest.mark.parametrize("change", CHANGES)
def test_cli_reports_the_changed_file_and_moves_the_rest(tmp_path, make_photo, monkeypatch, capsys, change):
    """Two groups; one copy changes between the scan and the cleanup (hooked in right after the marks are made)."""
    root = tmp_path / "photos"
    for name in ("x", "y"):
        make_photo(root / f"{name}.jpg", ord(name), (640, 480), quality=92)
        (root / "copies").mkdir(exist_ok=True)
        shutil.copy2(root / f"{name}.jpg", root / "copies" / f"{name}-copy.jpg")
    changed = root / "copies" / "x-copy.jpg"
    real_marks = dupfinder.cli.keep_best_marks

    def marks_then_change(groups, images):
        marks = real_marks(groups, images)
        CHANGES[change][0](changed)
        return marks

    monkeypatch.setattr(dupfinder.cli, "keep_best_marks", marks_then_change)
    before = snapshot(root)

    code = main(["scan", str(root), "--trash-duplicates", "--yes", "--no-progress", "-q"])

    out = capsys.readouterr().out
    assert code == 0
    assert "Moved 1 file " in out
    assert f"  kept {changed}: {CHANGES[change][1]}" in out
    assert [p.name.split(".")[0] for p in (trash_dir() / "files").iterdir()] == ["y-copy"]  # STEM.TOKEN.EXT
    assert (root / "x.jpg").is_file() and (root / "y.jpg").is_file()
    assert len(before) == 2


def test_near_duplicate_rewritten_in_place_with_size_and_mtime_kept_is_skipped(tmp_path, make_photo):
    keeper = make_photo(tmp_path / "p" / "big.jpg", 6, (640, 480), quality=95)
    small = make_photo(tmp_path / "p" / "small.png", 6, (320, 240))
    result, groups = scan_and_group(tmp_path / "p")
    marks = keep_best_marks(groups, result.images)
    assert [result.images[i].path for i in marks] == [str(small)]
    assert result.images[next(iter(marks))].digest is None
    rewrite_in_place_keeping_size_and_mtime(small)  # now some other picture's bytes, as far as the scan knows

    report = trash_files(result, groups, marks, max_distance_bits=NORMAL_BITS)

    assert report.moved == ()
    assert keeper.is_file() and small.is_file()
