"""The cleanup safety perimeter, end to end through the real CLI: what an outside audit found could lose a photo or
move the wrong one (issue 7). Each test plays one attack or accident and checks that nothing is lost or misplaced.

Tests that need a second file system mount a private tmpfs (they run as root here) and are skipped where mounting is
not allowed."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dupfinder.cli import main

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")

REPO = Path(__file__).resolve().parents[2]


def trash_dir() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def action_log() -> Path:
    return Path(os.environ["DUPFINDER_DATA_DIR"]) / "actions.jsonl"


def cleanup(*args: str) -> int:
    return main(["scan", *args, "--trash-duplicates", "--yes", "--no-progress", "-q", "--no-cache"])


def pair(folder: Path, make_photo, seed: int = 1, keeper: str = "big.jpg", copy: str = "small.jpg"):
    """A photo and a smaller copy of it (the copy is what keep-best trashes)."""
    big = make_photo(folder / keeper, seed, (640, 480), quality=95)
    small = make_photo(folder / copy, seed, (320, 240), quality=90)
    return big, small


# -- 1. two cleanups at once ------------------------------------------------------------------------------------


def _library_of_same_names(root: Path, count: int, seed: int, make_photo) -> None:
    first = make_photo(root / "d000" / "folder.jpg", seed, (64, 48), quality=90)
    for n in range(1, count):
        (root / f"d{n:03d}").mkdir(parents=True)
        shutil.copyfile(first, root / f"d{n:03d}" / "folder.jpg")


def test_two_cleanups_at_once_lose_nothing(tmp_path, make_photo):
    """Two real processes clean two libraries with no folder in common, each full of `folder.jpg` copies, into one
    trash at the same moment (with separate data folders, so not even the cleanup lock keeps them apart)."""
    count = 250
    libraries = [tmp_path / "lib1", tmp_path / "lib2"]
    for seed, library in enumerate(libraries, 1):
        _library_of_same_names(library, count, seed, make_photo)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = []
    for n, library in enumerate(libraries):
        child_env = {**env, "DUPFINDER_DATA_DIR": str(tmp_path / f"data{n}")}
        command = [sys.executable, "-m", "dupfinder", "scan", str(library), "--trash-duplicates", "--yes"]
        children.append(subprocess.Popen([*command, "--no-cache", "--no-progress", "-q"], env=child_env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))  # fmt: skip
    errors = [child.communicate(timeout=300)[1] for child in children]
    assert [child.returncode for child in children] == [0, 0], errors

    in_place = sum(1 for library in libraries for _ in library.rglob("folder.jpg"))
    in_trash = len(os.listdir(trash_dir() / "files"))
    assert in_place == 2 and in_trash == 2 * (count - 1)
    assert len(os.listdir(trash_dir() / "info")) == in_trash


# -- 2. protection decided by the folder's identity, not its spelling -----------------------------------------------


def test_protected_folder_reached_through_a_bind_mount_keeps_its_files(tmp_path, make_photo):
    library = tmp_path / "library"
    pair(library, make_photo, copy="keep/small.jpg")
    view = tmp_path / "view"
    view.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(library / "keep"), str(view)]).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        assert cleanup(str(library), "--protect", str(view), "--json", str(tmp_path / "out.json")) == 0
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
    assert (library / "keep" / "small.jpg").is_file()
    members = json.loads((tmp_path / "out.json").read_text())["groups"][0]["members"]
    assert {m["path"]: m["protected"] for m in members}[str(library / "keep" / "small.jpg")]  # the scan knew


@pytest.mark.parametrize("spelling", ["symlink", "dotdot"])
def test_protected_folder_named_another_way_keeps_its_files(tmp_path, make_photo, spelling):
    library = tmp_path / "library"
    pair(library, make_photo, copy="keep/small.jpg")
    if spelling == "symlink":
        (tmp_path / "alias").symlink_to(library / "keep")
        protect = tmp_path / "alias"
    else:
        (library / "deep").mkdir()
        protect = library / "deep" / ".." / "keep"
    assert cleanup(str(library), "--protect", str(protect)) == 0
    assert (library / "keep" / "small.jpg").is_file()


# -- 4. dupfinder's own files: never through a symlink, private modes -----------------------------------------------


def test_a_symlink_at_the_action_log_path_is_not_written_through(tmp_path, make_photo, capsys):
    big, small = pair(tmp_path / "photos", make_photo)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    action_log().parent.mkdir(parents=True, exist_ok=True)
    action_log().symlink_to(victim)

    assert cleanup(str(tmp_path / "photos")) == 1

    assert victim.read_text() == "precious\n"
    assert big.is_file() and small.is_file()
    assert "symbolic link" in capsys.readouterr().err


def test_the_action_log_and_its_folder_are_private(tmp_path, make_photo):
    pair(tmp_path / "photos", make_photo)
    shutil.rmtree(action_log().parent)

    assert cleanup(str(tmp_path / "photos")) == 0

    assert stat.S_IMODE(action_log().parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(action_log().stat().st_mode) == 0o600


# -- 5. a trash folder planted on a shared volume ---------------------------------------------------------------------


@pytest.mark.parametrize("planted", ["symlink", "other-owner"])
def test_a_trash_folder_planted_by_another_user_never_receives_photos(tmp_path, make_photo, mount_tmpfs, planted):
    volume = mount_tmpfs(tmp_path / "volume")
    big, small = pair(volume / "photos", make_photo)
    loot = tmp_path / "loot"
    loot.mkdir(mode=0o777)
    trash = volume / f".Trash-{os.getuid()}"
    if planted == "symlink":
        trash.symlink_to(loot)
    else:
        trash.mkdir(mode=0o777)
        os.chown(trash, 12345, 12345)
        os.chmod(trash, 0o777)

    assert cleanup(str(volume / "photos")) == 1

    assert small.is_file() and big.is_file()
    assert not any(loot.rglob("*")) and not any(p.is_file() for p in trash.rglob("*"))


def test_a_shared_trash_subfolder_made_by_another_user_is_not_used(tmp_path, make_photo, mount_tmpfs):
    """`$topdir/.Trash` set up by the admin (sticky), but `.Trash/$uid` made in advance by someone else: dupfinder
    falls back to its own `.Trash-$uid` (created 0700), as the spec allows."""
    volume = mount_tmpfs(tmp_path / "volume")
    _, small = pair(volume / "photos", make_photo)
    content = small.read_bytes()
    shared = volume / ".Trash"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    theirs = shared / str(os.getuid())
    theirs.mkdir(mode=0o777)
    os.chown(theirs, 12345, 12345)
    os.chmod(theirs, 0o777)

    assert cleanup(str(volume / "photos")) == 0

    assert not any(theirs.rglob("*"))
    own = volume / f".Trash-{os.getuid()}"
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    assert [p.read_bytes() for p in (own / "files").iterdir()] == [content]


# -- 6. undo never follows a symlink planted on the way back ----------------------------------------------------------


def test_undo_does_not_follow_a_symlink_planted_where_the_folder_was(tmp_path, make_photo, capsys):
    library = tmp_path / "library"
    _, small = pair(library, make_photo, copy="album/small.jpg")
    assert cleanup(str(library)) == 0
    assert not small.exists()
    (library / "album").rmdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (library / "album").symlink_to(elsewhere)

    assert main(["undo"]) == 1

    assert os.listdir(elsewhere) == []
    assert len(os.listdir(trash_dir() / "files")) == 1
    assert "symbolic link" in capsys.readouterr().out


# -- 7. names that are not valid UTF-8 --------------------------------------------------------------------------------


def test_a_duplicate_whose_name_is_not_utf8_is_trashed_and_restored(tmp_path, make_photo):
    photos = tmp_path / "photos"
    make_photo(photos / "big.jpg", 1, (640, 480), quality=95)
    odd = os.path.join(os.fsencode(photos), b"caf\xe9-\xff.jpg")
    make_photo(Path(os.fsdecode(odd)), 1, (320, 240), quality=90)

    assert cleanup(str(photos)) == 0
    assert not os.path.exists(odd)
    assert main(["undo"]) == 0
    assert os.path.isfile(odd)


# -- 8. an action log with valid JSON but wrong records; a later cleanup that moved nothing ---------------------------


def _write_log(*records: dict) -> None:
    action_log().parent.mkdir(parents=True, exist_ok=True)
    with open(action_log(), "a", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


@pytest.mark.parametrize(
    "bad",
    [
        {"event": "intent", "session": "s"},
        {"event": "intent", "session": "s", "path": 7, "size_bytes": "x", "mtime_ns": 1, "dev": 1, "ino": 1},
        {"event": "cleanup-started", "session": "t", "time": "yesterday"},
        {"event": "trashed", "session": "s", "path": ["a"]},
        {"event": "cleanup-finished", "session": "s", "status": 3},
    ],
)
def test_undo_and_list_survive_records_with_missing_fields_or_wrong_types(tmp_path, make_photo, capsys, bad):
    _, small = pair(tmp_path / "photos", make_photo)
    _write_log({"event": "cleanup-started", "session": "s", "time": 1.0}, bad)
    assert cleanup(str(tmp_path / "photos")) == 0
    _write_log({"event": "cleanup-started", "session": "u", "time": 2.0}, bad)

    assert main(["undo", "--list"]) == 0
    assert main(["undo"]) == 0

    assert small.is_file()
    assert "Traceback" not in capsys.readouterr().err


def test_a_later_cleanup_that_moved_nothing_does_not_hide_the_one_before(tmp_path, make_photo, capsys):
    _, small = pair(tmp_path / "photos", make_photo)
    assert cleanup(str(tmp_path / "photos")) == 0
    _write_log(
        {"event": "cleanup-started", "session": "empty", "time": 9e9, "v": 1, "files": 0},
        {"event": "cleanup-finished", "session": "empty", "time": 9e9, "status": "completed", "moved": 0},
    )

    assert main(["undo"]) == 0

    assert small.is_file()
    assert "Restored 1 file" in capsys.readouterr().out


# -- 9. full disks and a data folder on another device ----------------------------------------------------------------


def _fill(folder: Path) -> None:
    """Fill the file system, then the action log's last block (with blank lines, which readers skip)."""
    for name, chunk in (("filler", b"\0" * 4096), ("actions.jsonl", b"\n")):
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                os.write(fd, chunk)
        except OSError:
            pass
        finally:
            os.close(fd)


