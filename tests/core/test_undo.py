"""undo_last_cleanup and classify_session against the real freedesktop trash made by send2trash."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from trash_worker import build_result, group_of, record_for

from dupfinder.core import actionlog, undo
from dupfinder.core.trash import trash_files
from dupfinder.core.undo import FileState, classify_session, undo_last_cleanup

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="restores from the freedesktop trash")


def home_trash() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def make_group(folder: Path, *names: str) -> tuple[list[Path], dict[Path, bytes]]:
    folder.mkdir(parents=True, exist_ok=True)
    contents = {}
    for name in names:
        path = folder / name
        path.write_bytes(f"photo {name}".encode() * 20)
        contents[path] = path.read_bytes()
    return list(contents), contents


def clean_up(paths: list[Path], marks: set[int]):
    result = build_result([record_for(p) for p in paths])
    return trash_files(result, [group_of(list(range(len(paths))))], marks)


def test_undo_restores_files_and_removes_their_trashinfo(tmp_path):
    paths, contents = make_group(tmp_path / "photos", "a.jpg", "b.jpg", "c.jpg")
    moved = clean_up(paths, {1, 2})
    assert not paths[1].exists() and (home_trash() / "info" / "b.jpg.trashinfo").exists()

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
    assert (home_trash() / "files" / "b.jpg").read_bytes() == contents[paths[1]]
    assert (home_trash() / "info" / "b.jpg.trashinfo").exists()


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
    trash_files(result, [group_of([0, 1])], {1}, dry_run=True)

    report = undo_last_cleanup()

    assert report.message == "There is no cleanup to undo."
    assert paths[1].is_file()


def test_undo_handles_names_that_need_percent_encoding(tmp_path):
    paths, contents = make_group(tmp_path / "Été 2020 %20", "a b.jpg", "ça 100%.jpg", "x#y?.jpg")
    clean_up(paths, {1, 2})
    info = (home_trash() / "info" / "ça 100%.jpg.trashinfo").read_text()
    assert "%25" in info and "%C3%A7a" in info

    report = undo_last_cleanup()

    assert len(report.restored) == 2
    assert {p: p.read_bytes() for p in paths} == contents


def test_undo_picks_the_right_copy_when_the_same_path_was_trashed_before(tmp_path):
    """An older, different file trashed from the same path stays in the trash."""
    paths, contents = make_group(tmp_path, "a.jpg", "b.jpg")
    clean_up(paths, {1})
    paths[1].write_bytes(b"a different picture, later, same name")
    newer = paths[1].read_bytes()
    clean_up(paths, {1})
    assert sorted(os.listdir(home_trash() / "files")) == ["b 1.jpg", "b.jpg"]

    report = undo_last_cleanup()

    assert report.restored == (str(paths[1]),)
    assert paths[1].read_bytes() == newer
    assert (home_trash() / "files" / "b.jpg").read_bytes() == contents[paths[1]]


def test_undo_restores_from_a_trash_on_another_volume_with_relative_paths(tmp_path, monkeypatch):
    """send2trash's real code for another device: $topdir/.Trash-$uid with Path= relative to the topdir."""
    from send2trash import plat_other

    volume = tmp_path / "volume"
    paths, contents = make_group(volume / "DCIM", "a.jpg", "b.jpg")
    volume_b = os.fsencode(str(volume))
    monkeypatch.setattr(plat_other, "get_dev", lambda path: 1 if volume_b in os.fsencode(path) else 2)
    monkeypatch.setattr(plat_other, "find_mount_point", lambda path: volume_b)
    monkeypatch.setattr(undo, "mount_point", lambda path: str(volume) if str(path).startswith(str(volume)) else "/")

    moved = clean_up(paths, {1})

    volume_trash = volume / f".Trash-{os.getuid()}"
    assert "Path=DCIM/b.jpg\n" in (volume_trash / "info" / "b.jpg.trashinfo").read_text()
    assert moved.moved[0].trash_path == str(volume_trash / "files" / "b.jpg")
    assert [loc.state for loc in classify_session()] == [FileState.IN_TRASH]

    report = undo_last_cleanup()

    assert report.restored == (str(paths[1]),)
    assert paths[1].read_bytes() == contents[paths[1]]
    assert os.listdir(volume_trash / "info") == []


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
