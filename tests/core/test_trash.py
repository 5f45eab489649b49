"""trash_files: real moves into the freedesktop trash under the test's HOME, guards, re-stat checks, the log."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from trash_worker import build_result, group_of, photo_bytes, record_for, trashed_as

from dupfinder.core.cleanup import actionlog, freedesktop, mover, trash_files
from dupfinder.core.progress import CancelToken, ScanStage

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")


def home_trash() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def make_files(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        path.write_bytes(photo_bytes(f"photo bytes of {name}".encode()))
        paths.append(path)
    return paths


def assert_in_trash(original: Path) -> None:
    assert not os.path.lexists(original)
    assert trashed_as(original).is_file()


def test_moves_marked_file_to_trash_and_journals_it(tmp_path):
    keeper, dup = make_files(tmp_path / "photos", "a.jpg", "b.jpg")
    size = dup.stat().st_size
    result = build_result([record_for(keeper), record_for(dup)])

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10)

    assert_in_trash(dup)
    assert keeper.is_file()
    assert [(m.image, m.path, m.trash_path) for m in report.moved] == [(1, str(dup), str(trashed_as(dup)))]
    assert report.bytes_moved == size and not report.refused and not report.failed and not report.dry_run
    records = actionlog.read_records()
    assert [r["event"] for r in records] == ["cleanup-started", "intent", "trashed", "cleanup-finished"]
    assert {r["session"] for r in records} == {report.session_id}
    assert records[1]["path"] == records[2]["path"] == str(dup)
    assert records[1]["ino"] == os.stat(trashed_as(dup)).st_ino
    assert records[3]["status"] == "completed"


def test_keeper_is_never_trashed_even_if_marked(tmp_path):
    a, b = make_files(tmp_path, "a.jpg", "b.jpg")
    result = build_result([record_for(a), record_for(b)])

    report = trash_files(result, [group_of([0, 1], keeper=1)], {0, 1}, max_distance_bits=10)

    assert b.is_file()
    assert_in_trash(a)
    assert [(r.image, r.reason) for r in report.refused] == [(1, "it is the copy kept for its group")]


def test_all_members_marked_leaves_the_keeper(tmp_path):
    paths = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    result = build_result([record_for(p) for p in paths])

    report = trash_files(result, [group_of([0, 1, 2], keeper=2)], {0, 1, 2}, max_distance_bits=10)

    assert paths[2].is_file()
    assert sorted(m.image for m in report.moved) == [0, 1]
    assert [r.image for r in report.refused] == [2]


def test_protected_files_are_never_trashed(tmp_path):
    keeper, flagged = make_files(tmp_path / "photos", "a.jpg", "b.jpg")
    (reference,) = make_files(tmp_path / "reference", "c.jpg")
    (tmp_path / "ref-link").symlink_to(tmp_path / "reference")
    # b is flagged protected; c is not flagged but lies under a protected root named through a symlink
    result = build_result(
        [record_for(keeper), record_for(flagged, protected=True), record_for(reference)],
        protected_roots=[tmp_path / "ref-link"],
    )

    report = trash_files(result, [group_of([0, 1, 2])], {1, 2}, max_distance_bits=10)

    assert flagged.is_file() and reference.is_file()
    assert not report.moved
    assert {r.image: r.reason for r in report.refused} == {
        1: "it is in a protected folder",
        2: "it is in a protected folder",
    }


def test_marks_outside_any_group_or_scan_are_refused(tmp_path):
    a, b, loner = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    result = build_result([record_for(a), record_for(b), record_for(loner)])

    report = trash_files(result, [group_of([0, 1])], {2, 7}, max_distance_bits=10)

    assert loner.is_file()
    assert {r.image: r.reason for r in report.refused} == {
        2: "not in any duplicate group",
        7: "image 7 is not part of this scan",
    }


def test_symlinked_folder_path_to_the_keeper_is_not_trashed(tmp_path):
    (real,) = make_files(tmp_path / "real", "x.jpg")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    via_alias = tmp_path / "alias" / "x.jpg"
    result = build_result([record_for(real), record_for(via_alias)])

    report = trash_files(result, [group_of([0, 1])], {0, 1}, max_distance_bits=10)

    assert real.read_bytes().endswith(b"photo bytes of x.jpg")
    assert not report.moved
    assert {r.image for r in report.refused} == {0, 1}
    assert "same file as the kept copy" in next(r.reason for r in report.refused if r.image == 1)


def test_hard_link_to_the_keeper_is_not_trashed(tmp_path):
    (original,) = make_files(tmp_path, "x.jpg")
    link = tmp_path / "x-link.jpg"
    os.link(original, link)
    result = build_result([record_for(original), record_for(link)])

    report = trash_files(result, [group_of([0, 1])], {0, 1}, max_distance_bits=10)

    assert original.is_file() and link.is_file()
    assert not report.moved and not (home_trash() / "files").exists()


def test_one_real_file_reached_by_two_marked_paths_is_moved_once(tmp_path):
    keeper, dup = make_files(tmp_path / "real", "a.jpg", "b.jpg")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    alias = tmp_path / "alias" / "b.jpg"
    size = dup.stat().st_size
    result = build_result([record_for(keeper), record_for(dup), record_for(alias)])

    report = trash_files(result, [group_of([0, 1, 2])], {1, 2}, max_distance_bits=10)

    assert keeper.is_file()
    assert_in_trash(dup)
    assert [m.image for m in report.moved] == [1]
    assert [(r.image, r.reason) for r in report.refused] == [(2, f"it is the same file as {dup}, moved once")]
    assert report.bytes_moved == size
    assert os.listdir(home_trash() / "files") == [trashed_as(dup).name]


@pytest.mark.parametrize("change", ["size", "mtime"])
def test_changed_file_is_refused_and_nothing_else_goes_instead(tmp_path, change):
    keeper, changed, other = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    result = build_result([record_for(p) for p in (keeper, changed, other)])
    if change == "size":
        with open(changed, "ab") as f:
            f.write(b"edited")
    else:
        st = changed.stat()
        os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))

    report = trash_files(result, [group_of([0, 1, 2])], {1}, max_distance_bits=10)

    assert keeper.is_file() and changed.is_file() and other.is_file()
    assert not report.moved
    assert [(r.image, r.reason) for r in report.refused] == [(1, f"changed since the scan ({_what[change]} differs)")]


_what = {"size": "size", "mtime": "modification time"}


def test_in_place_rewrite_with_mtime_restored_is_caught_by_the_digest(tmp_path):
    """Same size, same inode, mtime put back: only the content digest (known for same-size files) tells."""
    keeper, dup = make_files(tmp_path, "a.jpg", "b.jpg")
    result = build_result([record_for(keeper, digest=True), record_for(dup, digest=True)])
    st = dup.stat()
    with open(dup, "r+b") as f:  # rewrite in place: the inode stays
        f.write(b"X")
    os.utime(dup, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (dup.stat().st_ino, dup.stat().st_size, dup.stat().st_mtime_ns) == (st.st_ino, st.st_size, st.st_mtime_ns)

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10)

    assert dup.read_bytes().startswith(b"X")
    assert [r.reason for r in report.refused] == ["changed since the scan (content differs)"]


def test_file_saved_over_with_a_new_inode_and_mtime_restored_is_refused(tmp_path):
    """Editors save by writing a new file and renaming it over the old one: the inode changes."""
    keeper, dup = make_files(tmp_path, "a.jpg", "b.jpg")
    result = build_result([record_for(keeper), record_for(dup)])
    st = dup.stat()
    replacement = tmp_path / "b.jpg.tmp"
    replacement.write_bytes(dup.read_bytes().replace(b"photo bytes", b"PHOTO BYTES"))
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(replacement, dup)

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10)

    assert dup.read_bytes().endswith(b"PHOTO BYTES of b.jpg")
    assert [r.reason for r in report.refused] == ["replaced by another file since the scan"]


def test_file_moved_away_is_refused(tmp_path):
    keeper, dup = make_files(tmp_path, "a.jpg", "b.jpg")
    result = build_result([record_for(keeper), record_for(dup)])
    dup.rename(tmp_path / "elsewhere.jpg")

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10)

    assert (tmp_path / "elsewhere.jpg").is_file()
    assert [r.reason for r in report.refused] == ["moved or deleted since the scan"]
    assert not (home_trash() / "files").exists()


@pytest.mark.parametrize("keeper_fate", ["deleted", "edited"])
def test_nothing_is_trashed_when_the_kept_copy_is_gone_or_changed(tmp_path, keeper_fate):
    keeper, b, c = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    result = build_result([record_for(p) for p in (keeper, b, c)])
    if keeper_fate == "deleted":
        keeper.rename(tmp_path / "gone.jpg")
    else:
        keeper.write_bytes(b"edited since")

    report = trash_files(result, [group_of([0, 1, 2])], {1, 2}, max_distance_bits=10)

    assert b.is_file() and c.is_file()
    assert not report.moved
    assert all(r.reason.startswith("no other copy of this photo is still in place") for r in report.refused)


def test_an_unmarked_member_still_in_place_is_enough_when_the_keeper_is_gone(tmp_path):
    keeper, b, c = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    result = build_result([record_for(p) for p in (keeper, b, c)])
    keeper.rename(tmp_path / "gone.jpg")

    report = trash_files(result, [group_of([0, 1, 2])], {1}, max_distance_bits=10)

    assert_in_trash(b)
    assert c.is_file()
    assert [m.image for m in report.moved] == [1]


@pytest.mark.parametrize("error", [OSError(errno.EIO, "I/O error"), OSError(errno.EACCES, "Permission denied")])
def test_a_failing_move_leaves_the_file_and_reports_it(tmp_path, monkeypatch, error):
    keeper, b, c = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    result = build_result([record_for(p) for p in (keeper, b, c)])
    real = mover._rename_into_trash

    def failing_for_b(src_fd, src, trash, name):
        if src == b.name:
            raise error
        real(src_fd, src, trash, name)

    monkeypatch.setattr(mover, "_rename_into_trash", failing_for_b)
    report = trash_files(result, [group_of([0, 1, 2])], {1, 2}, max_distance_bits=10)

    assert b.is_file()
    assert_in_trash(c)
    assert [(f.image, f.reason) for f in report.failed] == [(1, f"the trash refused it: {error.strerror}")]
    events = [(r["event"], r.get("path")) for r in actionlog.read_records()]
    assert ("failed", str(b)) in events and ("trashed", str(c)) in events
    assert len(os.listdir(home_trash() / "info")) == 1  # the name reserved for b was given back


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder whose entries cannot be renamed: chmod 555 for a normal user, chattr +i for root."""
    folder = tmp_path / "locked"
    folder.mkdir()
    paths = make_files(folder, "a.jpg", "b.jpg")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield paths
        folder.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], check=False).returncode:
        pytest.skip("running as root without a usable chattr +i: cannot make a folder read-only")
    try:
        yield paths
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_folder_fails_cleanly(read_only_folder):
    keeper, dup = read_only_folder
    result = build_result([record_for(keeper), record_for(dup)])

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10)

    assert dup.is_file() and keeper.is_file()
    assert not report.moved
    assert [f.image for f in report.failed] == [1]
    assert report.failed[0].reason.startswith("the trash refused it:")
    assert not (home_trash() / "files" / "b.jpg").exists()


