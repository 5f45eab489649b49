""" "Not a duplicate": decisions are kept by content, survive renames, moves and copies, and apply before grouping."""

from __future__ import annotations

import json
import os
import shutil
import stat

import pytest
from PIL import Image, ImageEnhance

from dupfinder.cli import main
from dupfinder.core import paths
from dupfinder.core.grouping import regroup
from dupfinder.core.ignore import IgnoreList, IgnoreListError, photo_of_file, photo_of_record, without_ignored
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan


def brightened(make_photo, scratch, path, seed, size, factor, **save_options):
    """A synthetic photo (as make_photo draws it) with its brightness changed, saved at `path`."""
    source = make_photo(scratch / f"source-{seed}-{size[0]}x{size[1]}.png", seed, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as im:
        ImageEnhance.Brightness(im.convert("RGB")).enhance(factor).save(path, **save_options)
    return path


@pytest.fixture
def photos(tmp_path, make_photo):
    """A photo, a brightened edit of it (alike at the normal preset) and an unrelated photo."""
    root = tmp_path / "photos"
    make_photo(root / "beach.jpg", 2, (640, 480), quality=92)
    root.joinpath("edits").mkdir()
    brightened(make_photo, tmp_path / "scratch", root / "edits" / "beach-bright.jpg", 2, (640, 480), 1.2)
    make_photo(root / "forest.jpg", 5, (640, 480))
    return root


def groups_of(root, *extra):
    result = run_scan(ScanOptions(roots=(str(root), *map(str, extra))))
    return [sorted(os.path.basename(result.images[i].path) for i in g.images) for g in regroup(result, 12)]


def test_ignored_pair_stays_apart_after_renames_moves_and_copies(photos, tmp_path, capsys):
    assert groups_of(photos) == [["beach-bright.jpg", "beach.jpg"]]
    code = main(["ignore", str(photos / "beach.jpg"), str(photos / "edits" / "beach-bright.jpg")])
    assert code == 0 and "not duplicates" in capsys.readouterr().out
    assert groups_of(photos) == []
    # Rename one, move the other to another folder: still apart.
    os.rename(photos / "beach.jpg", photos / "renamed.jpg")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(photos / "edits" / "beach-bright.jpg", elsewhere / "moved.jpg")
    assert groups_of(photos, elsewhere) == []
    # A byte copy of each is that photo: it groups with its twin, never across the decision.
    shutil.copy2(photos / "renamed.jpg", elsewhere / "copy-of-beach.jpg")
    assert groups_of(photos, elsewhere) == [["copy-of-beach.jpg", "renamed.jpg"]]


def test_a_whole_group_can_be_declared_not_duplicates(photos, make_photo, tmp_path, capsys):
    brightened(make_photo, tmp_path / "scratch", photos / "beach-dark.jpg", 2, (640, 480), 0.85)
    assert groups_of(photos) == [["beach-bright.jpg", "beach-dark.jpg", "beach.jpg"]]
    paths_ = [photos / "beach.jpg", photos / "edits" / "beach-bright.jpg", photos / "beach-dark.jpg"]
    assert main(["ignore", *map(str, paths_)]) == 0
    assert groups_of(photos) == []


def test_list_and_remove(photos, capsys):
    main(["ignore", str(photos / "beach.jpg"), str(photos / "edits" / "beach-bright.jpg")])
    main(["ignore", str(photos / "beach.jpg"), str(photos / "forest.jpg")])
    capsys.readouterr()
    assert main(["ignore", "--list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. ") and "\n2. " in out and "beach-bright.jpg" in out
    assert main(["ignore", "--remove", "1"]) == 0
    assert len(IgnoreList.load().decisions) == 1
    assert groups_of(photos) == [["beach-bright.jpg", "beach.jpg"]]
    assert main(["ignore", "--remove", "7"]) == 2


def test_ignore_needs_two_different_readable_photos(photos, tmp_path, capsys):
    assert main(["ignore", str(photos / "beach.jpg")]) == 2
    shutil.copy2(photos / "beach.jpg", tmp_path / "twin.jpg")
    assert main(["ignore", str(photos / "beach.jpg"), str(tmp_path / "twin.jpg")]) == 2  # identical bytes
    assert main(["ignore", str(photos / "beach.jpg"), str(tmp_path / "nope.jpg")]) == 2
    (tmp_path / "junk.jpg").write_bytes(b"not an image")
    assert main(["ignore", str(photos / "beach.jpg"), str(tmp_path / "junk.jpg")]) == 2
    assert "not an image" in capsys.readouterr().err
    assert not IgnoreList.load().decisions


def test_an_ignore_decision_never_touches_the_photos(photos):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in photos.rglob("*.jpg")}
    assert main(["ignore", *map(str, sorted(before))]) == 0
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in photos.rglob("*.jpg")} == before


def test_the_list_is_a_private_file_and_a_foreign_file_is_left_alone(photos, capsys):
    main(["ignore", str(photos / "beach.jpg"), str(photos / "forest.jpg")])
    target = paths.data_dir() / "ignored-pairs.json"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["dupfinder_ignore_list"] == 1
    target.write_text("my notes, not a list")
    with pytest.raises(IgnoreListError):
        IgnoreList.load()
    assert main(["ignore", str(photos / "beach.jpg"), str(photos / "edits" / "beach-bright.jpg")]) == 2
    assert target.read_text() == "my notes, not a list"
    # A scan goes on without it, and says so.
    result = run_scan(ScanOptions(roots=(str(photos),)))
    assert any("ignore list" in w for w in result.warnings)
    assert len(regroup(result, 12)) == 1


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_the_list_is_never_written_through_a_symlink(photos, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    paths.ensure_private_dir(paths.data_dir())
    os.symlink(victim, paths.data_dir() / "ignored-pairs.json")
    with pytest.raises(IgnoreListError):
        IgnoreList().save()
    assert victim.read_text() == "keep me"


def test_app_path_record_and_without_ignored(photos):
    result = run_scan(ScanOptions(roots=(str(photos),)))
    (group,) = regroup(result, 12)
    ignore_list = IgnoreList.load()
    ignore_list.add(photo_of_record(result.images[i]) for i in group.images)
    ignore_list.save()
    assert regroup(without_ignored(result, ignore_list), 12) == ()
    assert photo_of_file(str(photos / "forest.jpg")).digest not in {p.digest for p in ignore_list.decisions[0].photos}
