"""undo_last_cleanup and classify_session against the real freedesktop trash made by the mover (and by send2trash,
as older versions did)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from trash_worker import build_result, group_of, photo_bytes, record_for, trashed_as

from dupfinder.core.cleanup import FileState, actionlog, classify_session, trash_files, undo, undo_last_cleanup

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="restores from the freedesktop trash")


def home_trash() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def make_group(folder: Path, *names: str) -> tuple[list[Path], dict[Path, bytes]]:
    folder.mkdir(parents=True, exist_ok=True)
    contents = {}
    for name in names:
        path = folder / name
        path.write_bytes(photo_bytes(f"photo {name}".encode()))
        contents[path] = path.read_bytes()
    return list(contents), contents


def clean_up(paths: list[Path], marks: set[int]):
    result = build_result([record_for(p) for p in paths])
    return trash_files(result, [group_of(list(range(len(paths))))], marks, max_distance_bits=10)


def test_undo_restores_files_and_removes_their_trashinfo(tmp_path):
    paths, contents = make_group(tmp_path / "photos", "a.jpg", "b.jpg", "c.jpg")
    moved = clean_up(paths, {1, 2})
    assert not paths[1].exists() and trashed_as(paths[1]).exists()

    report = undo_last_cleanup()

    assert report.supported and report.session_id == moved.session_id
    assert sorted(report.restored) == [str(paths[1]), str(paths[2])]
    assert not report.not_restored
    assert report.message == "Restored 2 files from the trash."
    assert {p: p.read_bytes() for p in paths} == contents
    assert os.listdir(home_trash() / "files") == [] and os.listdir(home_trash() / "info") == []


def test_undo_recreates_a_missing_parent_folder(tmp_path):
    (keeper,), _ = make_group(tmp_path / "keep", "a.jpg")
    (dup,), contents = make_group(tmp_path / "album" / "2019", "b.jpg")
    clean_up([keeper, dup], {1})
    (tmp_path / "album" / "2019").rmdir()
    (tmp_path / "album").rmdir()

    report = undo_last_cleanup()

    assert report.restored == (str(dup),)
    assert dup.read_bytes() == contents[dup]


def test_undo_never_overwrites_a_file_that_appeared_since(tmp_path):
    paths, contents = make_group(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    clean_up(paths, {1, 2})
    paths[1].write_bytes(b"a new picture saved here after the cleanup")

    report = undo_last_cleanup()

    assert paths[1].read_bytes() == b"a new picture saved here after the cleanup"
    assert report.restored == (str(paths[2]),)
    assert [p for p, _ in report.not_restored] == [str(paths[1])]
    assert "a file now exists at the original path" in report.not_restored[0][1]
    assert trashed_as(paths[1]).read_bytes() == contents[paths[1]]


def test_second_undo_does_nothing_and_a_later_one_finishes_the_job(tmp_path):
    paths, contents = make_group(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    clean_up(paths, {1, 2})
    paths[1].write_bytes(b"squatter")
    first = undo_last_cleanup()
    assert first.restored == (str(paths[2]),)

    second = undo_last_cleanup()
    assert second.restored == () and [p for p, _ in second.not_restored] == [str(paths[1])]
    assert paths[2].read_bytes() == contents[paths[2]]

    paths[1].rename(tmp_path / "squatter.jpg")
    third = undo_last_cleanup()
    assert third.restored == (str(paths[1]),)
    assert paths[1].read_bytes() == contents[paths[1]]

    fourth = undo_last_cleanup()
    assert (fourth.restored, fourth.not_restored) == ((), ())
    assert fourth.message == "Nothing to undo: the last cleanup has already been undone."
    restored_events = [r for r in actionlog.read_records() if r["event"] == "restored"]
    assert sorted(r["path"] for r in restored_events) == [str(paths[1]), str(paths[2])]


def test_undo_with_no_log_or_only_dry_runs_does_nothing(tmp_path):
    assert undo_last_cleanup().message == "There is no cleanup to undo."
    paths, _ = make_group(tmp_path, "a.jpg", "b.jpg")
    result = build_result([record_for(p) for p in paths])
    trash_files(result, [group_of([0, 1])], {1}, dry_run=True, max_distance_bits=10)

    report = undo_last_cleanup()

    assert report.message == "There is no cleanup to undo."
    assert paths[1].is_file()


def test_undo_handles_names_that_need_percent_encoding(tmp_path):
    paths, contents = make_group(tmp_path / "Été 2020 %20", "a b.jpg", "ça 100%.jpg", "x#y?.jpg")
    clean_up(paths, {1, 2})
    info = (home_trash() / "info" / (trashed_as(paths[1]).name + ".trashinfo")).read_text()
    assert "%25" in info and "%C3%A7a" in info

    report = undo_last_cleanup()

    assert len(report.restored) == 2
    assert {p: p.read_bytes() for p in paths} == contents


def test_undo_picks_the_right_copy_when_the_same_path_was_trashed_before(tmp_path):
    """An older, different file trashed from the same path stays in the trash."""
    paths, contents = make_group(tmp_path, "a.jpg", "b.jpg")
    clean_up(paths, {1})
    paths[1].write_bytes(photo_bytes(b"a different file, later, same name"))
    newer = paths[1].read_bytes()
    clean_up(paths, {1})
    assert len(os.listdir(home_trash() / "files")) == 2

    report = undo_last_cleanup()

    assert report.restored == (str(paths[1]),)
    assert paths[1].read_bytes() == newer
    assert [p.read_bytes() for p in (home_trash() / "files").iterdir()] == [contents[paths[1]]]


def test_undo_restores_from_a_trash_on_another_volume_with_relative_paths(tmp_path, mount_tmpfs):
    """A file on another device goes to that volume's $topdir/.Trash-$uid, with Path= relative to the topdir."""
    volume = mount_tmpfs(tmp_path / "volume")
    paths, contents = make_group(volume / "DCIM", "a.jpg", "b.jpg")

    moved = clean_up(paths, {1})

    volume_trash = volume / f".Trash-{os.getuid()}"
    in_trash = trashed_as(paths[1], volume_trash)
    assert "Path=DCIM/b.jpg\n" in (volume_trash / "info" / (in_trash.name + ".trashinfo")).read_text()
    assert moved.moved[0].trash_path == str(in_trash)
    assert [loc.state for loc in classify_session()] == [FileState.IN_TRASH]

    report = undo_last_cleanup()

    assert report.restored == (str(paths[1]),)
    assert paths[1].read_bytes() == contents[paths[1]]
    assert os.listdir(volume_trash / "info") == []


