"""fingerprint_file, content_digest and the parallel fingerprint_files (cancel, timeout, progress)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time
from pathlib import Path

import imagehash
import pytest
from PIL import Image
from test_decode import distance, photo  # tests/core is on sys.path (pytest prepend import mode)

from dupfinder.core import fingerprint
from dupfinder.core.fingerprint import (
    FINGERPRINT_RECIPE,
    content_digest,
    fingerprint_file,
    fingerprint_files,
)
from dupfinder.core.matching.windows import WINDOWS
from dupfinder.core.models import FileEntry, Fingerprint, Problem, ProblemKind
from dupfinder.core.progress import CancelToken, ProgressEvent, ScanCancelled, ScanStage

DATA = Path(__file__).parent.parent / "data"


def entries_for(paths) -> list[FileEntry]:
    entries = []
    for p in paths:
        st = os.stat(p)
        entries.append(FileEntry(str(p), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino))
    return entries


def test_fingerprint_has_facts_and_four_64_bit_hashes(tmp_path):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2020:02:29 12:00:00"
    photo(400, 300).save(tmp_path / "a.jpg", quality=90, exif=exif)
    fp = fingerprint_file(str(tmp_path / "a.jpg"))
    assert (fp.width, fp.height, fp.format, fp.taken) == (400, 300, "JPEG", "2020-02-29 12:00:00")
    hashes = (fp.ahash, fp.phash, fp.dhash, fp.whash)
    assert all(isinstance(h, int) and 0 <= h < 1 << 64 for h in hashes)
    assert len(set(hashes)) == 4


def test_hash_ints_follow_imagehash_bit_order():
    h = imagehash.phash(photo())
    assert fingerprint._to_int(h) == int(str(h), 16)


def test_resized_and_recompressed_copies_stay_close(tmp_path):
    original = photo(1200, 900)
    original.save(tmp_path / "original.jpg", quality=92)
    original.resize((600, 450), Image.Resampling.LANCZOS).save(tmp_path / "half.jpg", quality=92)
    original.resize((300, 225), Image.Resampling.BILINEAR).save(tmp_path / "quarter.png")
    original.save(tmp_path / "recompressed.jpg", quality=40)
    base = fingerprint_file(str(tmp_path / "original.jpg"))
    for name in ("half.jpg", "quarter.png", "recompressed.jpg"):
        copy = fingerprint_file(str(tmp_path / name))
        assert distance(copy.phash, base.phash) <= 4, name
        assert distance(copy.dhash, base.dhash) <= 4, name
    photo(1200, 900, seed=7).save(tmp_path / "other.jpg", quality=92)
    other = fingerprint_file(str(tmp_path / "other.jpg"))
    assert distance(other.phash, base.phash) > 12
    assert distance(other.dhash, base.dhash) > 12


# Pinned on the committed photos: a change here means Pillow, imagehash or the recipe changed the hashes,
# so FINGERPRINT_RECIPE must be bumped (cached fingerprints would no longer match new ones).
PINNED = {
    "astronaut.jpg": Fingerprint(
        width=256,
        height=256,
        format="JPEG",
        ahash=0x7F7F7FC744F8D050,
        phash=0xC2924C5532BDDFC8,
        dhash=0xCD8DD91D897293A7,
        whash=0x7F775FC744F80040,
        taken=None,
        turned_phash=(
            0x97C7191867E88A9D,
            0xC74C0CB137C9CAE9,
            0x973819F767178862,
            0x92E6590B73639D43,
            0xC26D4CAA3242DD3F,
            0xC7B30C5E2736CA16,
            0x921959F4629C9DBC,
        ),
        turned_dhash=(
            0x4C4E64476EB1361A,
            0xC624604C4D591264,
            0x1A36B16E47644E4C,
            0xC9B7654DCDF9DB9C,
            0xA79372891DD98DCD,
            0x6412594D4C6024C6,
            0x9CDBF9CD4D65B7C9,
        ),
    ),
    "chelsea-orientation6.jpg": Fingerprint(
        width=256,
        height=170,
        format="JPEG",
        ahash=0x82808E4B09A373E7,
        phash=0xB15FE6465121175E,
        dhash=0x5414589AAB6FA785,
        whash=0xC2C08E4B09A377F7,
        taken="2019-05-02 23:10:57",
        turned_phash=(
            0xF40AB33B5474C60F,
            0xA28EB4BC518F7331,
            0xE0F5B3EC048BC2F4,
            0xF52CF19E1426269B,
            0xB1A0E6B951DE17A1,
            0xA079A4CB417373CE,
            0xF7D3F16114592664,
        ),
        turned_dhash=(
            0xD5D7E5A62A091A4E,
            0xD475CBE19E5DB7CD,
            0x4E1A092AA6E5D7D5,
            0x4C124586782C51D4,
            0x85A76FAB9A581454,
            0xCDB75D9EE1CB75D4,
            0xD4512C788645124C,
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_hashes_of_committed_photos(name):
    fingerprint = fingerprint_file(str(DATA / name))
    assert dataclasses.replace(fingerprint, window_phash=(), window_dhash=(), detail=None) == PINNED[name]
    assert len(fingerprint.window_phash) == len(fingerprint.window_dhash) == len(WINDOWS)


def test_recipe_names_the_method():
    assert FINGERPRINT_RECIPE.startswith("5;")
    assert "phash" in FINGERPRINT_RECIPE and "win48+edge4" in FINGERPRINT_RECIPE  # the windows are cached too


def test_content_digest_streams_the_whole_file(tmp_path):
    data = os.urandom(fingerprint.DIGEST_CHUNK_BYTES * 2 + 12345)
    (tmp_path / "a.bin").write_bytes(data)
    (tmp_path / "b.bin").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    expected = hashlib.blake2b(data, digest_size=fingerprint.DIGEST_SIZE_BYTES).digest()
    assert content_digest(str(tmp_path / "a.bin")) == expected
    assert content_digest(str(tmp_path / "b.bin")) != expected
    with pytest.raises(OSError):
        content_digest(str(tmp_path / "missing.bin"))


def test_every_entry_gets_a_result(tmp_path):
    paths = []
    for i in range(12):
        path = tmp_path / f"good{i}.png"
        photo(96, 64, seed=i).save(path)
        paths.append(path)
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "text.jpg").write_text("not a picture")
    paths += [tmp_path / "empty.jpg", tmp_path / "text.jpg"]
    events: list[ProgressEvent] = []
    results = dict(fingerprint_files(entries_for(paths), workers=3, progress=events.append))
    assert sorted(results) == list(range(len(paths)))
    assert all(isinstance(results[i], Fingerprint) for i in range(12))
    assert results[12] == Problem(str(paths[12]), ProblemKind.EMPTY, "the file has 0 bytes")
    assert isinstance(results[13], Problem) and results[13].kind is ProblemKind.NOT_AN_IMAGE
    assert results[3] == fingerprint_file(str(paths[3]))
    assert events[-1].stage is ScanStage.FINGERPRINTING
    assert (events[-1].done, events[-1].total) == (len(paths), len(paths))


def test_no_entries():
    assert list(fingerprint_files([])) == []


def test_cancel_from_another_thread_stops_promptly(tmp_path):
    paths = []
    for i in range(300):
        path = tmp_path / f"{i}.png"
        photo(128, 96, seed=i % 5).save(path)
        paths.append(path)
    token = CancelToken()
    first_event, cancelled = threading.Event(), threading.Event()

    def canceller():
        first_event.wait()
        token.cancel()
        cancelled.set()

    def on_progress(_event):
        first_event.set()
        cancelled.wait(5)  # continue only once the other thread has cancelled: deterministic

    thread = threading.Thread(target=canceller)
    thread.start()
    received = []
    with pytest.raises(ScanCancelled):
        for item in fingerprint_files(entries_for(paths), workers=2, progress=on_progress, cancel=token):
            received.append(item)
    stopped = time.monotonic()
    thread.join()
    assert cancelled.is_set()
    assert 1 <= len(received) < len(paths)
    assert len({i for i, _ in received}) == len(received)
    assert time.monotonic() - stopped < 1.0


def test_a_file_that_hangs_times_out_and_the_scan_goes_on(tmp_path, monkeypatch):
    paths = []
    for i in range(6):
        path = tmp_path / f"{i}.png"
        photo(64, 48, seed=i).save(path)
        paths.append(path)
    release = threading.Event()
    real_decode = fingerprint.decode_for_hashing

    def stuck_on_the_first(path, identity=None, **options):
        if path == str(paths[0]):
            release.wait(30)  # a decoder stuck in C code; let go when the test ends
        return real_decode(path, identity, **options)

    monkeypatch.setattr(fingerprint, "decode_for_hashing", stuck_on_the_first)
    try:
        started = time.monotonic()
        results = dict(fingerprint_files(entries_for(paths), workers=1, timeout_s=0.3))
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert results[0].kind is ProblemKind.TIMEOUT
    assert results[0].detail == "no result after 0.3 s"
    assert all(isinstance(results[i], Fingerprint) for i in range(1, 6)), "a fresh worker took over"
    assert elapsed < 5


def test_an_unexpected_error_is_one_files_problem(tmp_path, monkeypatch):
    photo(64, 48).save(tmp_path / "a.png")
    photo(64, 48, seed=2).save(tmp_path / "b.png")

    def buggy(path, identity=None, **options):
        if path.endswith("a.png"):
            raise ZeroDivisionError("division by zero")
        return real(path, identity, **options)

    real = fingerprint.decode_for_hashing
    monkeypatch.setattr(fingerprint, "decode_for_hashing", buggy)
    results = dict(fingerprint_files(entries_for([tmp_path / "a.png", tmp_path / "b.png"]), workers=2))
    assert results[0].kind is ProblemKind.UNREADABLE
    assert "ZeroDivisionError" in results[0].detail
    assert isinstance(results[1], Fingerprint)


@pytest.mark.parametrize("name", sorted(PINNED))
def test_orientation_hashes_equal_imagehash_of_each_turned_picture(name):
    import imagehash

    from dupfinder.core.decode import decode_for_hashing
    from dupfinder.core.fingerprint import TURNS, _to_int

    small = decode_for_hashing(str(DATA / name)).image
    fp = fingerprint_file(str(DATA / name))
    assert (fp.phash, fp.dhash) == (_to_int(imagehash.phash(small)), _to_int(imagehash.dhash(small)))
    for k, turn in enumerate(TURNS):
        turned = small.transpose(turn)
        assert fp.turned_phash[k] == _to_int(imagehash.phash(turned)), turn
        assert fp.turned_dhash[k] == _to_int(imagehash.dhash(turned)), turn
