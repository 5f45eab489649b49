"""The command line as a user runs it: groups printed, JSON/CSV written, presets, trash with confirmation, undo."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from dupfinder.cli import main, parse_size


@pytest.fixture
def library(tmp_path, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "2019" / "IMG_1.jpg", 1, (800, 600), quality=92)
    make_photo(root / "chat" / "IMG_1-small.jpg", 1, (400, 300), quality=70)
    (root / "backup").mkdir()
    shutil.copy2(root / "2019" / "IMG_1.jpg", root / "backup" / "IMG_1.jpg")
    make_photo(root / "2019" / "IMG_2.png", 2, (500, 400))
    make_photo(root / "2019" / "IMG_3.jpg", 3)
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    return root


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_prints_groups_keeper_and_summary(library, capsys):
    code, out, _ = run(capsys, "scan", str(library), "--no-progress")
    assert code == 0
    assert "Group 1 · 3 files" in out
    keep_lines = [line for line in out.splitlines() if line.strip().startswith("keep")]
    assert len(keep_lines) == 1 and "800×600" in keep_lines[0] and "★ best" in keep_lines[0]
    assert sum(line.strip().startswith("trash") for line in out.splitlines()) == 2
    assert "identical" in out
    assert "Files seen: 6 · fingerprinted: 5 (0 from cache) · skipped: 1" in out
    assert "Groups: 1 · duplicates: 2" in out
    assert "broken.jpg: corrupt or truncated" in out


def test_json_and_csv_outputs(library, tmp_path, capsys):
    code, _, _ = run(capsys, "scan", str(library), "--json", str(tmp_path / "r.json"), "--csv", str(tmp_path / "r.csv"),
                     "--no-progress", "-q")  # fmt: skip
    assert code == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (group,) = data["groups"]
    assert sorted(os.path.basename(m["path"]) for m in group["members"]) == [
        "IMG_1-small.jpg",
        "IMG_1.jpg",
        "IMG_1.jpg",
    ]
    assert all(os.path.isabs(m["path"]) for m in group["members"])
    kept = [m for m in group["members"] if m["keep"]]
    assert len(kept) == 1 and (kept[0]["width"], kept[0]["height"]) == (800, 600)
    assert {"width", "height", "size_bytes", "similarity", "keep", "format", "identical"} <= set(kept[0])
    assert data["summary"]["groups"] == 1 and data["summary"]["duplicates"] == 2
    assert data["summary"]["reclaimable_bytes"] > 0
    assert [os.path.basename(p["path"]) for p in data["problems"]] == ["broken.jpg"]
    assert data["problems"][0]["reason"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 3 and {r["group"] for r in rows} == {"1"}
    assert sum(r["keep"] == "1" for r in rows) == 1


def test_strict_preset_and_max_distance_change_grouping(library, capsys, make_photo):
    make_photo(library / "edited" / "IMG_2-brighter.jpg", 2, (500, 400), quality=40)
    _, strict, _ = run(capsys, "scan", str(library), "--preset", "strict", "--no-progress", "--max-distance", "0")
    _, loose, _ = run(capsys, "scan", str(library), "--preset", "loose", "--no-progress")
    assert strict.count("Group ") < loose.count("Group ")


@pytest.mark.parametrize("hash_name", ["ahash", "phash", "dhash", "whash", "phash+dhash"])
def test_every_hash_finds_the_resized_copy(library, capsys, hash_name):
    code, out, _ = run(capsys, "scan", str(library), "--hash", hash_name, "--no-progress")
    assert code == 0 and "IMG_1-small.jpg" in out.split("Files seen")[0]


def test_trash_duplicates_needs_yes_without_a_terminal(library, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run(capsys, "scan", str(library), "--trash-duplicates", "--no-progress", "-q")
    assert code == 2 and "--yes" in err
    assert (library / "chat" / "IMG_1-small.jpg").exists()


def test_dry_run_moves_nothing(library, capsys):
    code, out, _ = run(capsys, "scan", str(library), "--trash-duplicates", "--dry-run", "--no-progress", "-q")
    assert code == 0 and "Would move 2 files" in out
    assert (library / "chat" / "IMG_1-small.jpg").exists() and (library / "backup" / "IMG_1.jpg").exists()


def test_trash_with_yes_moves_copies_to_the_freedesktop_trash_and_undo_restores(library, capsys, isolated_home):
    code, out, _ = run(capsys, "scan", str(library), "--trash-duplicates", "--yes", "--no-progress", "-q")
    assert code == 0 and "Moved 2 files" in out
    assert (library / "2019" / "IMG_1.jpg").exists()  # the keeper
    assert not (library / "chat" / "IMG_1-small.jpg").exists()
    trash = isolated_home / ".local" / "share" / "Trash"
    names = sorted(p.name.split(".")[0] + "." + p.name.split(".")[-1] for p in (trash / "files").iterdir())
    assert names == ["IMG_1-small.jpg", "IMG_1.jpg"]  # each as STEM.TOKEN.EXT
    assert len(list((trash / "info").glob("*.trashinfo"))) == 2
    code, out, _ = run(capsys, "undo", "--list")
    assert code == 0 and out.count("— in the trash: ") == 2
    assert (library / "2019" / "IMG_1.jpg").exists() and not (library / "chat" / "IMG_1-small.jpg").exists()
    code, out, _ = run(capsys, "undo")
    assert code == 0
    assert (library / "chat" / "IMG_1-small.jpg").exists() and (library / "backup" / "IMG_1.jpg").exists()


def test_protected_folder_is_never_marked(library, capsys):
    _, out, _ = run(capsys, "scan", str(library), "--protect", str(library / "chat"), "--no-progress")
    small = next(line for line in out.splitlines() if "IMG_1-small.jpg" in line)
    assert small.strip().startswith("keep") and "(protected)" in small


def test_bad_arguments_give_a_clear_message(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["scan", str(tmp_path), "--min-size", "lots"])
    assert exc.value.code == 2 and "not a size" in capsys.readouterr().err
    code, _, err = run(capsys, "scan", str(tmp_path), "--hash", "phash", "--max-distance", "99")
    assert code == 2 and "between 0 and 64" in err


def test_parse_size():
    assert [parse_size(s) for s in ("500", "20k", "1.5MB", "2 GiB")] == [500, 20480, 1572864, 2 * 1024**3]


def test_python_dash_m_runs_the_cli(library, tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "dupfinder", "scan", str(library), "--json", str(tmp_path / "r.json"), "-q"],
        capture_output=True, text=True, check=True, env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert "Groups: 1" in out.stdout
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["groups"] == 1


def test_a_rotated_copy_is_found_unless_hash_only(library, capsys):
    from PIL import Image

    with Image.open(library / "2019" / "IMG_3.jpg") as im:
        im.transpose(Image.Transpose.ROTATE_270).save(library / "2019" / "IMG_3-rotated.jpg")
    _, plain, _ = run(capsys, "scan", str(library), "--no-progress", "--hash-only")
    _, turned, _ = run(capsys, "scan", str(library), "--no-progress", "--no-cache")
    assert "IMG_3-rotated.jpg" not in plain.split("Files seen")[0]
    assert "IMG_3-rotated.jpg" in turned.split("Files seen")[0] and "Groups: 2" in turned
    assert "turned 270°" in turned or "turned 90°" in turned