def test_unusable_trash_on_another_device_fails_cleanly(tmp_path, monkeypatch):
    """A file whose device has no trash dupfinder may use stays in place, with the reason: never copied elsewhere."""
    keeper, dup = make_files(tmp_path / "volume", "a.jpg", "b.jpg")
    result = build_result([record_for(keeper), record_for(dup)])

    def cannot_create(path, topdir, *, closed_to_others):
        raise freedesktop.NoTrash(f"cannot create {path}: Permission denied")

    monkeypatch.setattr(freedesktop, "open_trash", cannot_create)

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10)

    assert dup.is_file()
    assert [f.reason.split(": cannot create")[0] for f in report.failed] == [
        "the trash refused it: no usable trash on this drive"
    ]
    assert report.failed[0].reason.endswith("Permission denied")


def test_dry_run_moves_nothing_and_logs_nothing(tmp_path):
    keeper, b, c = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    result = build_result([record_for(p) for p in (keeper, b, c)])
    c.write_bytes(b"changed")

    report = trash_files(result, [group_of([0, 1, 2])], {0, 1, 2}, dry_run=True, max_distance_bits=10)

    assert keeper.is_file() and b.is_file() and c.is_file()
    assert report.dry_run and report.session_id is None
    assert [(m.image, m.trash_path) for m in report.moved] == [(1, None)]
    assert {r.image for r in report.refused} == {0, 2}
    assert report.bytes_moved == b.stat().st_size
    assert not actionlog.resolve_log_path(None).exists()
    assert not (home_trash() / "files").exists()