def test_a_full_disk_under_the_action_log_moves_nothing_and_says_why(tmp_path, make_photo, mount_tmpfs, capsys):
    data = mount_tmpfs(Path(os.environ["DUPFINDER_DATA_DIR"]), "1m")
    _, small = pair(tmp_path / "photos", make_photo)
    _fill(data)

    assert cleanup(str(tmp_path / "photos")) == 1

    assert small.is_file()
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err


def test_undo_with_a_full_disk_under_the_action_log_restores_nothing_and_says_why(
    tmp_path, make_photo, mount_tmpfs, capsys
):
    data = mount_tmpfs(Path(os.environ["DUPFINDER_DATA_DIR"]), "1m")
    _, small = pair(tmp_path / "photos", make_photo)
    assert cleanup(str(tmp_path / "photos")) == 0
    _fill(data)

    assert main(["undo"]) == 1

    assert not small.exists()
    out = capsys.readouterr().out
    assert "No space left on device" in out


def test_a_full_volume_leaves_the_file_in_place_and_nothing_half_written_in_the_trash(
    tmp_path, make_photo, mount_tmpfs, capsys
):
    volume = mount_tmpfs(tmp_path / "volume", "1m")
    _, small = pair(volume / "photos", make_photo)
    trash = volume / f".Trash-{os.getuid()}"
    for sub in ("files", "info"):
        (trash / sub).mkdir(parents=True, mode=0o700)
    os.chmod(trash, 0o700)
    _fill(volume)

    assert cleanup(str(volume / "photos")) == 1

    assert small.is_file()
    assert os.listdir(trash / "files") == [] and os.listdir(trash / "info") == []
    assert "No space left on device" in capsys.readouterr().err


