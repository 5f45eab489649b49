""" "Is this photo already here?": find against folders (through the cache) and against an incremental library."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance

from dupfinder.cli import main
from dupfinder.core import fingerprint
from dupfinder.core.library import find as find_module
from dupfinder.core.library.find import find_in_folders, find_in_library, index_folders
from dupfinder.core.library.store import FingerprintLibrary, LibraryError
from dupfinder.core.options import DEFAULT_HASH, ScanOptions


def brightened(make_photo, scratch, path, seed, size, factor, **save_options):
    """A synthetic photo (as make_photo draws it) with its brightness changed, saved at `path`."""
    source = make_photo(scratch / f"source-{seed}-{size[0]}x{size[1]}.png", seed, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as im:
        ImageEnhance.Brightness(im.convert("RGB")).enhance(factor).save(path, **save_options)
    return path


@pytest.fixture
def library(tmp_path, make_photo):
    root = tmp_path / "library"
    make_photo(root / "2019" / "beach.jpg", 2, (800, 600), quality=92)
    make_photo(root / "2019" / "forest.jpg", 5, (800, 600))
    make_photo(root / "chat" / "beach-small.png", 2, (400, 300))
    make_photo(root / "2020" / "city.jpg", 7, (640, 480))
    return root


@pytest.fixture
def queries(tmp_path, library, make_photo):
    out = tmp_path / "incoming"
    out.mkdir()
    brightened(make_photo, tmp_path / "scratch", out / "edited-beach.jpg", 2, (1024, 768), 1.2, quality=80)
    shutil.copy2(library / "2020" / "city.jpg", out / "city-copy.jpg")
    make_photo(out / "new.jpg", 11, (640, 480))
    return out


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_find_in_folders_lists_copies_best_first_with_how_they_differ(library, queries):
    report = find_in_folders(
        [str(queries / "edited-beach.jpg"), str(queries / "city-copy.jpg"), str(queries / "new.jpg")],
        ScanOptions(roots=(str(library),)),
        12,
    )
    beach, city, new = report.queries
    assert sorted(os.path.basename(m.path) for m in beach.matches) == ["beach-small.png", "beach.jpg"]
    labels = {os.path.basename(m.path): m.differs for m in beach.matches}  # the scan's own labels
    assert labels["beach-small.png"].startswith("smaller (") and "saved as PNG" in labels["beach-small.png"]
    assert not any(m.identical for m in beach.matches)
    assert [m.distance_bits for m in beach.matches] == sorted(m.distance_bits for m in beach.matches)
    (copy,) = city.matches
    assert copy.identical and copy.differs == "identical bytes" and copy.similarity == 100.0
    assert new.matches == () and not report.all_found
    assert report.searched == 4


def test_cli_find_exit_status_and_json(library, queries, capsys):
    code, out, _ = run(capsys, "find", queries / "edited-beach.jpg", queries / "city-copy.jpg", "--in", library)
    assert code == 0
    assert "edited-beach.jpg: 2 copies" in out and "identical bytes" in out and "smaller (" in out
    code, out, _ = run(capsys, "find", queries / "city-copy.jpg", queries / "new.jpg", "--in", library, "--json")
    assert code == 1
    data = json.loads(out)
    assert [q["found"] for q in data["queries"]] == [True, False]
    match = data["queries"][0]["matches"][0]
    assert match["identical"] and match["path"] == str(library / "2020" / "city.jpg")
    assert {"similarity", "distance_bits", "differs", "width", "height", "size_bytes"} <= set(match)
    code, _, err = run(capsys, "find", queries / "missing.jpg", "--in", library)
    assert code == 2 and "no such photo" in err
    code, _, err = run(capsys, "find", queries / "new.jpg", "--in", library / "nope")
    assert code == 2 and "no such folder" in err
    with pytest.raises(SystemExit) as exit_info:  # neither --in nor --db
        main(["find", str(queries / "new.jpg")])
    assert exit_info.value.code == 2


def test_strict_preset_misses_the_edit_that_normal_finds(library, queries, capsys):
    code, _, _ = run(capsys, "find", queries / "edited-beach.jpg", "--in", library, "--preset", "strict")
    assert code == 1


def test_second_find_against_an_unchanged_folder_decodes_only_the_query(library, queries, monkeypatch):
    decoded = []
    real = fingerprint.fingerprint_file

    def counting(path, identity=None, stash=None, thumbnails=None):
        decoded.append(os.path.basename(path))
        return real(path, identity, stash, thumbnails)

    monkeypatch.setattr(fingerprint, "fingerprint_file", counting)
    monkeypatch.setattr(find_module, "fingerprint_file", counting)
    options = ScanOptions(roots=(str(library),))
    first = find_in_folders([str(queries / "new.jpg")], options, 12)
    assert first.decoded == 4 and len(decoded) == 5
    decoded.clear()
    second = find_in_folders([str(queries / "edited-beach.jpg")], options, 12)
    assert decoded == ["edited-beach.jpg"]
    assert (second.decoded, second.from_cache) == (0, 4)


def test_index_is_incremental_and_find_db_does_not_touch_the_folders(library, queries, tmp_path, make_photo):
    db = tmp_path / "photos.dupfinder-library"
    options = ScanOptions(roots=(str(library),))
    first = index_folders(str(db), options)
    assert (first.added, first.updated, first.removed, first.unchanged, first.total) == (4, 0, 0, 0, 4)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    again = index_folders(str(db), options)
    assert (again.added, again.updated, again.removed, again.unchanged, again.decoded) == (0, 0, 0, 4, 0)
    # One new, one changed, one removed.
    make_photo(library / "2021" / "lake.jpg", 9, (640, 480))
    make_photo(library / "2019" / "forest.jpg", 12, (800, 600), quality=60)
    os.unlink(library / "chat" / "beach-small.png")
    update = index_folders(str(db), options)
    assert (update.added, update.updated, update.removed, update.unchanged, update.total) == (1, 1, 1, 2, 4)
    # The library answers without the folders.
    shutil.move(library, tmp_path / "library-offline")
    report = find_in_library([str(queries / "edited-beach.jpg"), str(queries / "new.jpg")], str(db), DEFAULT_HASH, 12)
    beach, new = report.queries
    assert [os.path.basename(m.path) for m in beach.matches] == ["beach.jpg"]
    assert not new.matches and report.searched == 4


def test_cli_index_and_find_db(library, queries, tmp_path, capsys):
    db = tmp_path / "lib.db"
    code, out, _ = run(capsys, "index", library, "--db", db, "--no-progress")
    assert code == 0 and "4 photos · 4 added" in out
    code, out, _ = run(capsys, "index", "--db", db, "--no-progress")  # the library's own folders
    assert code == 0 and "4 unchanged" in out
    code, out, _ = run(capsys, "find", queries / "city-copy.jpg", "--db", db)
    assert code == 0 and "identical bytes" in out and str(library / "2020" / "city.jpg") in out
    code, _, err = run(capsys, "find", queries / "city-copy.jpg", "--db", tmp_path / "none.db")
    assert code == 2 and "no such library" in err


def test_a_file_that_is_not_a_library_is_never_written(library, tmp_path, capsys):
    photo = library / "2019" / "beach.jpg"
    before = photo.read_bytes()
    code, _, err = run(capsys, "index", library, "--db", photo)
    assert code == 2 and "not a dupfinder library" in err and photo.read_bytes() == before
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    size = other.stat().st_size
    with pytest.raises(LibraryError):
        FingerprintLibrary.open(other)
    code, _, _ = run(capsys, "index", library, "--db", other)
    assert code == 2 and other.stat().st_size == size
    if os.name == "posix":
        os.symlink(tmp_path / "target.db", tmp_path / "link.db")
        code, _, _ = run(capsys, "index", library, "--db", tmp_path / "link.db")
        assert code == 2 and not (tmp_path / "target.db").exists()


def test_find_never_moves_or_changes_a_file(library, queries, tmp_path):
    every = sorted(p for p in tmp_path.rglob("*") if p.is_file() and ".cache" not in p.parts)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in every}
    find_in_folders([str(queries / "city-copy.jpg")], ScanOptions(roots=(str(library),)), 12)
    after = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in every}
    assert after == before


def test_find_honours_not_a_duplicate_decisions(library, queries, capsys):
    assert main(["ignore", str(queries / "edited-beach.jpg"), str(library / "2019" / "beach.jpg")]) == 0
    report = find_in_folders([str(queries / "edited-beach.jpg")], ScanOptions(roots=(str(library),)), 12)
    assert [os.path.basename(m.path) for m in report.queries[0].matches] == ["beach-small.png"]


def test_find_turned_finds_a_mirrored_copy_and_the_library_is_only_read(library, tmp_path, make_photo):
    from PIL import Image

    with Image.open(library / "2020" / "city.jpg") as im:
        im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(tmp_path / "mirrored.jpg", quality=90)
    db = tmp_path / "lib.db"
    index_folders(str(db), ScanOptions(roots=(str(library),)))
    stamp = (db.stat().st_mtime_ns, db.stat().st_size)
    plain = find_in_library([str(tmp_path / "mirrored.jpg")], str(db), DEFAULT_HASH, 12)
    turned = find_in_library([str(tmp_path / "mirrored.jpg")], str(db), DEFAULT_HASH, 12, turned=True)
    assert not plain.queries[0].matches
    (match,) = turned.queries[0].matches
    assert match.path == str(library / "2020" / "city.jpg") and match.differs.startswith("mirrored or turned")
    assert (db.stat().st_mtime_ns, db.stat().st_size) == stamp and not os.path.exists(f"{db}-journal")


def test_find_in_folders_decides_as_the_scan_mirrored_and_cropped_copies_are_found(tmp_path):
    from PIL import Image

    astronaut = Image.open(Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg").convert("RGB")
    photo = astronaut.resize((768, 768), Image.Resampling.LANCZOS)
    folder = tmp_path / "archive"
    folder.mkdir()
    photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(folder / "mirrored.jpg", quality=90)
    photo.crop((0, 0, 640, 700)).save(folder / "cropped.jpg", quality=90)
    Image.effect_mandelbrot((768, 768), (-2, -1.5, 1, 1.5), 60).convert("RGB").save(folder / "other.jpg")
    query = tmp_path / "incoming.jpg"
    photo.save(query, quality=92)
    (result,) = find_in_folders([str(query)], ScanOptions(roots=(str(folder),)), 12).queries
    labels = {os.path.basename(m.path): m.differs for m in result.matches}
    assert set(labels) == {"mirrored.jpg", "cropped.jpg"}
    assert labels["mirrored.jpg"].startswith("mirrored") and "cropped" in labels["cropped.jpg"]
