"""run_scan end to end on generated photos: groups, identical bytes, problems, cache reuse, cancellation."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

import pytest

from dupfinder.core.grouping import regroup
from dupfinder.core.models import ProblemKind
from dupfinder.core.options import DEFAULT_HASH, Preset, ScanOptions, preset_distance
from dupfinder.core.progress import CancelToken, ScanCancelled, ScanStage
from dupfinder.core.scanner import run_scan


@pytest.fixture
def library(tmp_path, make_photo):
    """Three pictures with copies, two singles and two bad files."""
    root = tmp_path / "Pictures"
    make_photo(root / "trip" / "a.jpg", 1, (640, 480), quality=92)
    make_photo(root / "backup" / "a small.jpg", 1, (320, 240), quality=80)
    shutil.copy2(root / "trip" / "a.jpg", root / "backup" / "a copy.jpg")
    make_photo(root / "b.png", 2, (400, 300))
    make_photo(root / "export" / "b.webp", 2, (400, 300), quality=70)
    make_photo(root / "c.jpg", 3)
    make_photo(root / "Фото" / "c 照片 🙂.jpg", 3, quality=60)
    make_photo(root / "d.jpg", 4)
    make_photo(root / "e.jpg", 5)
    (root / "empty.jpg").write_bytes(b"")
    (root / "notes.png").write_text("not a picture")
    return root


def paths_of(result, groups):
    return sorted(sorted(result.images[i].path.rsplit("/", 1)[-1] for i in g.images) for g in groups)


def test_finds_the_expected_groups_and_reports_bad_files(library):
    result = run_scan(ScanOptions((str(library),)))
    groups = regroup(result, preset_distance(Preset.NORMAL, result_kind(result)))
    assert paths_of(result, groups) == [
        ["a copy.jpg", "a small.jpg", "a.jpg"],
        ["b.png", "b.webp"],
        ["c 照片 🙂.jpg", "c.jpg"],
    ]
    kinds = {p.path.rsplit("/", 1)[-1]: p.kind for p in result.problems}
    assert kinds == {"empty.jpg": ProblemKind.EMPTY, "notes.png": ProblemKind.NOT_AN_IMAGE}
    assert result.stats.files_seen == 11
    assert result.stats.images_fingerprinted == 9


def test_byte_identical_copy_is_flagged_identical(library):
    result = run_scan(ScanOptions((str(library),)))
    (group,) = [g for g in regroup(result, 10) if len(g.members) == 3]
    by_name = {result.images[m.image].path.rsplit("/", 1)[-1]: m for m in group.members}
    assert by_name["a.jpg"].image == group.reference  # same pixels and bytes: the shorter path is preferred
    assert by_name["a copy.jpg"].identical and by_name["a copy.jpg"].similarity == 100.0
    assert not by_name["a small.jpg"].identical


def test_digests_read_and_looked_up_a_few_at_a_time_give_the_same_result(library, tmp_path, monkeypatch):
    """The scanner reads and stores content digests in batches and looks them up in slices: with batches and slices
    of one file, a cold and a warm scan both find the byte copies, and the warm one reads no file for a digest."""
    from dupfinder.core import scanner

    for name in ("b copy.png", "b copy 2.png"):
        shutil.copy2(library / "b.png", library / name)
    options = ScanOptions((str(library),), cache_path=str(tmp_path / "cache.sqlite3"))
    monkeypatch.setattr(scanner, "CACHE_BATCH", 1)
    monkeypatch.setattr(scanner, "DIGEST_LOOKUP_ROWS", 1)
    cold = run_scan(options)
    read = []
    monkeypatch.setattr(scanner, "digest_files", lambda files, **kw: read.extend(files) or iter(()))
    warm = run_scan(options)
    for result in (cold, warm):
        named = {result.images.path(i).rsplit("/", 1)[-1]: result.images.digest(i) for i in range(len(result.images))}
        assert named["b.png"] is not None and named["b.png"] == named["b copy.png"] == named["b copy 2.png"]
        assert named["a.jpg"] == named["a copy.jpg"] != named["b.png"]
    assert read == []


def test_keeper_is_the_largest_resolution(library):
    result = run_scan(ScanOptions((str(library),)))
    group = next(g for g in regroup(result, 10) if len(g.members) == 3)
    keeper = result.images[group.keeper]
    assert (keeper.fingerprint.width, keeper.fingerprint.height) == (640, 480)


def test_second_scan_takes_every_fingerprint_from_the_cache(library):
    first = run_scan(ScanOptions((str(library),)))
    second = run_scan(ScanOptions((str(library),)))
    assert first.stats.images_fingerprinted == 9
    assert second.stats.images_fingerprinted == 0
    assert second.stats.images_from_cache == 9
    assert [im.fingerprint for im in first.images] == [im.fingerprint for im in second.images]  # windows too


def test_a_changed_file_is_fingerprinted_again(library, make_photo):
    run_scan(ScanOptions((str(library),)))
    make_photo(library / "d.jpg", 44, (500, 500))
    result = run_scan(ScanOptions((str(library),)))
    assert result.stats.images_fingerprinted == 1
    changed = next(im for im in result.images if im.path.endswith("/d.jpg"))
    assert (changed.fingerprint.width, changed.fingerprint.height) == (500, 500)


def test_no_cache_option_decodes_everything(library):
    run_scan(ScanOptions((str(library),)))
    result = run_scan(ScanOptions((str(library),), use_cache=False))
    assert result.stats.images_fingerprinted == 9


def test_progress_reaches_every_stage_and_ends_complete(library):
    events = []
    run_scan(ScanOptions((str(library),)), progress=events.append)
    stages = {e.stage for e in events}
    assert {ScanStage.DISCOVERING, ScanStage.FINGERPRINTING} <= stages
    last = [e for e in events if e.stage is ScanStage.FINGERPRINTING][-1]
    assert last.done == last.total == 11


def test_cancel_from_another_thread_stops_and_keeps_finished_work(tmp_path, make_photo):
    for i in range(120):
        make_photo(tmp_path / "many" / f"{i:03d}.jpg", 100 + i)
    cancel = CancelToken()
    seen = threading.Event()

    def on_progress(event):
        if event.stage is ScanStage.FINGERPRINTING and event.done >= 10:
            seen.set()
            cancel.cancel()

    with pytest.raises(ScanCancelled):
        run_scan(ScanOptions((str(tmp_path / "many"),)), progress=on_progress, cancel=cancel)
    assert seen.is_set()
    resumed = run_scan(ScanOptions((str(tmp_path / "many"),)))
    assert resumed.stats.images_from_cache >= 10
    assert resumed.stats.images_fingerprinted + resumed.stats.images_from_cache == 120


def test_core_never_imports_qt():
    code = (
        "import sys, pkgutil, importlib, dupfinder.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('dupfinder.core.' + m.name)\n"
        "import dupfinder.cli\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def result_kind(result):
    from dupfinder.core.options import HashKind

    return HashKind(result.hash_name)


def test_mirrored_and_turned_copies_are_found_by_default_and_not_by_the_hash_alone(tmp_path, make_photo):
    from PIL import Image

    original = make_photo(tmp_path / "p" / "original.jpg", 7, (480, 360), quality=92)
    with Image.open(original) as im:
        im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(tmp_path / "p" / "mirrored.jpg", quality=90)
        im.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "p" / "turned.png")
    make_photo(tmp_path / "p" / "other.jpg", 8, (480, 360))
    normal = preset_distance(Preset.NORMAL, DEFAULT_HASH)
    plain = run_scan(ScanOptions((str(tmp_path / "p"),), confirm=False))
    assert paths_of(plain, regroup(plain, normal)) == []
    turned = run_scan(ScanOptions((str(tmp_path / "p"),), match_turned=True, confirm=False))
    assert turned.matched_turned and turned.stats.images_from_cache == 4  # the turned hashes were cached too
    assert paths_of(turned, regroup(turned, normal)) == [["mirrored.jpg", "original.jpg", "turned.png"]]
    default = run_scan(ScanOptions((str(tmp_path / "p"),), use_cache=False))
    assert paths_of(default, regroup(default, normal)) == [["mirrored.jpg", "original.jpg", "turned.png"]]


def test_turned_matching_needs_a_hash_that_has_turned_versions():
    from dupfinder.core.options import HashKind

    with pytest.raises(ValueError, match="phash, dhash or phash\\+dhash"):
        ScanOptions(("/tmp",), hash_kind=HashKind.WHASH, match_turned=True)