def test_undo_restores_a_cleanup_made_through_send2trash_by_an_older_version(tmp_path):
    """Older versions trashed with send2trash and logged no trash path: the entry is found by its .trashinfo."""
    from send2trash import send2trash

    paths, contents = make_group(tmp_path, "a.jpg", "b.jpg")
    entry = record_for(paths[1]).file
    log_path = actionlog.resolve_log_path(None)
    with actionlog.ActionLogWriter(log_path) as writer:
        writer.append(actionlog.CLEANUP_STARTED, session="old", v=1, files=1)
        writer.append(actionlog.INTENT, session="old", path=entry.path, size_bytes=entry.size_bytes,
                      mtime_ns=entry.mtime_ns, dev=entry.dev, ino=entry.ino)  # fmt: skip
        send2trash(entry.path)
        writer.append(actionlog.TRASHED, session="old", path=entry.path, trash_file=None)
        writer.append(actionlog.CLEANUP_FINISHED, session="old", status="completed")

    report = undo_last_cleanup()

    assert report.restored == (str(paths[1]),)
    assert paths[1].read_bytes() == contents[paths[1]]


def test_undo_finds_a_file_whose_trashed_record_was_lost(tmp_path):
    """A cleanup killed between the move and the 'trashed' record: the intent alone is enough."""
    paths, contents = make_group(tmp_path, "a.jpg", "b.jpg")
    clean_up(paths, {1})
    log_path = actionlog.resolve_log_path(None)
    lines = log_path.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if b'"trashed"' not in line and b"cleanup-finished" not in line]
    log_path.write_bytes(b"".join(kept) + b'{"event": "trash')  # and a torn last line

    locations = classify_session()
    assert [(loc.path, loc.state, loc.logged_outcome) for loc in locations] == [
        (str(paths[1]), FileState.IN_TRASH, None)
    ]

    report = undo_last_cleanup()

    assert report.restored == (str(paths[1]),)
    assert paths[1].read_bytes() == contents[paths[1]]


def test_undo_on_other_systems_says_what_to_do_by_hand(tmp_path, monkeypatch):
    paths, _ = make_group(tmp_path, "a.jpg", "b.jpg")
    clean_up(paths, {1})
    monkeypatch.setattr(undo, "FREEDESKTOP", False)
    monkeypatch.setattr(sys, "platform", "darwin")

    report = undo_last_cleanup()

    assert not report.supported and report.restored == ()
    assert report.message == f"Open the Trash and use Put Back on these files:\n{paths[1]}"
    assert not paths[1].exists()
