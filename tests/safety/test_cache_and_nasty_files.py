"""A broken fingerprint cache never breaks a scan (it finds the same groups and says why the cache was not used),
and every file of the committed nasty corpus is reported with a sensible reason or fingerprinted."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from photo_safety import NORMAL_BITS

from dupfinder.cli import main
from dupfinder.core.grouping import regroup
from dupfinder.core.models import ProblemKind
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan

NASTY = Path(__file__).parent.parent / "data" / "nasty"
OK = "fingerprinted"
DAMAGED_DATA = {OK, ProblemKind.CORRUPT}  # a damaged stream may still decode into a (damaged) picture
EXPECTED = {
    "zero.jpg": {ProblemKind.EMPTY},
    "zero.webp": {ProblemKind.EMPTY},
    "only-magic.jpg": {ProblemKind.CORRUPT},
    "truncated-header.jpg": {ProblemKind.CORRUPT},
    "truncated.jpg": {ProblemKind.CORRUPT},
    "truncated.png": {ProblemKind.CORRUPT},
    "truncated.webp": {ProblemKind.CORRUPT},
    "truncated.gif": {ProblemKind.CORRUPT},
    "truncated.tiff": {ProblemKind.CORRUPT},
    "bitflip-header.png": {ProblemKind.CORRUPT},
    "corrupt-zlib.png": {ProblemKind.CORRUPT},
    "bad-strip-offset.tiff": {ProblemKind.CORRUPT},
    "text-as.gif": {ProblemKind.NOT_AN_IMAGE},
    "html-as.jpg": {ProblemKind.NOT_AN_IMAGE},
    "random-bytes.png": {ProblemKind.NOT_AN_IMAGE},
    "zeros-4k.tiff": {ProblemKind.NOT_AN_IMAGE},
    "huge-dimensions.png": {ProblemKind.TOO_LARGE},
    "huge-dimensions.jpg": {ProblemKind.TOO_LARGE},
    "huge-dimensions.gif": {ProblemKind.TOO_LARGE},
    "huge-dimensions.tiff": {ProblemKind.TOO_LARGE},
    "huge-dimensions.webp": {ProblemKind.TOO_LARGE},
    "png-as.jpg": {OK},
    "jpeg-as.webp": {OK},
    "garbage-exif.jpg": {OK},
    "bitflip-data.jpg": DAMAGED_DATA,
    "bad-idat-crc.png": DAMAGED_DATA,
    "animated-second-frame-cut.gif": DAMAGED_DATA,
}


def test_nasty_corpus_is_small_and_every_file_has_an_expectation():
    files = {p.name: p.stat().st_size for p in NASTY.iterdir() if p.suffix != ".py"}
    assert set(files) == set(EXPECTED)
    assert sum(files.values()) < 200_000


def test_every_nasty_file_is_reported_with_a_reason_or_fingerprinted(tmp_path):
    shutil.copytree(NASTY, tmp_path / "nasty")
    started = time.monotonic()

    result = run_scan(ScanOptions(roots=(str(tmp_path / "nasty"),), decode_timeout_s=20.0))

    assert time.monotonic() - started < 30
    outcome = {Path(i.path).name: OK for i in result.images}
    for problem in result.problems:
        assert Path(problem.path).name not in outcome
        assert problem.detail and not problem.detail.startswith("unexpected"), problem
        outcome[Path(problem.path).name] = problem.kind
    wrong = {name: got for name, got in outcome.items() if name.endswith(".py") is False and got not in EXPECTED[name]}
    assert wrong == {}
    assert set(outcome) == set(EXPECTED)
    fingerprinted = {Path(i.path).name: i.fingerprint for i in result.images}
    assert fingerprinted["png-as.jpg"].format == "PNG" and fingerprinted["jpeg-as.webp"].format == "JPEG"


def test_cli_lists_each_nasty_file_with_its_reason(tmp_path, capsys):
    shutil.copytree(NASTY, tmp_path / "nasty")
    code = main(["scan", str(tmp_path / "nasty"), "--no-progress", "-q"])
    out = capsys.readouterr().out
    assert code == 0
    for name, kinds in EXPECTED.items():
        if OK not in kinds:
            (kind,) = kinds
            assert f"{name}: {kind.value}" in out


# ------------------------------------------------------------------------------------------------ cache
def garbage(path: Path) -> None:
    path.write_bytes(b"this is not an SQLite database " * 500)


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def older_schema(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 0")
    db.close()


def a_folder(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.mkdir()


def under_a_file(path: Path) -> Path:
    blocker = path.parent / "not-a-folder"
    blocker.write_bytes(b"")
    return blocker / "cache.sqlite3"


BREAKAGES = {
    "garbage": (garbage, "cache"),
    "truncated": (truncated, "cache"),
    "older schema": (older_schema, "schema version 0"),
    "path is a folder": (a_folder, "cache"),
}


@pytest.fixture
def photos(tmp_path, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "a.jpg", 21, (640, 480), quality=92)
    make_photo(root / "a-small.png", 21, (320, 240))
    make_photo(root / "b.jpg", 22, (640, 480), quality=92)
    return root


def grouped_names(result) -> list[list[str]]:
    return sorted(sorted(Path(result.images[i].path).name for i in g.images) for g in regroup(result, NORMAL_BITS))


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_cache_gives_the_same_groups_and_a_warning(photos, tmp_path, breakage):
    cache = tmp_path / "cache" / "fingerprints.sqlite3"
    cache.parent.mkdir()
    first = run_scan(ScanOptions(roots=(str(photos),), cache_path=str(cache)))
    assert first.warnings == () and first.stats.images_fingerprinted == 3
    damage, words = BREAKAGES[breakage]
    damage(cache)

    again = run_scan(ScanOptions(roots=(str(photos),), cache_path=str(cache)))

    assert grouped_names(again) == grouped_names(first) == [["a-small.png", "a.jpg"]]
    assert again.stats.images_fingerprinted == 3 and again.problems == ()
    assert len(again.warnings) == 1 and words in again.warnings[0]


def test_a_cache_that_cannot_be_created_gives_the_same_groups_and_a_warning(photos, tmp_path):
    result = run_scan(ScanOptions(roots=(str(photos),), cache_path=str(under_a_file(tmp_path))))
    assert grouped_names(result) == [["a-small.png", "a.jpg"]]
    assert len(result.warnings) == 1


def test_cli_warns_about_a_broken_cache_on_stderr_and_still_finds_the_group(photos, tmp_path, capsys):
    breakage = "truncated"  # still provably dupfinder's (its header says so), so set aside and rebuilt
    cache = tmp_path / "c.sqlite3"
    assert main(["scan", str(photos), "--cache", str(cache), "--no-progress", "-q"]) == 0
    capsys.readouterr()
    BREAKAGES[breakage][0](cache)

    code = main(["scan", str(photos), "--cache", str(cache), "--no-progress", "-q"])

    out, err = capsys.readouterr()
    assert code == 0 and "Groups: 1 · duplicates: 1" in out
    assert err.startswith("Warning: ") and "cache" in err


@pytest.mark.parametrize("breakage", ["garbage", "path is a folder"])
def test_cli_refuses_a_cache_path_that_is_not_a_dupfinder_cache(photos, tmp_path, capsys, breakage):
    """Garbage over a cache is no longer provably dupfinder's: it is never renamed or written, and the user who named
    it is told (exit 2) rather than left with a scan that silently cannot use its cache."""
    cache = tmp_path / "c.sqlite3"
    assert main(["scan", str(photos), "--cache", str(cache), "--no-progress", "-q"]) == 0
    BREAKAGES[breakage][0](cache)
    capsys.readouterr()

    code = main(["scan", str(photos), "--cache", str(cache), "--no-progress", "-q"])

    err = capsys.readouterr().err
    assert code == 2 and "is not" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("c.")) == ["c.sqlite3"]