def test_progress_reports_trashing_and_ends_at_total(tmp_path):
    paths = make_files(tmp_path, *(f"{i}.jpg" for i in range(5)))
    result = build_result([record_for(p) for p in paths])
    events = []

    trash_files(result, [group_of([0, 1, 2, 3, 4])], {1, 2, 3, 4}, progress=events.append, max_distance_bits=10)

    assert events and all(e.stage is ScanStage.TRASHING for e in events)
    assert (events[-1].done, events[-1].total) == (4, 4)


def test_cancel_stops_between_files_and_reports_what_moved(tmp_path):
    paths = make_files(tmp_path, *(f"{i}.jpg" for i in range(5)))
    result = build_result([record_for(p) for p in paths])
    token = CancelToken()

    report = trash_files(
        result,
        [group_of([0, 1, 2, 3, 4])],
        {1, 2, 3, 4},
        progress=lambda e: token.cancel(),
        cancel=token,
        max_distance_bits=10,
    )

    assert report.cancelled
    assert [m.image for m in report.moved] == [1]
    assert all(p.is_file() for p in paths[2:])
    assert actionlog.read_records()[-1]["status"] == "cancelled"


def test_log_with_a_torn_last_line_is_read_and_appended_safely(tmp_path):
    log_path = tmp_path / "log" / "actions.jsonl"
    log_path.parent.mkdir()
    log_path.write_bytes(b'{"event": "cleanup-started", "session": "old"}\n{"event": "inte')
    keeper, dup = make_files(tmp_path, "a.jpg", "b.jpg")
    result = build_result([record_for(keeper), record_for(dup)])

    report = trash_files(result, [group_of([0, 1])], {1}, log_path=str(log_path), max_distance_bits=10)

    records = actionlog.read_records(log_path)
    assert [r["event"] for r in records] == [
        "cleanup-started",
        "cleanup-started",
        "intent",
        "trashed",
        "cleanup-finished",
    ]
    assert actionlog.read_sessions(log_path)[-1].session_id == report.session_id
    assert actionlog.read_sessions(log_path)[-1].files[0].outcome == "trashed"


