"""`python -m dupfinder scan --trash-duplicates --yes` killed with SIGKILL mid-cleanup: every file is in place or in
the trash and the action log says which; `dupfinder undo` then puts everything back. Undo never overwrites."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from photo_safety import content_key, snapshot, trash_dir

from dupfinder.cli import main
from dupfinder.core.cleanup import FileState, actionlog, classify_session

pytestmark = pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="checks the freedesktop trash")

REPO = Path(__file__).resolve().parents[2]
# Loaded by the child at start-up (PYTHONPATH): wraps the mover so the Nth move writes N to a pipe, then ("pause")
# blocks after the move and before dupfinder logs it, the worst moment to die, or ("race") carries on.
HOOK = """
import os, signal
from dupfinder.core.cleanup import mover
_real, _moved = mover.Mover.to_trash, [0]
def _hooked(self, path, expected):
    where = _real(self, path, expected)
    _moved[0] += 1
    if _moved[0] == int(os.environ["KILL_AFTER"]):
        os.write(int(os.environ["KILL_FD"]), b"%d\\n" % _moved[0])
        if os.environ["KILL_MODE"] == "pause":
            signal.pause()
    return where
mover.Mover.to_trash = _hooked
"""
GROUPS, COPIES, KILL_AFTER = 60, 3, 50


def corpus(folder: Path, make_photo) -> None:
    """GROUPS distinct small pictures, each with COPIES byte-identical files: COPIES - 1 of each go to the trash."""
    for g in range(GROUPS):
        first = make_photo(folder / f"g{g:02d}_0.png", 500 + g, (48, 36))
        for k in range(1, COPIES):
            shutil.copy2(first, folder / f"g{g:02d}_{k}.png")


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dupfinder", *args], capture_output=True, text=True, timeout=120,
        env=env or os.environ | {"PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip


@pytest.mark.parametrize("mode", ["pause", "race"])
def test_cli_cleanup_killed_halfway_loses_nothing_and_undo_restores_all(tmp_path, make_photo, mode):
    photos = tmp_path / "photos"
    corpus(photos, make_photo)
    before = snapshot(photos)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK)
    read_end, write_end = os.pipe()
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(hook), str(REPO), os.environ.get("PYTHONPATH", "")]),
        "KILL_AFTER": str(KILL_AFTER), "KILL_FD": str(write_end), "KILL_MODE": mode,
    }  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-m", "dupfinder", "scan", str(photos), "--trash-duplicates", "--yes", "-q", "--no-cache"],
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
    assert child.returncode == -signal.SIGKILL

    in_place = [content_key(p.read_bytes()) for p in photos.iterdir()]
    in_trash = [content_key(p.read_bytes()) for p in (trash_dir() / "files").iterdir()]
    assert len(in_place) + len(in_trash) == GROUPS * COPIES  # every file is somewhere
    assert set(in_place) == set(before)  # and every picture still has a copy in place
    assert len(in_trash) == KILL_AFTER if mode == "pause" else len(in_trash) >= KILL_AFTER

    locations = classify_session()
    assert {loc.state for loc in locations} <= {FileState.IN_PLACE, FileState.IN_TRASH}
    assert sum(loc.state is FileState.IN_TRASH for loc in locations) == len(in_trash)
    for loc in locations:
        assert (loc.state is FileState.IN_PLACE) == os.path.exists(loc.path)
        if loc.state is FileState.IN_TRASH:
            assert loc.path in before[content_key(Path(loc.trash_file).read_bytes())]
    assert not actionlog.read_sessions()[-1].finished

    undo = run_cli("undo")

    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert f"Restored {len(in_trash)} files" in undo.stdout
    assert snapshot(photos) == before
    assert list((trash_dir() / "files").iterdir()) == []


@pytest.fixture
def cleaned(tmp_path, make_photo, capsys):
    """A CLI cleanup that moved two copies to the trash: (folder, the moved paths)."""
    root = tmp_path / "photos"
    original = make_photo(root / "a.jpg", 11, (640, 480), quality=92)
    make_photo(root / "small" / "a-small.png", 11, (320, 240))
    (root / "copy").mkdir()
    shutil.copy2(original, root / "copy" / "a.jpg")
    assert main(["scan", str(root), "--trash-duplicates", "--yes", "--no-progress", "-q"]) == 0
    capsys.readouterr()
    moved = [root / "small" / "a-small.png", root / "copy" / "a.jpg"]
    assert not any(p.exists() for p in moved) and original.is_file()
    return root, moved


def test_cli_undo_refuses_to_overwrite_and_restores_the_rest(cleaned, capsys):
    root, (small, copy) = cleaned
    copy.write_bytes(b"a new file the user saved here since")

    code = main(["undo"])

    out = capsys.readouterr().out
    assert code == 1
    assert "Restored 1 file from the trash. 1 could not be restored" in out
    assert copy.read_bytes() == b"a new file the user saved here since"
    assert small.is_file()
    twin = (root / "a.jpg").read_bytes()
    assert [p.read_bytes() for p in (trash_dir() / "files").iterdir()] == [twin]  # the copy waits in the trash


def test_subprocess_undo_restores_what_a_subprocess_cleanup_moved(tmp_path, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "b.jpg", 12, (640, 480), quality=92)
    make_photo(root / "b-small.jpg", 12, (320, 240), quality=80)
    before = snapshot(root)
    cleanup = run_cli("scan", str(root), "--trash-duplicates", "--yes", "-q")
    assert cleanup.returncode == 0 and "Moved 1 file " in cleanup.stdout, cleanup.stderr
    assert not (root / "b-small.jpg").exists()

    undo = run_cli("undo")
    again = run_cli("undo")

    assert undo.returncode == 0 and "Restored 1 file" in undo.stdout
    assert snapshot(root) == before
    assert again.returncode == 0 and "already been undone" in again.stdout
