"""What an outside audit found a scan could be made to do wrong, each checked end to end with the real scanner or
the real CLI: a rewritten picture taken for the old one, a photo or a link used as the cache, wrongly typed cache
rows, a FIFO in a photo's place, Ctrl+C mid-scan, decoding memory, Pillow warnings, broken files decoded again."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from dupfinder.cli import main
from dupfinder.core import fingerprint, scanner
from dupfinder.core.decode import FingerprintError
from dupfinder.core.models import ProblemKind
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan


def bmp(path: Path, seed: int) -> Path:
    """An uncompressed smooth picture: any two of the same size have the same byte count."""
    noise = np.random.default_rng(seed).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(noise, "RGB").resize((200, 150), Image.Resampling.BICUBIC).save(path, format="BMP")
    return path


# ------------------------------------------------------------------------------------------- the cache's key
def test_a_different_picture_with_the_same_size_and_mtime_is_fingerprinted_again(tmp_path):
    root = tmp_path / "photos"
    photo = bmp(root / "a.bmp", 1)
    cache = str(tmp_path / "c.sqlite3")
    first = run_scan(ScanOptions((str(root),), cache_path=cache))
    old = os.stat(photo)
    bmp(tmp_path / "other.bmp", 2)
    with open(photo, "r+b") as f:  # rewritten in place, same size, mtime put back: only ctime tells
        f.write((tmp_path / "other.bmp").read_bytes())
    os.utime(photo, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert os.stat(photo).st_size == old.st_size

    again = run_scan(ScanOptions((str(root),), cache_path=cache))

    assert again.stats.images_from_cache == 0 and again.stats.images_fingerprinted == 1
    assert again.images[0].fingerprint != first.images[0].fingerprint
    fresh = run_scan(ScanOptions((str(root),), use_cache=False))
    assert again.images[0].fingerprint == fresh.images[0].fingerprint


# --------------------------------------------------------------------------------- what the cache may write
@pytest.fixture
def photos(tmp_path, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "a.jpg", 21, (640, 480), quality=92)
    make_photo(root / "a-small.png", 21, (320, 240))
    return root


def test_cache_option_pointing_at_a_photo_leaves_it_untouched(photos, tmp_path, capsys):
    photo = photos / "a.jpg"
    before = photo.read_bytes()

    result = run_scan(ScanOptions((str(photos),), cache_path=str(photo)))
    code = main(["scan", str(photos), "--cache", str(photo), "--no-progress", "-q"])

    assert len(result.warnings) == 1 and "not a dupfinder cache" in result.warnings[0]
    assert len(result.images) == 2
    err = capsys.readouterr().err
    assert code == 2 and "not a dupfinder cache" in err and "Traceback" not in err
    assert photo.read_bytes() == before
    assert sorted(p.name for p in photos.iterdir()) == ["a-small.png", "a.jpg"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
@pytest.mark.parametrize("suffix", ["", "-wal", "-journal"])
def test_a_symlink_at_the_cache_path_is_never_written_through(photos, tmp_path, suffix):
    cache = tmp_path / "c.sqlite3"
    if suffix:
        run_scan(ScanOptions((str(photos),), cache_path=str(cache)))
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    os.symlink(victim, f"{cache}{suffix}")

    result = run_scan(ScanOptions((str(photos),), cache_path=str(cache)))

    assert len(result.images) == 2 and "symbolic link" in result.warnings[0]
    assert victim.read_bytes() == b"precious"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_default_cache_folder_is_private_and_its_file_0600(photos):
    run_scan(ScanOptions((str(photos),)))
    folder = Path(os.environ["DUPFINDER_CACHE_DIR"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_wrongly_typed_cache_rows_are_misses_and_are_rewritten(photos, tmp_path):
    cache = str(tmp_path / "c.sqlite3")
    run_scan(ScanOptions((str(photos),), cache_path=cache))
    db = sqlite3.connect(cache)
    db.execute("UPDATE fingerprints SET phash = 'not a hash'")
    db.execute("UPDATE fingerprints SET dhash = zeroblob(9)")
    db.commit()
    db.close()

    again = run_scan(ScanOptions((str(photos),), cache_path=cache))
    third = run_scan(ScanOptions((str(photos),), cache_path=cache))

    assert again.stats.images_fingerprinted == 2 and again.problems == ()
    assert third.stats.images_from_cache == 2
    assert [i.fingerprint for i in third.images] == [i.fingerprint for i in again.images]


# ---------------------------------------------------------------------------------------- reading the photos
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
@pytest.mark.parametrize("step", ["digest_files", "fingerprint_files"])
def test_a_fifo_put_in_a_photos_place_never_hangs_the_scan(tmp_path, monkeypatch, step):
    """Two same-size files need a digest; one is swapped for a FIFO (nobody ever writes to it) just before the
    digest pass or the decoding pass starts."""
    root = tmp_path / "photos"
    bmp(root / "a.bmp", 1)
    victim = bmp(root / "b.bmp", 2)
    real_step = getattr(scanner, step)

    def swap_then_run(*args, **kwargs):
        victim.unlink()
        os.mkfifo(victim)
        return real_step(*args, **kwargs)

    monkeypatch.setattr(scanner, step, swap_then_run)
    outcome = {}
    options = ScanOptions((str(root),), workers=1, decode_timeout_s=5.0)
    scan = threading.Thread(target=lambda: outcome.update(result=run_scan(options)), daemon=True)
    scan.start()
    scan.join(20)

    assert not scan.is_alive(), "the scan hung on the FIFO"
    result = outcome["result"]
    if step == "fingerprint_files":
        (problem,) = [p for p in result.problems if p.path == str(victim)]
        assert problem.kind is ProblemKind.UNREADABLE and "regular file" in problem.detail
    else:
        assert [i.digest is None for i in result.images] == [False, True]


# ------------------------------------------------------------------------------------------------- Ctrl+C
PHOTOS_FOR_CTRL_C = 1500
_FINGERPRINTING = re.compile(rb"Fingerprinting ([\d,]+) / ([\d,]+)")


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal and SIGINT")
def test_ctrl_c_mid_fingerprinting_exits_130_cleanly_and_keeps_the_fingerprints(tmp_path, make_photo):
    """The real CLI in a terminal (so it draws its progress bar), interrupted once the bar shows 300 files done."""
    import pty

    one = make_photo(tmp_path / "one.jpg", 7, (1600, 1200), quality=90).read_bytes()
    root = tmp_path / "many"
    root.mkdir()
    for i in range(PHOTOS_FOR_CTRL_C):
        (root / f"{i:04d}.jpg").write_bytes(one)
    cache = tmp_path / "c.sqlite3"
    master, slave = pty.openpty()
    scan = subprocess.Popen(
        [sys.executable, "-m", "dupfinder", "scan", str(root), "--cache", str(cache), "--workers", "1", "-q"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        cwd=Path(__file__).parent.parent.parent,
    )
    os.close(slave)
    seen, done = b"", 0
    try:
        while done < 300:
            chunk = os.read(master, 4096)
            assert chunk, f"the scan ended before it was interrupted: {seen[-500:]!r}"
            seen += chunk
            done = max([int(m[0].replace(b",", b"")) for m in _FINGERPRINTING.findall(seen)] or [0])
        scan.send_signal(signal.SIGINT)
        scan.communicate(timeout=60)
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the scan closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if scan.poll() is None:
            scan.kill()
            scan.wait()
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert scan.returncode == 130, text[-2000:]
    assert "Traceback" not in text and "KeyError" not in text
    assert "interrupted" in text
    db = sqlite3.connect(cache)
    rows = db.execute("SELECT count(*) FROM fingerprints").fetchone()[0]
    db.close()
    assert done <= rows < PHOTOS_FOR_CTRL_C


# ------------------------------------------------------------------------------------------ Pillow's warnings
def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IEND", b"")
    )


def tiff_whose_tag_overruns_the_file(path: Path, truncate: bool) -> None:
    """Pillow warns "Tag data larger than file" on opening it; truncated, its pixels are missing too."""
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[305] = "a software name longer than four bytes"
    Image.new("L", (64, 48), 128).save(path, tiffinfo=info)
    data = bytearray(path.read_bytes())
    assert data[:2] == b"II"
    ifd = struct.unpack("<I", data[4:8])[0]
    for k in range(struct.unpack("<H", data[ifd : ifd + 2])[0]):
        at = ifd + 2 + 12 * k
        if struct.unpack("<H", data[at : at + 2])[0] == 305:
            data[at + 4 : at + 8] = struct.pack("<I", 10**6)
    path.write_bytes(bytes(data[:-1000] if truncate else data))


def test_pillow_warnings_never_reach_stderr_and_join_the_files_problem(tmp_path):
    root = tmp_path / "photos"
    root.mkdir()
    (root / "100mp.png").write_bytes(png_header_only(10_000, 10_000))  # over Pillow's 89 MP warning limit
    tiff_whose_tag_overruns_the_file(root / "odd-tag.tiff", truncate=False)
    tiff_whose_tag_overruns_the_file(root / "odd-tag-cut.tiff", truncate=True)

    run = subprocess.run(
        [sys.executable, "-m", "dupfinder", "scan", str(root), "--no-cache", "-q", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent.parent,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "fingerprinted: 1 " in run.stdout  # odd-tag.tiff: its warning is only a logged note
    (cut,) = [line for line in run.stdout.splitlines() if "odd-tag-cut.tiff" in line]
    assert "corrupt" in cut and "while decoding: UserWarning: Tag data larger than file" in cut
    (big,) = [line for line in run.stdout.splitlines() if "100mp.png" in line]
    assert "corrupt" in big and "DecompressionBomb" not in big


# --------------------------------------------------------------------------------- failures are remembered
def test_an_unchanged_broken_file_is_not_decoded_again_and_a_changed_one_is(tmp_path, monkeypatch, make_photo):
    root = tmp_path / "photos"
    make_photo(root / "good.jpg", 1)
    (root / "text.jpg").write_text("not a picture")
    (root / "empty.png").write_bytes(b"")
    good = (root / "good.jpg").read_bytes()
    (root / "cut.jpg").write_bytes(good[:300])
    decoded = []
    real_decode = fingerprint.decode_for_hashing

    def counting_decode(path, *args, **kwargs):
        decoded.append(Path(path).name)
        return real_decode(path, *args, **kwargs)

    monkeypatch.setattr(fingerprint, "decode_for_hashing", counting_decode)
    options = ScanOptions((str(root),), cache_path=str(tmp_path / "c.sqlite3"))
    first = run_scan(options)
    assert sorted(decoded) == ["cut.jpg", "empty.png", "good.jpg", "text.jpg"]
    decoded.clear()

    second = run_scan(options)
    assert decoded == []
    assert second.problems == first.problems and len(second.problems) == 3

    (root / "cut.jpg").write_bytes(good)  # repaired: tried again, and now an image
    third = run_scan(options)
    assert decoded == ["cut.jpg"]
    assert sorted(Path(i.path).name for i in third.images) == ["cut.jpg", "good.jpg"]


def test_a_passing_failure_is_not_remembered(tmp_path, monkeypatch, make_photo):
    """Permission refused, an I/O error or a timeout may not happen again: such files are tried on every scan."""
    root = tmp_path / "photos"
    make_photo(root / "a.jpg", 1)
    real_decode = fingerprint.decode_for_hashing
    calls = []

    def refused_once(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 1:
            raise FingerprintError(ProblemKind.PERMISSION, "Permission denied")
        return real_decode(path, *args, **kwargs)

    monkeypatch.setattr(fingerprint, "decode_for_hashing", refused_once)
    options = ScanOptions((str(root),), cache_path=str(tmp_path / "c.sqlite3"))
    assert [p.kind for p in run_scan(options).problems] == [ProblemKind.PERMISSION]
    second = run_scan(options)
    assert len(calls) == 2 and second.problems == () and len(second.images) == 1