def test_unwritable_action_log_means_nothing_moves(tmp_path):
    keeper, dup = make_files(tmp_path, "a.jpg", "b.jpg")
    result = build_result([record_for(keeper), record_for(dup)])
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")

    report = trash_files(
        result, [group_of([0, 1])], {1}, log_path=str(not_a_folder / "actions.jsonl"), max_distance_bits=10
    )

    assert dup.is_file()
    assert not report.moved
    assert report.failed[0].reason.startswith("not attempted: the action log cannot be written")


def test_action_log_failing_mid_cleanup_stops_before_the_next_move(tmp_path, monkeypatch):
    paths = make_files(tmp_path, *(f"{i}.jpg" for i in range(5)))
    result = build_result([record_for(p) for p in paths])
    real_append = actionlog.ActionLogWriter.append
    intents = 0

    def append_until_disk_full(self, event, **fields):
        nonlocal intents
        intents += event == actionlog.INTENT
        if intents == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_append(self, event, **fields)

    monkeypatch.setattr(actionlog.ActionLogWriter, "append", append_until_disk_full)
    report = trash_files(result, [group_of([0, 1, 2, 3, 4])], {1, 2, 3, 4}, max_distance_bits=10)

    assert [m.image for m in report.moved] == [1, 2]
    assert paths[3].is_file() and paths[4].is_file()
    assert [(f.image, f.reason) for f in report.failed] == [
        (i, "not attempted: the action log cannot be written (No space left on device)") for i in (3, 4)
    ]
