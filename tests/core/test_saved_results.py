"""Save results and reopen them: groups, marks and threshold come back; changed or vanished files are shown as such
and never trashed on the strength of the old scan."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from dupfinder.cli import main
from dupfinder.core import saved_results
from dupfinder.core.cleanup import trash_files
from dupfinder.core.grouping import regroup
from dupfinder.core.options import ScanOptions
from dupfinder.core.report_files import ReportPathRefused
from dupfinder.core.scanner import run_scan
from dupfinder.core.selection import keep_best_marks


@pytest.fixture
def library(tmp_path, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "a.jpg", 1, (800, 600), quality=92)
    make_photo(root / "a-small.png", 1, (400, 300))
    shutil.copy2(root / "a.jpg", root / "a-copy.jpg")
    make_photo(root / "b.jpg", 2, (800, 600), quality=92)
    make_photo(root / "b-small.jpg", 2, (400, 300), quality=70)
    make_photo(root / "c.jpg", 3)
    return root


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_round_trip_keeps_groups_marks_and_threshold(library, tmp_path):
    result = run_scan(ScanOptions(roots=(str(library),)))
    groups = regroup(result, 10)
    marks = {next(iter(keep_best_marks(groups, result.images)))}
    saved_path = saved_results.save(str(tmp_path / "r.dupfinder.json"), result, threshold_bits=10, marks=marks)
    saved = saved_results.load(saved_path)
    assert saved.threshold_bits == 10 and saved.marks == frozenset(marks) and not saved.stale
    assert saved.result.images == result.images
    assert saved.result.pairs.left.tolist() == result.pairs.left.tolist()
    assert regroup(saved.result, 10) == groups
    _, again, again_marks, _ = saved_results.regroup_saved(saved, 10)
    assert again == groups and again_marks == frozenset(marks)


def test_opened_result_with_a_changed_file_refuses_to_trash_it(library, tmp_path, capsys):
    saved_file = tmp_path / "review.json"
    code, _, _ = run(capsys, "scan", library, "--save", saved_file, "--no-progress", "-q")
    assert code == 0 and saved_file.exists()
    # Another day: one marked copy was edited, another vanished.
    (library / "a-small.png").write_bytes((library / "a-small.png").read_bytes() + b"edited")
    os.unlink(library / "b-small.jpg")
    code, out, _ = run(capsys, "open", saved_file)
    assert code == 0
    assert "a-small.png (changed since saved)" in out and "b-small.jpg (missing)" in out
    assert "1 file changed and 1 are missing" in out
    # The saved marks of those files are dropped, and the trash step re-checks everything anyway.
    code, out, _ = run(capsys, "open", saved_file, "--trash-duplicates", "--yes")
    assert code == 0
    assert (library / "a-small.png").exists() and (library / "a.jpg").exists()
    assert not (library / "a-copy.jpg").exists() or not (library / "a.jpg").exists()
    assert "Moved 1 file " in out


def test_trash_step_refuses_a_changed_file_even_if_still_marked(library, tmp_path):
    result = run_scan(ScanOptions(roots=(str(library),)))
    groups = regroup(result, 12)
    marks = keep_best_marks(groups, result.images)
    path = saved_results.save(str(tmp_path / "r.json"), result, threshold_bits=12, marks=marks)
    victim = next(result.images[i].path for i in marks)
    with open(victim, "ab") as f:
        f.write(b"x")
    saved = saved_results.load(path)
    assert saved.stale and set(saved.stale.values()) == {saved_results.CHANGED}
    # Even the old marks, handed straight to the trash step, cannot move it.
    report = trash_files(saved.result, regroup(saved.result, 12), marks, max_distance_bits=12, dry_run=True)
    assert victim in {item.path for item in report.refused}
    assert victim not in {item.path for item in report.moved}


def test_save_never_overwrites_a_photo_a_report_or_a_link(library, tmp_path, capsys):
    photo = library / "c.jpg"
    before = photo.read_bytes()
    code, _, err = run(capsys, "scan", library, "--save", photo, "--no-progress")
    assert code == 2 and "left alone" in err and photo.read_bytes() == before
    report = tmp_path / "report.json"
    run(capsys, "scan", library, "--json", report, "--no-progress", "-q")
    with pytest.raises(ReportPathRefused):
        saved_results.check_save_path(str(report))
    if os.name == "posix":
        os.symlink(tmp_path / "elsewhere.json", tmp_path / "link.json")
        with pytest.raises(ReportPathRefused):
            saved_results.check_save_path(str(tmp_path / "link.json"))
    # An earlier saved file may be replaced.
    saved = tmp_path / "r.json"
    assert run(capsys, "scan", library, "--save", saved, "--no-progress", "-q")[0] == 0
    assert run(capsys, "scan", library, "--save", saved, "--no-progress", "-q")[0] == 0
    assert json.loads(saved.read_text())["dupfinder_saved_results"] == 1


def test_open_refuses_what_is_not_saved_results(library, tmp_path, capsys):
    assert run(capsys, "open", library / "c.jpg")[0] == 2
    assert run(capsys, "open", tmp_path / "none.json")[0] == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"dupfinder_saved_results": 1, "images": [')
    code, _, err = run(capsys, "open", bad)
    assert code == 2 and "damaged" in err


def test_odd_file_names_round_trip(tmp_path, make_photo):
    root = tmp_path / "odd"
    make_photo(root / "фото 😀.jpg", 1, (400, 300))
    make_photo(root / "копия.png", 1, (300, 200))
    if os.name == "posix":
        name = os.fsdecode(b"bad-\xff.jpg")
        shutil.copy2(root / "копия.png", root / name)
    result = run_scan(ScanOptions(roots=(str(root),)))
    saved = saved_results.load(saved_results.save(str(tmp_path / "r.json"), result, threshold_bits=12, marks=()))
    assert [im.path for im in saved.result.images] == [im.path for im in result.images] and not saved.stale


def test_a_decision_made_after_saving_applies_when_reopening(library, tmp_path, capsys):
    saved_file = tmp_path / "r.json"
    assert run(capsys, "scan", library, "--save", saved_file, "--no-progress", "-q")[0] == 0
    assert run(capsys, "ignore", library / "b.jpg", library / "b-small.jpg")[0] == 0
    code, out, _ = run(capsys, "open", saved_file)
    assert code == 0 and "b-small.jpg" not in out and "a-small.png" in out
