"""Bad arguments get exit 2 and a message; report files never replace a photo or another program's file."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from PIL import Image

from dupfinder.cli import main
from dupfinder.core.report_files import ReportPathRefused, check_report_path, write_report


@pytest.fixture
def library(tmp_path, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "IMG_1.jpg", 1, (800, 600), quality=92)
    make_photo(root / "IMG_1-small.jpg", 1, (400, 300), quality=70)
    shutil.copy2(root / "IMG_1.jpg", root / "IMG_1-copy.jpg")
    return root


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_empty_folder_name_is_refused_and_nothing_is_scanned(library, capsys, monkeypatch):
    monkeypatch.chdir(library)  # "" would have meant this folder, full of duplicates
    code, out, err = run(capsys, "scan", "", "--trash-duplicates", "--yes", "--no-progress")
    assert code == 2
    assert "empty folder name" in err and out == ""
    assert sorted(os.listdir(library)) == ["IMG_1-copy.jpg", "IMG_1-small.jpg", "IMG_1.jpg"]


@pytest.mark.parametrize("option", [[], ["--protect"]])
def test_a_missing_folder_exits_2_with_its_name(library, tmp_path, capsys, option):
    missing = str(tmp_path / "no-such-folder")
    args = ["scan", str(library), *option, missing] if option else ["scan", missing]
    code, _, err = run(capsys, *args, "--no-progress")
    assert code == 2 and "no such folder" in err and "no-such-folder" in err


@pytest.mark.parametrize("value", ["", " , ", "."])
def test_an_empty_extension_list_is_an_error_not_the_defaults(library, capsys, value):
    code, out, err = run(capsys, "scan", str(library), "--ext", value, "--no-progress")
    assert code == 2 and "--ext needs at least one extension" in err and "Group" not in out


def test_json_over_a_photo_is_refused_before_scanning_and_the_photo_is_untouched(library, capsys):
    photo = library / "IMG_1.jpg"
    before = photo.read_bytes()
    code, out, err = run(capsys, "scan", str(library), "--json", str(photo), "--no-progress")
    assert code == 2 and "not an earlier dupfinder JSON report" in err and out == ""
    assert photo.read_bytes() == before


def test_csv_over_another_programs_file_is_refused(library, tmp_path, capsys):
    notes = tmp_path / "notes.csv"
    notes.write_text("name,phone\nann,123\n")
    code, _, err = run(capsys, "scan", str(library), "--csv", str(notes), "--no-progress")
    assert code == 2 and "not an earlier dupfinder CSV report" in err
    assert notes.read_text() == "name,phone\nann,123\n"


def test_a_symlink_as_report_path_is_refused(library, tmp_path, capsys):
    link = tmp_path / "r.json"
    link.symlink_to(library / "IMG_1.jpg")
    code, _, err = run(capsys, "scan", str(library), "--json", str(link), "--no-progress")
    assert code == 2 and "symbolic link" in err


def test_an_earlier_report_is_replaced(library, tmp_path, capsys):
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    assert run(capsys, "scan", str(library), "--json", str(out_json), "--csv", str(out_csv), "--no-progress")[0] == 0
    out_json.write_text(out_json.read_text().replace('"groups": 1', '"groups": 99'))
    code, _, _ = run(capsys, "scan", str(library), "--json", str(out_json), "--csv", str(out_csv), "--no-progress")
    assert code == 0
    assert json.loads(out_json.read_text())["summary"]["groups"] == 1
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".dupfinder-report-")]


def test_a_report_in_a_missing_folder_is_refused_before_scanning(library, tmp_path, capsys):
    code, out, err = run(capsys, "scan", str(library), "--json", str(tmp_path / "nowhere" / "r.json"), "--no-progress")
    assert code == 2 and "does not exist" in err and out == ""


def test_an_unwritable_report_is_a_clear_error_and_the_results_still_print(library, tmp_path, capsys, monkeypatch):
    import dupfinder.core.report_files as report_files

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_files.os, "replace", full_disk)
    code, out, err = run(capsys, "scan", str(library), "--json", str(tmp_path / "r.json"), "--no-progress")
    assert code == 1
    assert "Group 1 · 3 files" in out
    assert "--json was not written" in err and "No space left on device" in err
    assert not (tmp_path / "r.json").exists()
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".dupfinder-report-")]


def test_a_photo_that_appears_at_the_report_path_during_the_scan_is_left_alone(library, tmp_path):
    path = tmp_path / "r.json"
    target = check_report_path(str(path), "json")
    shutil.copy2(library / "IMG_1.jpg", path)  # e.g. another program saved a file there meanwhile
    with pytest.raises(ReportPathRefused, match="appeared or changed"):
        write_report(target, "{}\n")
    assert path.read_bytes() == (library / "IMG_1.jpg").read_bytes()


def test_a_scanned_file_is_never_the_report(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{\n "schema_version": 1,\n "tool": "dupfinder 0.1.0"\n}\n')
    target = check_report_path(str(path), "json")
    st = os.stat(path)
    with pytest.raises(ReportPathRefused, match="scanned files"):
        write_report(target, "{}\n", {(st.st_dev, st.st_ino)})
    assert "dupfinder 0.1.0" in path.read_text()


def test_keep_and_drop_lists_split_every_image_one_path_per_line(library, tmp_path, capsys):
    keep, drop = tmp_path / "keep.txt", tmp_path / "drop.txt"
    (library / "other.png").write_bytes((library / "IMG_1.jpg").read_bytes()[:0])  # empty: skipped, in neither
    odd = library / os.fsdecode(b"caf\xe9-unique.jpg")  # not valid UTF-8
    Image.new("RGB", (64, 48), (10, 200, 30)).save(odd)
    code, _, _ = run(capsys, "scan", str(library), "--keep-list", str(keep), "--drop-list", str(drop), "--no-progress")
    assert code == 0
    kept = set(keep.read_bytes().splitlines())
    dropped = set(drop.read_bytes().splitlines())
    assert kept == {os.fsencode(library / "IMG_1.jpg"), os.fsencode(odd)}
    assert dropped == {os.fsencode(library / "IMG_1-small.jpg"), os.fsencode(library / "IMG_1-copy.jpg")}
    again = run(capsys, "scan", str(library), "--keep-list", str(keep), "--no-progress")
    assert again[0] == 0  # an earlier list may be replaced


def test_a_list_over_a_photo_is_refused(library, capsys):
    code, _, err = run(capsys, "scan", str(library), "--drop-list", str(library / "IMG_1.jpg"), "--no-progress")
    assert code == 2 and "not an earlier dupfinder path list" in err


def test_json_and_csv_on_one_file_is_refused(library, tmp_path, capsys):
    same = str(tmp_path / "r.out")
    code, _, err = run(capsys, "scan", str(library), "--json", same, "--csv", same, "--no-progress")
    assert code == 2 and "same file" in err
