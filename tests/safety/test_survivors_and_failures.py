"""Whatever the marks, each group's keeper and at least one member survive; a trash that fails leaves the file in
place and says so; and no code path deletes a user's photo (nothing but send2trash ever removes one)."""

from __future__ import annotations

import ast
import os
import pathlib
import random
import shutil
import sys
from pathlib import Path

import pytest
from photo_safety import (
    build_library,
    groups_without_survivor,
    json_groups_without_survivor,
    nothing_destroyed,
    scan_and_group,
    snapshot,
    trash_dir,
)

import dupfinder
from dupfinder.cli import main
from dupfinder.core import trash
from dupfinder.core.trash import trash_files

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")


@pytest.fixture
def library(tmp_path, make_photo):
    return build_library(tmp_path, make_photo)


@pytest.mark.parametrize("seed", range(6))
def test_random_marks_never_empty_a_group_or_touch_a_keeper(library, seed):
    """Random subsets of every image (marks on non-members, keepers, everything) on a real scan."""
    result, groups = scan_and_group(library)
    rng = random.Random(seed)
    everything = list(range(len(result.images)))
    marks = set(everything) if seed == 0 else {i for i in everything if rng.random() < 0.7}
    keepers = {result.images[g.keeper].path for g in groups}
    before = snapshot(library)

    report = trash_files(result, groups, marks)

    assert all(os.path.isfile(p) for p in keepers)
    assert groups_without_survivor(result, groups) == []
    assert nothing_destroyed(before, library)
    assert not {m.path for m in report.moved} & keepers


def test_protected_folder_wins_over_marks(library):
    """Every image marked, and the copies in a/sub protected: the protected copies stay, even as non-keepers."""
    result, groups = scan_and_group(library, protected=[library / "sub"])

    report = trash_files(result, groups, set(range(len(result.images))))

    assert (library / "sub" / "p1-small.png").is_file() and (library / "sub" / "p1-copy.jpg").is_file()
    assert (library / "sub" / "p2-q40.jpg").is_file()
    assert all("protected" in r.reason or "kept" in r.reason for r in report.refused if "/sub/" in r.path)


def test_cli_trash_duplicates_keeps_the_keeper_of_every_group(library, capsys, tmp_path):
    before = snapshot(library)
    code = main(
        ["scan", str(library), "--trash-duplicates", "--yes", "--no-progress", "--json", str(tmp_path / "r.json")]
    )
    out = capsys.readouterr().out
    assert code == 0
    best = [line.replace(" ★ best", "").split()[-1] for line in out.splitlines() if line.endswith(" ★ best")]
    assert len(best) == 3
    assert all(os.path.isfile(p) for p in best)
    assert json_groups_without_survivor(tmp_path / "r.json") == []
    assert nothing_destroyed(before, library)


# ------------------------------------------------------------------------------------------------ trash failures
@pytest.mark.parametrize(
    "error", [PermissionError(13, "Permission denied"), OSError(28, "No space left on device"), OSError(18, "xdev")]
)
def test_cli_trash_failure_leaves_files_and_exits_with_a_problem(library, capsys, monkeypatch, error):
    def failing(path):
        raise error

    monkeypatch.setattr(trash, "send2trash", failing)
    before = snapshot(library)

    code = main(["scan", str(library), "--trash-duplicates", "--yes", "--no-progress", "-q"])

    out, err = capsys.readouterr()
    assert code == 1
    assert "Moved 0 file(s)" in out
    assert err.count("could not move") == 4 and "the trash refused it" in err
    assert snapshot(library) == before
    assert not (trash_dir() / "files").exists()


def test_trash_failure_halfway_moves_the_others_and_loses_nothing(library, monkeypatch):
    real = trash.send2trash
    calls = []

    def fail_second(path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real(path)

    monkeypatch.setattr(trash, "send2trash", fail_second)
    before = snapshot(library)
    result, groups = scan_and_group(library)

    report = trash_files(result, groups, {i for g in groups for i in g.images})

    assert [f.path for f in report.failed] == [calls[1]] and os.path.isfile(calls[1])
    assert len(report.moved) == len(calls) - 1
    assert groups_without_survivor(result, groups) == []
    assert nothing_destroyed(before, library)


DELETERS = [(os, "remove"), (os, "unlink"), (os, "rmdir"), (os, "removedirs"), (shutil, "rmtree"),
            (pathlib.Path, "unlink"), (pathlib.Path, "rmdir")]  # fmt: skip


def test_scan_cleanup_and_undo_never_call_a_deleting_function_on_a_photo(library, monkeypatch, capsys):
    """The whole CLI round trip, with every Python deleting call watched: none may name a file under the library
    (the cache and the trash's own .trashinfo files are dupfinder's and the trash's business)."""
    calls = []

    def watch(module, name):
        real = getattr(module, name)

        def call(*args, **kwargs):
            calls.append((name, str(args[0]) if args else ""))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, call)

    for module, name in DELETERS:
        watch(module, name)
    before = snapshot(library)
    assert main(["scan", str(library), "--trash-duplicates", "--yes", "--no-progress", "-q"]) == 0
    assert main(["undo"]) == 0
    capsys.readouterr()

    assert [c for c in calls if c[1].startswith(str(library.parent))] == []
    assert all(c[1].endswith(".trashinfo") or "dupfinder" in c[1] for c in calls), calls
    assert snapshot(library) == before


ALLOWED_DELETES = {  # file -> why it may delete: none of these is ever a user's photo
    "core/undo.py": "removes a .trashinfo after restoring its file (the freedesktop spec asks for it)",
    "core/report_files.py": "removes its own temporary report file when writing it failed",
    "core/saved_results.py": "removes its own temporary results file when writing it failed",
    "core/ignore.py": "removes its own temporary ignore-list file (in dupfinder's 0700 data folder) after a failure",
}


def test_no_module_but_known_ones_has_a_deleting_call():
    """A static guard: a new os.remove/unlink/rmtree anywhere in dupfinder fails here until it is reviewed."""
    package = Path(dupfinder.__file__).parent
    names = {"remove", "unlink", "rmtree", "rmdir", "removedirs"}
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names:
                owner = ast.unparse(node.func.value)
                if owner in ("os", "shutil") or node.func.attr in ("unlink", "rmtree", "rmdir", "removedirs"):
                    found.add(path.relative_to(package).as_posix())
    assert found <= set(ALLOWED_DELETES), found - set(ALLOWED_DELETES)
    assert "core/trash.py" not in found
