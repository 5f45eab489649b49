"""move_files (`--move-duplicates-to DIR`): real moves into a folder under tmp_path, the same guards as the trash,
the action log, and undo from DIR."""

from __future__ import annotations

import dataclasses
import errno
import os
import stat
import sys
from pathlib import Path

import pytest
from trash_worker import build_result, group_of, photo_bytes, record_for

from dupfinder.core.cleanup import (
    FileState,
    actionlog,
    classify_session,
    destination_problem,
    move_files,
    mover,
    undo_last_cleanup,
)

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="dir descriptors and renameat2")


def make_files(root: Path, *relative: str) -> list[Path]:
    paths = []
    for name in relative:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(photo_bytes(f"photo bytes of {name}".encode()))
        paths.append(path)
    return paths


def scanned(roots: list[Path], paths: list[Path], protected: list[Path] = ()):
    """A scan result of `paths` found under `roots` (in that order), with one group of all of them."""
    result = build_result([record_for(p) for p in paths], protected_roots=protected)
    result = dataclasses.replace(result, roots=tuple(str(r) for r in (*roots, *protected)))
    return result, [group_of(list(range(len(paths))))]


def move(result, groups, marks, folder: Path, **kwargs):
    return move_files(result, groups, marks, destination_dir=folder, max_distance_bits=10, **kwargs)


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()
    }


