"""Adversarial cases: nothing is ever deleted, odd group shapes, and a cleanup killed with SIGKILL halfway."""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from trash_worker import build_result, group_of, photo_bytes, record_for

from dupfinder.core.cleanup import FileState, actionlog, classify_session, mover, trash_files, undo_last_cleanup

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")

WORKER = Path(__file__).with_name("trash_worker.py")


def home_trash() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def write(path: Path, content: bytes) -> Path:
    """A real picture (the same one for every file) tagged with `content`, so each file's bytes are its own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo_bytes(content))
    return path


def test_no_code_path_deletes_anything(tmp_path, monkeypatch):
    """Every deleting call raises; a cleanup full of moves, refusals and trash failures still runs, and none is made."""
    paths = [write(tmp_path / "p" / f"{i}.jpg", b"photo %d" % i * 50) for i in range(8)]
    result = build_result([record_for(p, digest=True) for p in paths])
    groups = [group_of([0, 1, 2, 3]), group_of([4, 5, 6, 7])]
    paths[2].write_bytes(b"edited after the scan")  # refused: changed
    paths[4].rename(tmp_path / "keeper-moved.jpg")  # group 2's keeper is gone, but unmarked 7 is still there
    real = mover._rename_into_trash

    def rename_failing_for_3(src_fd, src, trash, name):
        if src == paths[3].name:
            raise OSError(5, "Input/output error")
        real(src_fd, src, trash, name)

    monkeypatch.setattr(mover, "_rename_into_trash", rename_failing_for_3)
    deletions = []

    def forbidden(name, real_call):
        def call(*args, **kwargs):
            if args and str(args[0]).endswith(".trashinfo"):  # the trash's metadata (a name reserved for 3.jpg)
                return real_call(*args, **kwargs)
            deletions.append((name, args))
            raise AssertionError(f"{name} called during a cleanup")

        return call

    with pytest.MonkeyPatch.context() as no_delete:
        for module, name in [
            (os, "remove"),
            (os, "unlink"),
            (os, "rmdir"),
            (shutil, "rmtree"),
            (pathlib.Path, "unlink"),
        ]:
            no_delete.setattr(module, name, forbidden(name, getattr(module, name)))
        report = trash_files(result, groups, {0, 1, 2, 3, 5, 6}, max_distance_bits=10)

    assert deletions == []
    assert [m.image for m in report.moved] == [1, 5, 6]  # 7 is still in place, so 5 and 6 may go
    assert {r.image: r.reason.split(" (")[0] for r in report.refused} == {
        0: "it is the copy kept for its group",
        2: "changed since the scan",
    }
    assert [f.image for f in report.failed] == [3]
    trashed = sorted(p.read_bytes() for p in (home_trash() / "files").iterdir())
    assert trashed == sorted(photo_bytes(b"photo %d" % i * 50) for i in (1, 5, 6))
    assert len(os.listdir(home_trash() / "info")) == 3
    assert all(paths[i].exists() for i in (0, 2, 3, 7))


def test_image_in_two_groups_needs_a_survivor_in_each(tmp_path):
    """y is in groups A and B (should not happen); A's other copy vanished, so y stays though B is fine."""
    a, y, b = (write(tmp_path / n, n.encode() * 30) for n in ("a.jpg", "y.jpg", "b.jpg"))
    result = build_result([record_for(a), record_for(y), record_for(b)])
    groups = [group_of([0, 1]), group_of([2, 1])]
    a.rename(tmp_path / "gone.jpg")

    report = trash_files(result, groups, {1}, max_distance_bits=10)

    assert y.is_file()
    assert report.refused[0].reason.startswith("no other copy of this photo is still in place")


def test_keeper_of_one_group_marked_in_another_is_kept(tmp_path):
    a, b, c = (write(tmp_path / n, n.encode() * 30) for n in ("a.jpg", "b.jpg", "c.jpg"))
    result = build_result([record_for(a), record_for(b), record_for(c)])
    groups = [group_of([0, 1]), group_of([2, 0], keeper=2)]

    report = trash_files(result, groups, {0, 1}, max_distance_bits=10)

    assert a.is_file() and not b.exists()
    assert [(r.image, r.reason) for r in report.refused] == [(0, "it is the copy kept for its group")]


