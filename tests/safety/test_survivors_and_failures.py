"""Whatever the marks, each group's keeper and at least one member survive; a trash that fails leaves the file in
place and says so; and no code path deletes a user's photo (nothing but the cleanup's mover ever moves one)."""

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
    NORMAL_BITS,
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
from dupfinder.core.cleanup import mover, trash_files

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

    report = trash_files(result, groups, marks, max_distance_bits=NORMAL_BITS)

    assert all(os.path.isfile(p) for p in keepers)
    assert groups_without_survivor(result, groups) == []
    assert nothing_destroyed(before, library)
    assert not {m.path for m in report.moved} & keepers


def test_protected_folder_wins_over_marks(library):
    """Every image marked, and the copies in a/sub protected: the protected copies stay, even as non-keepers."""
    result, groups = scan_and_group(library, protected=[library / "sub"])

    report = trash_files(result, groups, set(range(len(result.images))), max_distance_bits=NORMAL_BITS)

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
    def failing(self, path, expected):
        raise error

    monkeypatch.setattr(mover.Mover, "to_trash", failing)
    before = snapshot(library)

    code = main(["scan", str(library), "--trash-duplicates", "--yes", "--no-progress", "-q"])

    out, err = capsys.readouterr()
    assert code == 1
    assert "Moved 0 files" in out
    assert err.count("could not move") == 4 and "the trash refused it" in err
    assert snapshot(library) == before
    assert not (trash_dir() / "files").exists() or not any((trash_dir() / "files").iterdir())


def test_trash_failure_halfway_moves_the_others_and_loses_nothing(library, monkeypatch):
    real = mover.Mover.to_trash
    calls = []

    def fail_second(self, path, expected):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real(self, path, expected)

    monkeypatch.setattr(mover.Mover, "to_trash", fail_second)
    before = snapshot(library)
    result, groups = scan_and_group(library)

    report = trash_files(result, groups, {i for g in groups for i in g.images}, max_distance_bits=NORMAL_BITS)

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


# Calls that delete, rename or link a file: only the cleanup's mover may make them (and the cache, on its own file).
MOVING_CALLS = {"remove", "unlink", "rmtree", "rmdir", "removedirs", "rename", "renames", "replace", "link", "move"}
MOVER = "core/cleanup/mover.py"  # the one module that moves a user's file (and removes its trash metadata)
ALLOWED = {  # module -> the calls it may make, each on a file of dupfinder's own only
    "core/cache.py": {"replace"},  # sets its own broken file aside
    "core/report_files.py": {"replace", "unlink"},  # puts its own temporary report in place, or removes it
    "core/saved_results.py": {"replace", "unlink"},  # the same for saved results
    "core/ignore.py": {"replace", "unlink"},  # the same for the not-a-duplicate list (in the 0700 data folder)
}


def _moving_calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and "rename" in func.id:
            found.add(func.id)  # e.g. a ctypes renameat2
        if isinstance(func, ast.Attribute) and func.attr in MOVING_CALLS:
            owner = ast.unparse(func.value)
            if owner in ("os", "shutil", "send2trash") or func.attr not in ("replace", "move", "remove"):
                found.add(func.attr)  # str.replace, list.remove and the like are not file operations
    return found


def test_only_the_mover_moves_or_deletes_a_file():
    """A static guard: outside core/cleanup/mover.py no module renames, links or deletes a file (os.rename/replace/
    link/unlink/remove, shutil.move/rmtree, Path.rename/unlink, a renameat2 call), so the checks before a move
    cannot be bypassed by new code. A new such call anywhere fails here until it is reviewed."""
    package = Path(dupfinder.__file__).parent
    found = {}
    for path in package.rglob("*.py"):
        name = path.relative_to(package).as_posix()
        calls = _moving_calls(path) - ALLOWED.get(name, set())
        if calls and name != MOVER:
            found[name] = calls
    assert found == {}
    assert _moving_calls(package / MOVER) >= {"unlink", "rename", "link", "_renameat2"}
    assert not (package / "core" / "trash.py").exists() and not (package / "core" / "undo.py").exists()
