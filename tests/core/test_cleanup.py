"""The cleanup perimeter's parts one by one: the mover never replaces or trusts a name, the lock serialises
cleanups, the fresh look before a move, the action log's encoding and validation."""

from __future__ import annotations

import fcntl
import logging
import os
import sys
import threading
from pathlib import Path

import pytest
from trash_worker import build_result, group_of, photo_bytes, record_for, trashed_as

from dupfinder.core.cleanup import actionlog, checks, lock, mover, trash_files, undo_last_cleanup
from dupfinder.core.models import ImageRecord

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")


def home_trash() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def make_files(folder: Path, *names: str, seed: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(photo_bytes(name.encode(), seed))
    return [folder / name for name in names]


def clean(paths: list[Path], marks: set[int], records: list[ImageRecord] | None = None):
    result = build_result(records or [record_for(p) for p in paths])
    return trash_files(result, [group_of(list(range(len(paths))))], marks, max_distance_bits=10)


# ------------------------------------------------------------------------------------------------ the mover


def test_a_file_planted_at_the_chosen_trash_name_is_never_replaced(tmp_path, monkeypatch):
    """Another program puts a file at the very name chosen, between the choice and the rename: it stays, and the
    photo goes under another name."""
    keeper, dup = make_files(tmp_path, "folder.jpg", "folder-copy.jpg")
    real = mover._reserve_name
    planted = []

    def reserve_then_plant(trash, original_path, home):
        name = real(trash, original_path, home)
        if not planted:
            planted.append(Path(trash.files_path(name)))
            planted[0].write_bytes(b"someone else's trashed file")
        return name

    monkeypatch.setattr(mover, "_reserve_name", reserve_then_plant)
    report = clean([keeper, dup], {1})

    assert planted[0].read_bytes() == b"someone else's trashed file"
    assert [m.image for m in report.moved] == [1]
    assert Path(report.moved[0].trash_path).read_bytes() == photo_bytes(b"folder-copy.jpg")
    assert Path(report.moved[0].trash_path) != planted[0]


def test_a_file_swapped_in_just_before_the_rename_is_put_back(tmp_path, monkeypatch):
    """The path is switched to another file after the checks: the trash file is not the one checked, so it goes
    back and the failure is reported."""
    keeper, dup = make_files(tmp_path, "a.jpg", "b.jpg")
    real = mover._reserve_name

    def reserve_then_swap(trash, original_path, home):
        name = real(trash, original_path, home)
        swapped = tmp_path / "new.jpg"
        swapped.write_bytes(photo_bytes(b"a new file saved over b.jpg"))
        os.replace(swapped, dup)
        return name

    monkeypatch.setattr(mover, "_reserve_name", reserve_then_swap)
    report = clean([keeper, dup], {1})

    assert dup.read_bytes() == photo_bytes(b"a new file saved over b.jpg")
    assert not report.moved
    assert (
        report.failed[0].reason == "the trash refused it: it was replaced while being moved; put back and left in place"
    )
    assert os.listdir(home_trash() / "files") == [] and os.listdir(home_trash() / "info") == []


def test_without_renameat2_trash_and_undo_still_never_replace(tmp_path, monkeypatch):
    """A system or file system without RENAME_NOREPLACE: rename onto a reserved name of our own, and link+unlink
    back on undo, which refuses to replace a file that appeared since."""
    monkeypatch.setattr(mover, "_renameat2", None)
    paths = make_files(tmp_path, "a.jpg", "b.jpg", "c.jpg")
    contents = [p.read_bytes() for p in paths]
    report = clean(paths, {1, 2})
    assert [m.image for m in report.moved] == [1, 2]
    paths[2].write_bytes(b"saved here since")

    undone = undo_last_cleanup()

    assert undone.restored == (str(paths[1]),) and paths[1].read_bytes() == contents[1]
    assert paths[2].read_bytes() == b"saved here since"
    assert trashed_as(paths[2]).read_bytes() == contents[2]


def test_trash_names_are_unique_and_fit_a_file_name():
    long_name = "é" * 200 + ".jpeg"
    names = {mover.trash_name("folder.jpg") for _ in range(1000)}
    assert len(names) == 1000 and all(n.startswith("folder.") and n.endswith(".jpg") for n in names)
    assert len(os.fsencode(mover.trash_name(long_name) + ".trashinfo")) <= 255


# ------------------------------------------------------------------------------------------------ the lock


def test_a_second_cleanup_waits_for_the_first(tmp_path):
    """While another process holds the cleanup lock, a cleanup waits (and says so), then runs."""
    keeper, dup = make_files(tmp_path, "a.jpg", "b.jpg")
    folder = actionlog.resolve_log_path(None).parent
    folder.mkdir(parents=True, exist_ok=True)
    waiting = threading.Event()

    class Signal(logging.Handler):
        def emit(self, record):
            waiting.set()

    handler = Signal(logging.WARNING)
    logging.getLogger(lock.__name__).addHandler(handler)
    held = os.open(folder / lock.LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        outcome = []
        worker = threading.Thread(target=lambda: outcome.append(clean([keeper, dup], {1})))
        worker.start()
        assert waiting.wait(30)
        assert dup.is_file()  # nothing moved while the other cleanup runs
    finally:
        os.close(held)  # releases the lock
        logging.getLogger(lock.__name__).removeHandler(handler)
    worker.join(30)
    assert [m.image for m in outcome[0].moved] == [1] and not dup.exists()


# ------------------------------------------------------------------------------------------------ the fresh look


@pytest.mark.parametrize("forged", ["fingerprint", "digest"])
def test_forged_scan_data_cannot_get_a_different_photo_trashed(tmp_path, forged):
    """The cache (or anything else) claims a different photo is a copy of the keeper: a fresh look says no."""
    (keeper,) = make_files(tmp_path, "keeper.png", seed=1)
    (other,) = make_files(tmp_path, "other.png", seed=2)
    real_keeper, real_other = record_for(keeper, digest=True), record_for(other, digest=True)
    if forged == "fingerprint":
        records = [real_keeper, ImageRecord(real_other.file, real_keeper.fingerprint, None)]
    else:  # both recorded as byte-identical to each other
        records = [real_keeper, ImageRecord(real_other.file, real_keeper.fingerprint, real_keeper.digest)]

    report = clean([keeper, other], {1}, records)

    assert other.is_file() and not report.moved
    assert report.refused[0].image == 1


def test_a_copy_farther_than_the_threshold_from_what_stays_is_refused(tmp_path, make_photo):
    keeper = make_photo(tmp_path / "k.jpg", 1, (320, 240), quality=95)
    other = make_photo(tmp_path / "o.jpg", 2, (320, 240), quality=95)
    result = build_result([record_for(keeper), record_for(other)])

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=2)

    assert other.is_file()
    assert report.refused[0].reason.startswith("no copy that stays is still alike to it: a fresh look finds it")
    assert "the groups allow 2" in report.refused[0].reason


def test_each_file_is_decoded_once_per_cleanup(tmp_path, monkeypatch):
    paths = make_files(tmp_path, *(f"{i}.png" for i in range(6)))
    calls = []
    real = checks.fingerprint_file
    monkeypatch.setattr(checks, "fingerprint_file", lambda path: calls.append(path) or real(path))

    report = clean(paths, {1, 2, 3, 4, 5})

    assert len(report.moved) == 5
    assert sorted(calls) == sorted(map(str, paths))  # the keeper once, each copy once


# ------------------------------------------------------------------------------------------------ the action log


def test_the_action_log_is_ascii_and_round_trips_names_that_are_not_utf8(tmp_path):
    odd = os.fsdecode(b"/photos/caf\xe9 \xff.jpg")
    log_path = tmp_path / "log" / "actions.jsonl"
    with actionlog.ActionLogWriter(log_path) as writer:
        writer.append(actionlog.CLEANUP_STARTED, session="s")
        writer.append(actionlog.INTENT, session="s", path=odd, size_bytes=1, mtime_ns=1, dev=1, ino=1)

    assert log_path.read_bytes().isascii()
    assert actionlog.read_sessions(log_path)[0].files[0].path == odd


def test_a_log_that_belongs_to_another_user_is_not_written(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    log_path = tmp_path / "log" / "actions.jsonl"
    log_path.parent.mkdir(mode=0o700)
    log_path.write_text("")
    os.chown(log_path, 12345, 12345)
    keeper, dup = make_files(tmp_path / "p", "a.jpg", "b.jpg")
    result = build_result([record_for(keeper), record_for(dup)])

    report = trash_files(result, [group_of([0, 1])], {1}, max_distance_bits=10, log_path=log_path)

    assert dup.is_file() and log_path.read_text() == ""
    assert "belongs to another user" in report.failed[0].reason


def test_a_cropped_copy_the_second_measure_confirmed_passes_the_fresh_look_and_is_trashed(tmp_path):
    """Cropped copies are far apart in the whole-picture hash (in every orientation): the fresh look before the
    move must re-run the scan's matching on the two files, not refuse them by hash distance."""
    from PIL import Image

    from dupfinder.core.grouping import regroup
    from dupfinder.core.options import ScanOptions
    from dupfinder.core.scanner import run_scan
    from dupfinder.core.selection import keep_best_marks

    astronaut = Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg"
    with Image.open(astronaut) as im:
        photo = im.convert("RGB").resize((768, 768), Image.Resampling.LANCZOS)
    photo.save(tmp_path / "original.png")
    photo.crop((0, 0, 640, 660)).save(tmp_path / "cropped.jpg", quality=90)
    result = run_scan(ScanOptions((str(tmp_path),), use_cache=False))
    (group,) = regroup(result, 12)
    names = {os.path.basename(result.images[i].path): i for i in group.images}
    marks = keep_best_marks([group], result.images)
    assert marks == {names["cropped.jpg"]}
    fresh = checks.FreshLook(result.images, checks.HashKind.PHASH_DHASH, 12, result.matched_turned, True)
    a, b = result.images[names["cropped.jpg"]].fingerprint, result.images[names["original.png"]].fingerprint
    assert fresh.distance(a, b) > 12  # far in the hash: only the second measure can keep them together
    report = trash_files(result, [group], marks, max_distance_bits=12)
    assert [os.path.basename(t.path) for t in report.moved] == ["cropped.jpg"] and not report.refused
    assert (tmp_path / "original.png").exists()
