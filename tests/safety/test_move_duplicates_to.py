"""`dupfinder scan --move-duplicates-to DIR` end to end: the copies go to DIR under their path relative to the
scanned folder, the keepers stay, a bad DIR stops before scanning, a kill -9 loses nothing, and `dupfinder undo`
puts everything back."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from photo_safety import build_library, content_key, json_groups_without_survivor, snapshot

from dupfinder.cli import main
from dupfinder.core.cleanup import FileState, actionlog, classify_session

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="dir descriptors and renameat2")

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def library(tmp_path, make_photo):
    return build_library(tmp_path / "lib", make_photo)


def regular_files(folder: Path) -> dict[str, str]:
    """relative path -> content key, for the regular files under folder."""
    return {
        str(p.relative_to(folder)): content_key(p.read_bytes())
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def test_cli_move_duplicates_to_mirrors_paths_keeps_keepers_and_undo_restores_all(library, tmp_path, capsys):
    before, dups = snapshot(library), tmp_path / "dups"
    code = main(
        ["scan", str(library), "--move-duplicates-to", str(dups), "--yes", "--no-progress", "--json",
         str(tmp_path / "r.json")]
    )  # fmt: skip
    out = capsys.readouterr().out

    assert code == 0, out
    assert f"to {dups}." in out and "Undo with: dupfinder undo" in out
    moved = regular_files(dups)
    assert moved  # every moved copy is at its path relative to the scanned folder, with its own content
    for relative, key in moved.items():
        assert str(library / relative) in before[key]
        assert not os.path.lexists(library / relative)
    best = [line.replace(" ★ best", "").split()[-1] for line in out.splitlines() if line.endswith(" ★ best")]
    assert len(best) == 3 and all(os.path.isfile(p) for p in best)
    assert not {str(dups / os.path.relpath(p, library)) for p in best} & {str(dups / r) for r in moved}
    assert json_groups_without_survivor(tmp_path / "r.json") == []
    assert set(regular_files(library).values()) | set(moved.values()) == set(before)

    assert main(["undo", "--list"]) == 0
    listing = capsys.readouterr().out
    for relative in moved:
        assert f"{library / relative} — in the destination folder: {dups / relative}" in listing
    assert main(["undo"]) == 0
    assert f"Restored {len(moved)} file" in capsys.readouterr().out
    assert snapshot(library) == before and regular_files(dups) == {}


@pytest.mark.parametrize(
    "where", ["inside", "the root", "the root by a symlink", "holds the root", "a symlink", "a file", "with trash"]
)
def test_a_bad_destination_is_refused_with_exit_2_before_scanning(library, tmp_path, capsys, where):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link-to-lib").symlink_to(library)
    (tmp_path / "dups-link").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "a-file").write_bytes(b"not a folder")
    folder = {
        "inside": library / "sub" / "dups",
        "the root": library,
        "the root by a symlink": tmp_path / "link-to-lib" / "sub",
        "holds the root": tmp_path,
        "a symlink": tmp_path / "dups-link",
        "a file": tmp_path / "a-file",
        "with trash": tmp_path / "dups",
    }[where]
    before = snapshot(tmp_path)
    extra = ["--trash-duplicates"] if where == "with trash" else []

    code = main(["scan", str(library), "--move-duplicates-to", str(folder), "--yes", "--no-progress", *extra])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""  # nothing scanned
    assert captured.err.startswith("dupfinder: ") and len(captured.err.splitlines()) == 1
    assert snapshot(tmp_path) == before and not (library / "sub" / "dups").exists()
    assert actionlog.read_records() == []


def test_cli_dry_run_moves_nothing_and_a_taken_place_exits_1(library, tmp_path, capsys):
    dups = tmp_path / "dups"
    (dups / "sub").mkdir(parents=True)
    (dups / "sub" / "p2-q40.jpg").write_bytes(b"an earlier cleanup's file")
    before = snapshot(library)

    dry = main(["scan", str(library), "--move-duplicates-to", str(dups), "--dry-run", "--no-progress", "-q"])
    dry_out = capsys.readouterr()
    assert snapshot(library) == before and regular_files(dups) == {
        "sub/p2-q40.jpg": content_key(b"an earlier cleanup's file")
    }
    code = main(["scan", str(library), "--move-duplicates-to", str(dups), "--yes", "--no-progress", "-q"])
    real = capsys.readouterr()

    for status, captured in ((dry, dry_out), (code, real)):
        assert status == 1
        assert f"{dups / 'sub' / 'p2-q40.jpg'} already exists; it is never replaced" in captured.err
    assert "Would move" in dry_out.out and "Moved" in real.out
    assert (dups / "sub" / "p2-q40.jpg").read_bytes() == b"an earlier cleanup's file"
    assert (library / "sub" / "p2-q40.jpg").is_file()


def test_cli_without_a_terminal_or_yes_asks_nothing_and_moves_nothing(library, tmp_path, capsys, monkeypatch):
    before = snapshot(library)
    with open(os.devnull) as no_terminal:
        monkeypatch.setattr(sys, "stdin", no_terminal)
        code = main(["scan", str(library), "--move-duplicates-to", str(tmp_path / "dups"), "--no-progress", "-q"])
    assert code == 2
    assert "add --yes" in capsys.readouterr().err
    assert snapshot(library) == before and not (tmp_path / "dups").exists()


# Loaded by the child at start-up (PYTHONPATH): after the KILL_AFTER-th move into DIR, writes to a pipe and blocks
# before dupfinder logs the move ("moved" record), the worst moment to die.
HOOK = """
import os, signal
from dupfinder.core.cleanup import mover
_real, _moved = mover.FolderMover.to_folder, [0]
def _hooked(self, path, expected, relative):
    where = _real(self, path, expected, relative)
    _moved[0] += 1
    if _moved[0] == int(os.environ["KILL_AFTER"]):
        os.write(int(os.environ["KILL_FD"]), b"%d\\n" % _moved[0])
        signal.pause()
    return where