def test_alias_of_a_kept_file_in_another_group_is_kept(tmp_path):
    """Trashing x through a symlinked folder would take away group 1's keeper."""
    x, other, extra = (write(tmp_path / "real" / n, n.encode() * 30) for n in ("x.jpg", "o.jpg", "e.jpg"))
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    x_alias = tmp_path / "alias" / "x.jpg"
    result = build_result([record_for(x), record_for(other), record_for(extra), record_for(x_alias)])
    groups = [group_of([0, 1]), group_of([2, 3])]

    report = trash_files(result, groups, {1, 3}, max_distance_bits=10)

    assert x.is_file()
    assert [m.image for m in report.moved] == [1]
    assert report.refused[0].reason == f"it is the same file as the kept copy {x}"


def test_a_path_that_became_a_symlink_is_not_followed(tmp_path):
    keeper = write(tmp_path / "a.jpg", b"keeper" * 30)
    dup = write(tmp_path / "b.jpg", b"dup" * 30)
    result = build_result([record_for(keeper), record_for(dup)])
    dup.rename(tmp_path / "b-real.jpg")
    dup.symlink_to(tmp_path / "b-real.jpg")

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10)

    assert dup.is_symlink() and (tmp_path / "b-real.jpg").is_file()
    assert report.refused[0].reason == "it is a symbolic link; only real files are moved to the trash"


def test_two_hard_links_both_marked_both_go_and_the_keeper_stays(tmp_path):
    keeper = write(tmp_path / "a.jpg", b"same picture" * 30)
    h1 = write(tmp_path / "b.jpg", b"same picture" * 30)
    h2 = tmp_path / "c.jpg"
    os.link(h1, h2)
    size = h1.stat().st_size
    result = build_result([record_for(keeper), record_for(h1), record_for(h2)])

    report = trash_files(result, [group_of([0, 1, 2])], {1, 2}, max_distance_bits=10)

    assert keeper.is_file()
    assert sorted(m.image for m in report.moved) == [1, 2]
    assert report.bytes_moved == size  # one real file


def make_corpus(folder: Path, groups: int, copies: int) -> dict[Path, bytes]:
    contents = {}
    for g in range(groups):
        for k in range(copies):
            path = write(folder / f"g{g:03d}_{k}.jpg", f"group {g} copy {k} ".encode() * 40)
            contents[path] = path.read_bytes()
    return contents


@pytest.mark.parametrize("mode", ["pause", "race"])
def test_cleanup_killed_halfway_loses_nothing_and_the_log_tells_where_each_file_is(tmp_path, mode):
    """200 files to move; SIGKILL once 80 have moved ("pause": frozen right after the 80th move, before its
    'trashed' record; "race": while it keeps going). Every file is in place or in the trash, by content."""
    folder = tmp_path / "photos"
    contents = make_corpus(folder, groups=100, copies=3)
    signal_after = 80
    child = subprocess.Popen(
        [sys.executable, str(WORKER), str(folder), str(signal_after), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])},  # this checkout's dupfinder
    )
    line = child.stdout.readline()  # blocks until the child has moved 80 files
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    stderr = child.stderr.read().decode()
    child.stdin.close()
    child.stdout.close()
    child.stderr.close()
    assert line == b"80\n", stderr
    assert child.returncode == -signal.SIGKILL

    in_place = {p.read_bytes() for p in folder.iterdir()}
    trashed = {p.read_bytes() for p in (home_trash() / "files").iterdir()}
    assert in_place | trashed == set(contents.values())  # nothing lost
    assert not in_place & trashed
    assert len(trashed) >= signal_after if mode == "race" else len(trashed) == signal_after
    assert all(p.exists() for p in contents if p.name.endswith("_0.jpg"))  # keepers untouched

    locations = classify_session()
    assert FileState.MISSING not in {loc.state for loc in locations}
    for loc in locations:
        assert (loc.state is FileState.IN_PLACE) == Path(loc.path).exists()
        if loc.state is FileState.IN_TRASH:
            assert Path(loc.trash_file).read_bytes() == contents[Path(loc.path)]
    in_trash = [loc for loc in locations if loc.state is FileState.IN_TRASH]
    assert len(in_trash) == len(trashed)
    if mode == "pause":
        assert len(locations) == signal_after
        assert [loc.logged_outcome for loc in in_trash] == ["trashed"] * (signal_after - 1) + [None]
    assert not actionlog.read_sessions()[-1].finished

    report = undo_last_cleanup()

    assert len(report.restored) == len(trashed) and not report.not_restored
    assert {p: p.read_bytes() for p in folder.iterdir()} == contents
    assert os.listdir(home_trash() / "files") == []