def test_moved_copies_mirror_their_path_relative_to_their_scanned_folder(tmp_path):
    photos, other = tmp_path / "photos", tmp_path / "other"
    paths = make_files(photos, "a.jpg", "2019/summer/b.jpg", "c.jpg")
    (extra,) = make_files(other, "deep/d.jpg")
    contents = {p: p.read_bytes() for p in (*paths, extra)}
    result, groups = scanned([photos, other], [*paths, extra])
    dups = tmp_path / "dups"

    report = move(result, groups, {1, 2, 3}, dups)

    assert paths[0].is_file()
    assert not any(os.path.lexists(p) for p in (paths[1], paths[2], extra))
    assert files_under(dups) == {
        "2019/summer/b.jpg": contents[paths[1]],
        "c.jpg": contents[paths[2]],
        "deep/d.jpg": contents[extra],
    }
    assert [(m.path, m.trash_path) for m in report.moved] == [
        (str(paths[1]), str(dups / "2019/summer/b.jpg")),
        (str(paths[2]), str(dups / "c.jpg")),
        (str(extra), str(dups / "deep/d.jpg")),
    ]
    assert report.destination == str(dups) and not report.failed and not report.refused
    for folder in (dups, dups / "2019", dups / "2019/summer", dups / "deep"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    records = actionlog.read_records()
    assert [r["event"] for r in records] == ["cleanup-started", *["intent", "moved"] * 3, "cleanup-finished"]
    assert records[0]["destination"] == str(dups)
    assert [(r["root"], r["moved_to"]) for r in records if r["event"] == "intent"] == [
        (str(photos), str(dups / "2019/summer/b.jpg")),
        (str(photos), str(dups / "c.jpg")),
        (str(other), str(dups / "deep/d.jpg")),
    ]


def test_a_file_under_two_scanned_folders_goes_under_the_first_given(tmp_path):
    photos = tmp_path / "photos"
    keeper, dup = make_files(photos, "a.jpg", "trip/b.jpg")
    result, groups = scanned([photos / "trip", photos], [keeper, dup])

    report = move(result, groups, {1}, tmp_path / "dups")

    assert [m.trash_path for m in report.moved] == [str(tmp_path / "dups" / "b.jpg")]
    assert actionlog.read_records()[1]["root"] == str(photos / "trip")


def test_keeper_and_protected_files_are_never_moved(tmp_path):
    photos, reference = tmp_path / "photos", tmp_path / "reference"
    keeper, dup = make_files(photos, "a.jpg", "b.jpg")
    (kept,) = make_files(reference, "c.jpg")
    result, groups = scanned([photos], [keeper, dup, kept], protected=[reference])

    report = move(result, groups, {0, 1, 2}, tmp_path / "dups")

    assert keeper.is_file() and kept.is_file() and not dup.exists()
    assert [m.image for m in report.moved] == [1]
    assert {r.image: r.reason for r in report.refused} == {
        0: "it is the copy kept for its group",
        2: "it is in a protected folder",
    }
    assert files_under(tmp_path / "dups") == {"b.jpg": (tmp_path / "dups" / "b.jpg").read_bytes()}


def test_a_changed_file_is_refused_and_nothing_moves_in_its_place(tmp_path):
    photos = tmp_path / "photos"
    keeper, changed, other = make_files(photos, "a.jpg", "b.jpg", "c.jpg")
    result, groups = scanned([photos], [keeper, changed, other])
    with open(changed, "ab") as f:
        f.write(b"edited since the scan")

    report = move(result, groups, {1}, tmp_path / "dups")

    assert keeper.is_file() and changed.is_file() and other.is_file()
    assert not report.moved
    assert [(r.image, r.reason) for r in report.refused] == [(1, "changed since the scan (size differs)")]
    assert files_under(tmp_path / "dups") == {}


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_at_the_destination_is_never_replaced(tmp_path, dry_run):
    photos, dups = tmp_path / "photos", tmp_path / "dups"
    keeper, dup, other = make_files(photos, "a.jpg", "sub/b.jpg", "c.jpg")
    result, groups = scanned([photos], [keeper, dup, other])
    (dups / "sub").mkdir(parents=True)
    (dups / "sub" / "b.jpg").write_bytes(b"an earlier cleanup's file")

    report = move(result, groups, {1, 2}, dups, dry_run=dry_run)

    assert (dups / "sub" / "b.jpg").read_bytes() == b"an earlier cleanup's file"
    assert dup.is_file()
    assert [(f.image, f.reason) for f in report.failed] == [
        (1, ("" if dry_run else "not moved: ") + f"{dups / 'sub' / 'b.jpg'} already exists; it is never replaced")
    ]
    assert [m.image for m in report.moved] == [2]
    assert other.exists() == dry_run


def test_two_copies_with_one_place_in_the_destination_move_only_the_first(tmp_path):
    """Two scanned folders holding the same relative path: the second copy stays (its place is taken)."""
    first, second = tmp_path / "first", tmp_path / "second"
    (keeper,) = make_files(tmp_path / "keep", "k.jpg")
    (a,) = make_files(first, "x.jpg")
    (b,) = make_files(second, "x.jpg")
    result, groups = scanned([tmp_path / "keep", first, second], [keeper, a, b])
    dups = tmp_path / "dups"

    predicted = move(result, groups, {1, 2}, dups, dry_run=True)
    report = move(result, groups, {1, 2}, dups)

    for outcome in (predicted, report):
        assert [m.image for m in outcome.moved] == [1]
        assert [f.image for f in outcome.failed] == [2]
    assert b.is_file() and (dups / "x.jpg").read_bytes() == photo_bytes(b"photo bytes of x.jpg")


def test_a_file_planted_at_the_destination_just_before_the_rename_is_never_replaced(tmp_path, monkeypatch):
    photos, dups = tmp_path / "photos", tmp_path / "dups"
    keeper, dup = make_files(photos, "a.jpg", "b.jpg")
    result, groups = scanned([photos], [keeper, dup])
    real = mover.rename_noreplace

    def plant_then_rename(src_fd, src, dst_fd, dst):
        with open(os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600, dir_fd=dst_fd), "wb") as f:
            f.write(b"planted")
        return real(src_fd, src, dst_fd, dst)

    monkeypatch.setattr(mover, "rename_noreplace", plant_then_rename)
    report = move(result, groups, {1}, dups)

    assert (dups / "b.jpg").read_bytes() == b"planted" and dup.is_file()
    assert report.failed[0].reason == f"not moved: {dups / 'b.jpg'} already exists; it is never replaced"


def test_without_renameat2_nothing_is_moved_into_the_folder(tmp_path, monkeypatch):
    """No race-free no-replace rename: the file stays (a check and a plain rename could replace a new file)."""
    monkeypatch.setattr(mover, "_renameat2", None)
    photos = tmp_path / "photos"
    keeper, dup = make_files(photos, "a.jpg", "b.jpg")
    result, groups = scanned([photos], [keeper, dup])

    report = move(result, groups, {1}, tmp_path / "dups")

    assert dup.is_file() and not report.moved
    assert "cannot rename without the risk of replacing a file" in report.failed[0].reason


def test_a_file_on_another_device_than_the_folder_is_refused(tmp_path):
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK) or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on another device than tmp_path")
    photos = tmp_path / "photos"
    keeper, dup = make_files(photos, "a.jpg", "b.jpg")
    result, groups = scanned([photos], [keeper, dup])
    dups = shm / f"dupfinder-test-{os.getpid()}-{tmp_path.name}"
    try:
        predicted = move(result, groups, {1}, dups, dry_run=True)
        report = move(result, groups, {1}, dups)

        reason = f"it is on another device than {dups}; files are renamed, never copied"
        assert predicted.failed[0].reason == reason
        assert report.failed[0].reason == "not moved: " + reason
        assert dup.is_file() and not report.moved and files_under(dups) == {}
    finally:
        if dups.is_dir():
            dups.rmdir()