@pytest.mark.parametrize("trash_volume", ["full", "roomy"])
def test_a_trash_on_another_device_is_never_copied_into(tmp_path, make_photo, mount_tmpfs, monkeypatch, trash_volume):
    """HOME and the photos on one file system, the data folder (XDG_DATA_HOME: the home trash) on another: a move
    there would be a copy, which a full volume leaves half done and undo cannot rename back. dupfinder uses the
    photos' own volume's trash instead, and undo puts every file back."""
    disk = mount_tmpfs(tmp_path / "disk")
    data_home = mount_tmpfs(tmp_path / "data-home", "1m" if trash_volume == "full" else "64m")
    monkeypatch.setenv("HOME", str(disk / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    (disk / "home").mkdir()
    _, small = pair(disk / "photos", make_photo)
    content = small.read_bytes()
    if trash_volume == "full":
        _fill(data_home)

    assert cleanup(str(disk / "photos")) == 0

    assert not small.exists()
    trashed = list((disk / f".Trash-{os.getuid()}" / "files").iterdir())
    assert [p.read_bytes() for p in trashed] == [content]
    assert not (data_home / "Trash" / "files").exists() or not os.listdir(data_home / "Trash" / "files")
    assert main(["undo"]) == 0
    assert small.read_bytes() == content


def test_a_file_reached_through_a_bind_mount_is_trashed_on_that_mount_and_restored(tmp_path, make_photo):
    """Same device as the home trash but another mount point: the rename there fails with EXDEV, so the file goes to
    the bind mount's own trash (never a copy), and undo puts it back."""
    source, view = tmp_path / "source", tmp_path / "view"
    view.mkdir()
    _, small = pair(source, make_photo)
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(source), str(view)]).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        content = small.read_bytes()
        assert cleanup(str(view)) == 0
        assert not small.exists()
        assert [p.read_bytes() for p in (view / f".Trash-{os.getuid()}" / "files").iterdir()] == [content]
        assert main(["undo"]) == 0
        assert small.read_bytes() == content
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