mover.FolderMover.to_folder = _hooked
"""
GROUPS, COPIES, KILL_AFTER = 20, 3, 15


def test_cli_move_killed_halfway_loses_nothing_and_undo_restores_all(tmp_path, make_photo):
    photos, dups = tmp_path / "photos", tmp_path / "dups"
    for g in range(GROUPS):
        first = make_photo(photos / f"g{g:02d}" / "0.png", 700 + g, (48, 36))
        for k in range(1, COPIES):
            shutil.copy2(first, photos / f"g{g:02d}" / f"{k}.png")
    before = snapshot(photos)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK)
    read_end, write_end = os.pipe()
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(hook), str(REPO), os.environ.get("PYTHONPATH", "")]),
        "KILL_AFTER": str(KILL_AFTER), "KILL_FD": str(write_end), "PYTHONIOENCODING": "utf-8",
    }  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-m", "dupfinder", "scan", str(photos), "--move-duplicates-to", str(dups), "--yes", "-q",
         "--no-cache"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, pass_fds=(write_end,),
    )  # fmt: skip
    os.close(write_end)
    with os.fdopen(read_end, "rb") as signals:
        line = signals.readline()  # blocks until the child has moved KILL_AFTER files (b"" if it died first)
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    stderr = child.stderr.read().decode()
    child.stderr.close()
    assert line == b"%d\n" % KILL_AFTER, stderr

    in_place, in_dir = regular_files(photos), regular_files(dups)
    assert len(in_place) + len(in_dir) == GROUPS * COPIES and len(in_dir) == KILL_AFTER
    assert set(in_place.values()) == set(before)  # every picture still has a copy in place
    assert not set(in_place) & set(in_dir)  # each moved file's place mirrors where it was
    locations = classify_session()
    assert sum(loc.state is FileState.IN_FOLDER for loc in locations) == KILL_AFTER
    assert {loc.state for loc in locations} <= {FileState.IN_PLACE, FileState.IN_FOLDER}
    assert not actionlog.read_sessions()[-1].finished

    undo = subprocess.run(
        [sys.executable, "-m", "dupfinder", "undo"], capture_output=True, text=True, timeout=120,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip

    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert f"Restored {KILL_AFTER} files from {dups}." in undo.stdout
    assert snapshot(photos) == before and regular_files(dups) == {}