def test_dry_run_moves_nothing_logs_nothing_and_makes_no_folder(tmp_path):
    photos = tmp_path / "photos"
    keeper, dup = make_files(photos, "a.jpg", "sub/b.jpg")
    result, groups = scanned([photos], [keeper, dup])

    predicted = move(result, groups, {1}, tmp_path / "dups", dry_run=True)

    assert [m.trash_path for m in predicted.moved] == [str(tmp_path / "dups" / "sub" / "b.jpg")]
    assert predicted.dry_run and predicted.session_id is None
    assert dup.is_file() and not (tmp_path / "dups").exists()
    assert actionlog.read_records() == []


def test_undo_puts_everything_back_and_refuses_to_overwrite(tmp_path):
    photos, dups = tmp_path / "photos", tmp_path / "dups"
    paths = make_files(photos, "a.jpg", "x/b.jpg", "x/y/c.jpg")
    contents = {p: p.read_bytes() for p in paths}
    result, groups = scanned([photos], paths)
    move(result, groups, {1, 2}, dups)
    (photos / "x" / "y" / "c.jpg").unlink(missing_ok=True)
    (photos / "x" / "b.jpg").write_bytes(b"saved here since")

    listed = classify_session()
    first = undo_last_cleanup()

    assert {(loc.path, loc.state, loc.moved_to) for loc in listed} == {
        (str(paths[1]), FileState.IN_FOLDER, str(dups / "x/b.jpg")),
        (str(paths[2]), FileState.IN_FOLDER, str(dups / "x/y/c.jpg")),
    }
    assert first.restored == (str(paths[2]),)
    assert first.not_restored == (
        (str(paths[1]), f"a file now exists at the original path; the moved copy was left in {dups}"),
    )
    assert first.message == f"Restored 1 file from {dups}. 1 could not be restored and stay in {dups}."
    assert paths[1].read_bytes() == b"saved here since"
    assert (dups / "x" / "b.jpg").read_bytes() == contents[paths[1]]
    assert paths[2].read_bytes() == contents[paths[2]]

    paths[1].unlink()  # the user moves the new file away: the next undo finishes the job
    second = undo_last_cleanup()
    assert second.restored == (str(paths[1]),)
    assert {p: p.read_bytes() for p in paths} == contents
    assert files_under(dups) == {}
    assert undo_last_cleanup().message == "Nothing to undo: the last cleanup has already been undone."


def test_undo_recreates_a_missing_original_folder(tmp_path):
    photos = tmp_path / "photos"
    keeper, dup = make_files(photos, "a.jpg", "album/2019/b.jpg")
    content = dup.read_bytes()
    result, groups = scanned([photos], [keeper, dup])
    move(result, groups, {1}, tmp_path / "dups")
    (photos / "album" / "2019").rmdir()
    (photos / "album").rmdir()

    assert undo_last_cleanup().restored == (str(dup),)
    assert dup.read_bytes() == content


def test_undo_never_follows_a_symlink_planted_in_the_folder(tmp_path):
    photos, dups, elsewhere = tmp_path / "photos", tmp_path / "dups", tmp_path / "elsewhere"
    keeper, dup = make_files(photos, "a.jpg", "sub/b.jpg")
    result, groups = scanned([photos], [keeper, dup])
    move(result, groups, {1}, dups)
    moved = dups / "sub"
    moved.rename(tmp_path / "set-aside")
    elsewhere.mkdir()
    (elsewhere / "b.jpg").write_bytes(b"another file of the same name")
    moved.symlink_to(elsewhere)

    report = undo_last_cleanup()

    assert report.restored == ()
    assert report.not_restored == ((str(dup), f"{moved} is now a symbolic link; it is not followed"),)
    assert (elsewhere / "b.jpg").read_bytes() == b"another file of the same name" and not dup.exists()
    assert classify_session()[0].state is FileState.MISSING


