"""Fingerprint cache: round trips, validity rules, and survival of broken, foreign, unwritable or killed caches."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import threading

import pytest

from dupfinder.core import paths
from dupfinder.core.cache import SCHEMA_VERSION, FingerprintCache, NotACacheError, check_cache_path
from dupfinder.core.models import FileEntry, Fingerprint, Problem, ProblemKind

RECIPE = "test-recipe-1"


def entry(path: str, size_bytes: int = 1000, mtime_ns: int = 1_700_000_000_000_000_000) -> FileEntry:
    return FileEntry(path, size_bytes, mtime_ns, dev=1, ino=abs(hash(path)), ctime_ns=mtime_ns + 5)


def fingerprint(seed: int) -> Fingerprint:
    rng = random.Random(seed)
    return Fingerprint(4000 + seed, 3000, "JPEG", *(rng.getrandbits(64) for _ in range(4)), "2024-05-01 10:00:00")


def fill(cache: FingerprintCache, n: int, prefix: str = "/p") -> list[FileEntry]:
    entries = [entry(f"{prefix}/{i}.jpg", size_bytes=1000 + i) for i in range(n)]
    cache.store((e, fingerprint(i)) for i, e in enumerate(entries))
    cache.store_digests((e, i.to_bytes(32, "big")) for i, e in enumerate(entries))
    return entries


def aside_files(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if ".corrupt-" in p.name)


def test_round_trip_including_extreme_hashes(tmp_path):
    path = tmp_path / "c.sqlite3"
    extreme = Fingerprint(1, 2, "PNG", 0, 2**64 - 1, 2**63, 1, None)
    a, b, c = entry("/p/a.jpg"), entry("/p/b.png"), entry("/p/unknown.jpg")
    with FingerprintCache(path, RECIPE) as cache:
        cache.store([(a, fingerprint(7)), (b, extreme)])
        cache.store_digests([(a, b"\x01" * 32)])
    with FingerprintCache(path, RECIPE) as cache:
        assert cache.warnings == []
        assert cache.lookup([c, b, a]) == {1: extreme, 2: fingerprint(7)}
        assert cache.lookup_digests([a, b]) == {0: b"\x01" * 32}
        assert cache.lookup([]) == {}


def test_default_path_is_under_the_cache_dir(tmp_path):
    with FingerprintCache(None, RECIPE) as cache:
        fill(cache, 1)
        assert cache.path == paths.default_cache_path()
    assert paths.default_cache_path().is_file()
    assert str(paths.default_cache_path()).startswith(os.environ["DUPFINDER_CACHE_DIR"])


def test_store_replaces_a_path_row(tmp_path):
    with FingerprintCache(tmp_path / "c.sqlite3", RECIPE) as cache:
        old, new = entry("/p/a.jpg", size_bytes=1), entry("/p/a.jpg", size_bytes=2)
        cache.store([(old, fingerprint(1))])
        cache.store([(new, fingerprint(2))])
        assert cache.lookup([new]) == {0: fingerprint(2)}
        assert cache.lookup([old]) == {}


IDENTITY = ("path", "size_bytes", "mtime_ns", "dev", "ino", "ctime_ns")


@pytest.mark.parametrize(
    "change",
    [{"size_bytes": 1001}, {"mtime_ns": 1_700_000_000_000_000_001}, {"ctime_ns": 1}, {"ino": 7}, {"dev": 2}],
    ids=["size", "mtime", "ctime", "inode", "device"],
)
def test_a_changed_file_is_not_found(tmp_path, change):
    """Same size and mtime are not enough: a picture rewritten with its mtime put back has a new ctime, a picture
    put in its place by rename a new inode."""
    with FingerprintCache(tmp_path / "c.sqlite3", RECIPE) as cache:
        (stored,) = fill(cache, 1)
        cache.store_failures([(stored, Problem(stored.path, ProblemKind.CORRUPT, "bad"))], "decoder-1")
        changed = FileEntry(**{**{f: getattr(stored, f) for f in IDENTITY}, **change})
        assert cache.lookup([stored]) == {0: fingerprint(0)}
        assert cache.lookup([changed]) == {}
        assert cache.lookup_digests([changed]) == {}
        assert cache.lookup_failures([changed], "decoder-1") == {}
        assert 0 in cache.lookup_digests([stored])
        assert 0 in cache.lookup_failures([stored], "decoder-1")


def test_another_recipe_empties_the_cache(tmp_path):
    path = tmp_path / "c.sqlite3"
    with FingerprintCache(path, RECIPE) as cache:
        entries = fill(cache, 3)
    with FingerprintCache(path, RECIPE) as cache:
        assert len(cache.lookup(entries)) == 3
    with FingerprintCache(path, "test-recipe-2") as cache:
        assert cache.lookup(entries) == {}
        assert cache.lookup_digests(entries) == {}
        assert cache.warnings == []
        cache.store([(entries[0], fingerprint(9))])
    with FingerprintCache(path, RECIPE) as cache:  # going back does not resurrect old rows either
        assert cache.lookup(entries) == {}


def test_schema_version_mismatch_rebuilds_with_a_warning(tmp_path):
    path = tmp_path / "c.sqlite3"
    with FingerprintCache(path, RECIPE) as cache:
        entries = fill(cache, 3)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.execute("CREATE TABLE leftover (x)")
    db.close()
    with FingerprintCache(path, RECIPE) as cache:
        assert len(cache.warnings) == 1 and "schema version 99" in cache.warnings[0]
        assert cache.lookup(entries) == {}
        fill(cache, 2)
        assert len(cache.lookup(entries)) == 2
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "leftover" not in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert aside_files(path) == []


def test_garbage_file_in_the_own_cache_folder_is_set_aside(caplog):
    path = paths.default_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = path.parent
    garbage = random.Random(3).randbytes(50_000)
    path.write_bytes(garbage)
    with FingerprintCache(path, RECIPE) as cache:
        assert cache.enabled
        assert len(cache.warnings) == 1 and "moved to" in cache.warnings[0]
        entries = fill(cache, 2)
        assert len(cache.lookup(entries)) == 2
    (aside,) = aside_files(path)
    assert (tmp_path / aside).read_bytes() == garbage
    assert any("moved to" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    with FingerprintCache(path, RECIPE) as cache:  # the rebuilt cache is healthy
        assert cache.warnings == []
        assert len(cache.lookup(entries)) == 2


def test_truncated_database_is_set_aside(tmp_path):
    path = tmp_path / "c.sqlite3"
    with FingerprintCache(path, RECIPE) as cache:
        fill(cache, 3000)
    assert not os.path.exists(f"{path}-wal")  # closing checkpointed everything into the main file
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    with FingerprintCache(path, RECIPE) as cache:
        assert cache.enabled
        assert len(cache.warnings) == 1 and "moved to" in cache.warnings[0]
        entries = fill(cache, 5)
        assert len(cache.lookup(entries)) == 5
    (aside,) = aside_files(path)
    assert (tmp_path / aside).stat().st_size == size // 2


def test_corruption_found_while_in_use_is_set_aside_and_the_cache_goes_on(tmp_path):
    path = tmp_path / "c.sqlite3"
    with FingerprintCache(path, RECIPE) as cache:
        entries = fill(cache, 20_000)  # larger than SQLite's page cache, so reads reach the file
    with FingerprintCache(path, RECIPE) as cache:
        assert cache.warnings == []
        os.truncate(path, path.stat().st_size // 3)
        assert cache.lookup(entries) == {}
        assert len(cache.warnings) == 1 and "malformed" in cache.warnings[0]
        assert cache.enabled
        fresh = fill(cache, 3, prefix="/new")
        assert len(cache.lookup(fresh)) == 3
    assert len(aside_files(path)) == 1


def test_another_programs_database_in_the_own_cache_folder_is_set_aside_with_its_log_not_dropped():
    path = paths.default_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = path.parent
    other = sqlite3.connect(path, isolation_level=None)  # still open: its write-ahead log stays on disk
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("PRAGMA wal_autocheckpoint=0")
    other.execute("CREATE TABLE precious (x)")
    other.execute("INSERT INTO precious VALUES (42)")
    try:
        with FingerprintCache(path, RECIPE) as cache:
            assert cache.enabled and len(cache.warnings) == 1 and "not a dupfinder cache" in cache.warnings[0]
            entries = fill(cache, 2)
            assert len(cache.lookup(entries)) == 2  # the new cache did not pick up the other log
        (aside,) = [name for name in aside_files(path) if not name.endswith(("-wal", "-shm"))]
        assert os.path.exists(tmp_path / f"{aside}-wal")
    finally:
        other.close()
    db = sqlite3.connect(tmp_path / aside)
    assert db.execute("SELECT x FROM precious").fetchall() == [(42,)]
    db.close()


def check_disabled(cache: FingerprintCache) -> None:
    assert not cache.enabled
    assert len(cache.warnings) == 1 and "without it" in cache.warnings[0]
    e = entry("/p/a.jpg")
    cache.store([(e, fingerprint(1))])
    cache.store_digests([(e, b"d")])
    assert cache.lookup([e]) == {}
    assert cache.lookup_digests([e]) == {}
    cache.close()


def test_folder_that_cannot_be_created_runs_without_cache(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    check_disabled(FingerprintCache(blocker / "sub" / "c.sqlite3", RECIPE))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unwritable_folder_runs_without_cache(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user writes anywhere (root)")
        check_disabled(FingerprintCache(folder / "c.sqlite3", RECIPE))
    finally:
        os.chmod(folder, 0o700)


@pytest.mark.skipif(sys.platform != "linux", reason="Linux paths are arbitrary bytes")
def test_path_with_lone_surrogates_round_trips(tmp_path):
    odd = os.fsdecode(b"/photos/caf\xe9/\xff\xfe.jpg")
    assert "\udce9" in odd
    e = entry(odd)
    with FingerprintCache(tmp_path / "c.sqlite3", RECIPE) as cache:
        cache.store([(e, fingerprint(5))])
        cache.store_digests([(e, b"d" * 32)])
    with FingerprintCache(tmp_path / "c.sqlite3", RECIPE) as cache:
        assert cache.lookup([e]) == {0: fingerprint(5)}
        assert cache.lookup_digests([e]) == {0: b"d" * 32}
        assert cache.lookup([entry(os.fsdecode(b"/photos/caf\xc3\xa9/\xff\xfe.jpg"))]) == {}


def test_usable_from_another_thread(tmp_path):
    with FingerprintCache(tmp_path / "c.sqlite3", RECIPE) as cache:
        entries = fill(cache, 10)
        found = []
        worker = threading.Thread(target=lambda: found.append(cache.lookup(entries)))
        worker.start()
        worker.join()
        assert len(found[0]) == 10


WRITER = """
import sys
from dupfinder.core.cache import FingerprintCache
from dupfinder.core.models import FileEntry, Fingerprint