def test_a_symlink_as_the_folder_is_never_moved_into(tmp_path):
    photos = tmp_path / "photos"
    keeper, dup = make_files(photos, "a.jpg", "b.jpg")
    result, groups = scanned([photos], [keeper, dup])
    (tmp_path / "target").mkdir()
    (tmp_path / "dups").symlink_to(tmp_path / "target")

    report = move(result, groups, {1}, tmp_path / "dups")

    assert dup.is_file() and not report.moved and list((tmp_path / "target").iterdir()) == []
    assert report.failed[0].reason == f"not attempted: {tmp_path / 'dups'} is a symbolic link; it is not followed"
    assert destination_problem(str(tmp_path / "dups"), [str(photos)]).endswith(
        "is a symbolic link; give the folder it points to, or another one"
    )


def test_the_action_log_failing_mid_cleanup_moves_nothing_more(tmp_path, monkeypatch):
    photos = tmp_path / "photos"
    paths = make_files(photos, *(f"{i}.jpg" for i in range(5)))
    result, groups = scanned([photos], paths)
    real_append = actionlog.ActionLogWriter.append
    intents = 0

    def append_until_disk_full(self, event, **fields):
        nonlocal intents
        intents += event == actionlog.INTENT
        if intents == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_append(self, event, **fields)

    monkeypatch.setattr(actionlog.ActionLogWriter, "append", append_until_disk_full)
    report = move(result, groups, {1, 2, 3, 4}, tmp_path / "dups")

    assert [m.image for m in report.moved] == [1, 2]
    assert all(p.is_file() for p in paths[3:]) and sorted(files_under(tmp_path / "dups")) == ["1.jpg", "2.jpg"]
    assert [(f.image, f.reason) for f in report.failed] == [
        (i, "not attempted: the action log cannot be written (No space left on device)") for i in (3, 4)
    ]


def test_every_move_is_preceded_by_its_intent_naming_the_place_in_the_folder(tmp_path, monkeypatch):
    """At the moment of each rename the log already holds (fsync'd) the intent for that file and its place in DIR;
    a cleanup stopped right after a move (the "moved" record never written) is still found and undone."""
    photos, dups = tmp_path / "photos", tmp_path / "dups"
    paths = make_files(photos, "a.jpg", "b.jpg", "s/c.jpg")
    contents = {p: p.read_bytes() for p in paths}
    result, groups = scanned([photos], paths)
    real_to_folder = mover.FolderMover.to_folder
    seen = []

    def checked(self, path, expected, relative):
        last = actionlog.read_records()[-1]
        seen.append((last["event"], last["path"], last["moved_to"]))
        return real_to_folder(self, path, expected, relative)

    real_append = actionlog.ActionLogWriter.append

    def lose_the_last_moved_record(self, event, **fields):
        if event == actionlog.MOVED and fields["path"] == str(paths[2]):
            raise OSError(errno.EIO, "killed")
        real_append(self, event, **fields)

    monkeypatch.setattr(mover.FolderMover, "to_folder", checked)
    monkeypatch.setattr(actionlog.ActionLogWriter, "append", lose_the_last_moved_record)
    move(result, groups, {1, 2}, dups)
    monkeypatch.setattr(mover.FolderMover, "to_folder", real_to_folder)
    monkeypatch.setattr(actionlog.ActionLogWriter, "append", real_append)

    assert seen == [("intent", str(paths[1]), str(dups / "b.jpg")), ("intent", str(paths[2]), str(dups / "s/c.jpg"))]
    assert [loc.state for loc in classify_session()] == [FileState.IN_FOLDER, FileState.IN_FOLDER]
    assert actionlog.read_sessions()[-1].files[1].outcome is None
    assert undo_last_cleanup().restored == (str(paths[1]), str(paths[2]))
    assert {p: p.read_bytes() for p in paths} == contents


def test_undo_moves_back_only_the_very_file_that_was_moved(tmp_path):
    """A different file put at the place in DIR (same name) is never "restored" into the scanned folder."""
    photos, dups = tmp_path / "photos", tmp_path / "dups"
    keeper, dup = make_files(photos, "a.jpg", "b.jpg")
    result, groups = scanned([photos], [keeper, dup])
    move(result, groups, {1}, dups)
    (dups / "b.jpg").rename(tmp_path / "set-aside.jpg")
    (dups / "b.jpg").write_bytes(b"someone else's file")

    report = undo_last_cleanup()

    assert report.restored == ()
    assert report.not_restored == ((str(dup), f"the file at {dups / 'b.jpg'} is not the one that was moved"),)
    assert not dup.exists() and (dups / "b.jpg").read_bytes() == b"someone else's file"
    assert classify_session()[0].state is FileState.MISSING