cache = FingerprintCache(sys.argv[1], "test-recipe-1")
for batch in range(10**6):
    cache.store(
        (FileEntry(f"/p/{batch}/{k}.jpg", k + 1, 10**18 + k, 1, k), Fingerprint(9, 9, "PNG", k, k, k, k))
        for k in range(5000)
    )
    print(batch, flush=True)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_writer_killed_mid_batch_leaves_the_committed_batches(tmp_path):
    path = tmp_path / "c.sqlite3"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        committed = [int(writer.stdout.readline()) for _ in range(3)]
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
    assert committed == [0, 1, 2]
    assert writer.returncode == -signal.SIGKILL  # killed while still writing, not finished
    with FingerprintCache(path, RECIPE) as cache:
        assert cache.warnings == []
        for batch in committed:
            entries = [FileEntry(f"/p/{batch}/{k}.jpg", k + 1, 10**18 + k, 1, k) for k in range(5000)]
            found = cache.lookup(entries)
            assert len(found) == 5000
            assert found[4999] == Fingerprint(9, 9, "PNG", 4999, 4999, 4999, 4999)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def another_programs_database(path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE precious (x)")
    db.execute("INSERT INTO precious VALUES (42)")
    db.commit()
    db.close()


NOT_OURS = {
    "photo": lambda path: path.write_bytes(b"\xff\xd8\xff\xe0" + random.Random(1).randbytes(20_000)),
    "garbage": lambda path: path.write_bytes(b"this is not an SQLite database " * 500),
    "empty file": lambda path: path.write_bytes(b""),
    "another program's database": another_programs_database,
}


@pytest.mark.parametrize("kind", NOT_OURS)
def test_a_file_it_did_not_create_is_never_renamed_or_written(tmp_path, kind):
    path = tmp_path / "IMG_0001.jpg"
    NOT_OURS[kind](path)
    before = path.read_bytes()

    with FingerprintCache(path, RECIPE) as cache:
        assert not cache.enabled
        assert len(cache.warnings) == 1 and "not a dupfinder cache" in cache.warnings[0]
        fill(cache, 2)
    with pytest.raises(NotACacheError, match="not a dupfinder cache"):
        check_cache_path(path)

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["IMG_0001.jpg"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_a_symlink_at_the_cache_path_or_a_companion_is_never_written_through(tmp_path, suffix):
    path = tmp_path / "c.sqlite3"
    if suffix:  # an existing cache of ours, whose companion is a link
        with FingerprintCache(path, RECIPE) as cache:
            fill(cache, 1)
    target = tmp_path / "elsewhere" / "precious"
    target.parent.mkdir()
    os.symlink(target, f"{path}{suffix}")

    with FingerprintCache(path, RECIPE) as cache:
        assert not cache.enabled and "symbolic link" in cache.warnings[0]
        fill(cache, 2)
    with pytest.raises(NotACacheError, match="symbolic link"):
        check_cache_path(path)

    assert not os.path.lexists(target)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_cache_folder_is_0700_and_its_files_0600(tmp_path):
    own = paths.default_cache_path()
    for path in (own, tmp_path / "named" / "c.sqlite3"):
        with FingerprintCache(path, RECIPE) as cache:
            fill(cache, 3)
            for name in (path, f"{path}-wal", f"{path}-shm"):
                assert stat.S_IMODE(os.stat(name).st_mode) == 0o600, name
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


BAD_VALUES = {
    "a TEXT hash": "UPDATE fingerprints SET phash = 'ffffffffffffffff'",
    "a 9-byte hash": "UPDATE fingerprints SET dhash = zeroblob(9)",
    "an integer hash": "UPDATE fingerprints SET ahash = 12345",
    "a TEXT width": "UPDATE fingerprints SET width = 'wide'",
    "a REAL width": "UPDATE fingerprints SET width = 1.5",
    "short turned hashes": "UPDATE fingerprints SET turned = zeroblob(17)",
    "a BLOB date": "UPDATE fingerprints SET taken = x'00'",
}


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_a_row_with_wrongly_typed_values_is_a_miss_and_is_rewritten(tmp_path, bad):
    path = tmp_path / "c.sqlite3"
    with FingerprintCache(path, RECIPE) as cache:
        entries = fill(cache, 3)
    db = sqlite3.connect(path)
    db.execute(BAD_VALUES[bad] + " WHERE size_bytes = 1001")  # the second entry's row
    db.execute("UPDATE digests SET digest = 'text' WHERE size_bytes = 1001")
    db.commit()
    db.close()

    with FingerprintCache(path, RECIPE) as cache:
        assert cache.lookup(entries) == {0: fingerprint(0), 2: fingerprint(2)}
        assert set(cache.lookup_digests(entries)) == {0, 2}
        cache.store([(entries[1], fingerprint(1))])
        cache.store_digests([(entries[1], b"\x07" * 32)])
        assert cache.lookup(entries) == {i: fingerprint(i) for i in range(3)}
        assert cache.lookup_digests(entries)[1] == b"\x07" * 32
        assert cache.warnings == []


def test_failures_are_remembered_for_the_same_decoder_only(tmp_path):
    path = tmp_path / "c.sqlite3"
    a, b = entry("/p/a.jpg"), entry("/p/b.jpg")
    problem = Problem(a.path, ProblemKind.CORRUPT, "broken data")
    with FingerprintCache(path, RECIPE) as cache:
        cache.store_failures([(a, problem)], "Pillow 1")
    with FingerprintCache(path, RECIPE) as cache:
        assert cache.lookup_failures([b, a], "Pillow 1") == {1: problem}
        assert cache.lookup_failures([a], "Pillow 2") == {}
    with FingerprintCache(path, "test-recipe-2") as cache:
        assert cache.lookup_failures([a], "Pillow 1") == {}


SCHEMA_2 = (  # what dupfinder wrote before rows were keyed on ctime, device and inode
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE fingerprints (path BLOB PRIMARY KEY, size_bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " width INTEGER NOT NULL, height INTEGER NOT NULL, format TEXT NOT NULL, ahash BLOB NOT NULL,"
    " phash BLOB NOT NULL, dhash BLOB NOT NULL, whash BLOB NOT NULL, taken TEXT, turned BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE digests (path BLOB PRIMARY KEY, size_bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " digest BLOB NOT NULL) WITHOUT ROWID",
)


def test_a_schema_2_cache_from_the_previous_version_is_rebuilt_with_a_clear_warning(tmp_path):
    path = tmp_path / "c.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for statement in SCHEMA_2:
        db.execute(statement)
    db.execute("PRAGMA application_id = 1685418086")  # 0x64757066, "dupf"
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO meta VALUES ('recipe', ?)", (RECIPE,))
    db.execute(
        "INSERT INTO fingerprints VALUES (?, 1000, 5, 1, 1, 'PNG', x'00', x'00', x'00', x'00', NULL, x'')",
        (b"/p/a.jpg",),
    )
    db.close()
    check_cache_path(path)  # still provably ours

    with FingerprintCache(path, RECIPE) as cache:
        assert cache.enabled
        assert cache.warnings == [
            f"the fingerprint cache had schema version 2, not {SCHEMA_VERSION}; rebuilt"
            " (its photos are fingerprinted again once)"
        ]
        assert cache.lookup([entry("/p/a.jpg")]) == {}
        entries = fill(cache, 2)
    with FingerprintCache(path, RECIPE) as cache:
        assert cache.warnings == [] and len(cache.lookup(entries)) == 2


def test_a_new_cache_keeps_whole_fingerprint_rows_in_its_pages(tmp_path):
    """A row with every turned and window hash (~1.1 KB) fits an 8 KB page; 4 KB pages put ~4 KB of overflow page
    beside each row."""
    rng = random.Random(4)
    path = tmp_path / "c.sqlite3"
    entries = [entry(f"/p/{i}.jpg", size_bytes=1000 + i) for i in range(2000)]
    with FingerprintCache(path, RECIPE) as cache:
        cache.store(
            (e, Fingerprint(4000, 3000, "JPEG", *(rng.getrandbits(64) for _ in range(4)), None,
                            rng.randbytes(56), rng.randbytes(56), rng.randbytes(416), rng.randbytes(416), 3.0))
            for e in entries
        )  # fmt: skip
        assert len(cache.lookup(entries)) == 2000
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA page_size").fetchone()[0] == 8192
    assert path.stat().st_size < 2000 * 1600
