"""Discovery: filters, one entry per real file, symlinks, loops, problems, protection, trash, odd names."""

from __future__ import annotations

import os
import sys

import pytest

from dupfinder.core.discovery import discover, is_trash_folder_name
from dupfinder.core.models import ProblemKind
from dupfinder.core.options import ScanOptions
from dupfinder.core.progress import CancelToken, ScanCancelled, ScanStage

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX symlinks / bytes names")


def make(path, size: int = 10) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"x" * size)
    return str(path)


def scan(*roots, **kwargs):
    return discover(ScanOptions(roots=tuple(str(r) for r in roots), **kwargs))


def paths_of(entries) -> list[str]:
    return [e.path for e in entries]


def test_extension_filter_is_case_insensitive_and_min_size_applies(tmp_path):
    make(tmp_path / "a.jpg")
    make(tmp_path / "b.JPEG")
    make(tmp_path / "c.png", size=3)
    make(tmp_path / "d.txt")
    make(tmp_path / "jpg")
    make(tmp_path / ".jpg")  # a hidden file without a suffix, as pathlib sees it
    entries, problems = scan(tmp_path, min_size_bytes=5)
    assert paths_of(entries) == [str(tmp_path / "a.jpg"), str(tmp_path / "b.JPEG")]
    assert problems == []
    entries, _ = scan(tmp_path, extensions=frozenset({"PNG"}))
    assert paths_of(entries) == [str(tmp_path / "c.png")]


def test_entries_carry_size_mtime_and_identity(tmp_path):
    path = make(tmp_path / "a.jpg", size=123)
    os.utime(path, ns=(1_600_000_000_123_456_789, 1_600_000_000_123_456_789))
    (entry,), _ = scan(tmp_path)
    st = os.stat(path)
    assert (entry.path, entry.size_bytes, entry.mtime_ns) == (path, 123, 1_600_000_000_123_456_789)
    assert entry.identity == (st.st_dev, st.st_ino)
    assert entry.protected is False


def test_overlapping_and_repeated_roots_count_each_file_once(tmp_path):
    make(tmp_path / "a" / "top.jpg")
    make(tmp_path / "a" / "sub" / "inner.jpg")
    entries, problems = scan(tmp_path / "a" / "sub", tmp_path / "a", tmp_path / "a" / "sub")
    assert paths_of(entries) == [str(tmp_path / "a" / "top.jpg"), str(tmp_path / "a" / "sub" / "inner.jpg")]
    assert problems == []


def test_files_come_before_subfolders_in_sorted_order(tmp_path):
    for rel in ("b/2.jpg", "b/1.jpg", "z.jpg", "a/x.jpg", "a/c/y.jpg"):
        make(tmp_path / rel)
    entries, _ = scan(tmp_path)
    assert paths_of(entries) == [str(tmp_path / rel) for rel in ("z.jpg", "a/x.jpg", "a/c/y.jpg", "b/1.jpg", "b/2.jpg")]


@posix_only
def test_hardlinks_give_one_entry_first_sorted_name_wins(tmp_path):
    make(tmp_path / "b.jpg")
    os.link(tmp_path / "b.jpg", tmp_path / "a.jpg")
    os.link(tmp_path / "b.jpg", tmp_path / "c.jpg")
    entries, _ = scan(tmp_path)
    assert paths_of(entries) == [str(tmp_path / "a.jpg")]


@posix_only
def test_symlinked_folder_counts_once_and_the_real_path_wins(tmp_path):
    make(tmp_path / "real" / "x.jpg")
    os.symlink(tmp_path / "real", tmp_path / "a_link")  # sorts before "real"
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    make(outside / "o.jpg")
    os.symlink(outside, tmp_path / "b_out")
    entries, problems = scan(tmp_path)
    assert paths_of(entries) == [str(tmp_path / "real" / "x.jpg"), str(tmp_path / "b_out" / "o.jpg")]
    assert problems == []


@posix_only
def test_symlinked_file_counts_once_and_the_real_path_wins(tmp_path):
    make(tmp_path / "z" / "real.jpg")
    os.symlink(tmp_path / "z" / "real.jpg", tmp_path / "a.jpg")
    entries, _ = scan(tmp_path)
    assert paths_of(entries) == [str(tmp_path / "z" / "real.jpg")]


@posix_only
def test_not_following_symlinks_skips_linked_files_and_folders(tmp_path):
    make(tmp_path / "root" / "x.jpg")
    outside = make(tmp_path / "outside" / "o.jpg")
    os.symlink(tmp_path / "outside", tmp_path / "root" / "dirlink")
    os.symlink(outside, tmp_path / "root" / "filelink.jpg")
    entries, problems = scan(tmp_path / "root", follow_symlinks=False)
    assert paths_of(entries) == [str(tmp_path / "root" / "x.jpg")]
    assert problems == []
    entries, _ = scan(tmp_path / "root", follow_symlinks=True)
    assert len(entries) == 2


@posix_only
def test_symlink_to_an_ancestor_is_reported_once_and_the_walk_ends(tmp_path):
    make(tmp_path / "a" / "x.jpg")
    make(tmp_path / "a" / "b" / "y.jpg")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "up")
    os.symlink(".", tmp_path / "a" / "self")
    entries, problems = scan(tmp_path)
    assert paths_of(entries) == [str(tmp_path / "a" / "x.jpg"), str(tmp_path / "a" / "b" / "y.jpg")]
    assert sorted((p.path, p.kind) for p in problems) == [
        (str(tmp_path / "a" / "b" / "up"), ProblemKind.SYMLINK_LOOP),
        (str(tmp_path / "a" / "self"), ProblemKind.SYMLINK_LOOP),
    ]


@posix_only
def test_self_referencing_and_dangling_symlinks_are_problems(tmp_path):
    make(tmp_path / "ok.jpg")
    os.symlink("loop.jpg", tmp_path / "loop.jpg")
    os.symlink(tmp_path / "gone.jpg", tmp_path / "dangling.jpg")
    entries, problems = scan(tmp_path)
    assert paths_of(entries) == [str(tmp_path / "ok.jpg")]
    kinds = {p.path: p.kind for p in problems}
    assert kinds == {
        str(tmp_path / "loop.jpg"): ProblemKind.SYMLINK_LOOP,
        str(tmp_path / "dangling.jpg"): ProblemKind.MISSING,
    }


@posix_only
def test_unreadable_folder_is_a_problem_and_the_walk_goes_on(tmp_path):
    make(tmp_path / "a" / "x.jpg")
    make(tmp_path / "b" / "y.jpg")
    make(tmp_path / "c" / "z.jpg")
    os.chmod(tmp_path / "b", 0)
    try:
        if os.access(tmp_path / "b", os.R_OK):
            pytest.skip("this user reads any folder (root)")
        entries, problems = scan(tmp_path)
    finally:
        os.chmod(tmp_path / "b", 0o755)
    assert paths_of(entries) == [str(tmp_path / "a" / "x.jpg"), str(tmp_path / "c" / "z.jpg")]
    assert [(p.path, p.kind) for p in problems] == [(str(tmp_path / "b"), ProblemKind.FOLDER_UNREADABLE)]


def test_missing_root_and_file_roots(tmp_path):
    photo = make(tmp_path / "single.jpg")
    text = make(tmp_path / "notes.txt")
    entries, problems = scan(tmp_path / "nope", photo, text)
    assert paths_of(entries) == [photo]
    assert {(p.path, p.kind) for p in problems} == {
        (str(tmp_path / "nope"), ProblemKind.MISSING),
        (text, ProblemKind.UNSUPPORTED),
    }


@posix_only
def test_fifo_with_an_image_name_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.jpg")
    make(tmp_path / "x.jpg")
    entries, problems = scan(tmp_path)
    assert paths_of(entries) == [str(tmp_path / "x.jpg")]
    assert problems == []


def test_protected_roots(tmp_path):
    make(tmp_path / "keep" / "k.jpg")
    make(tmp_path / "keep" / "deep" / "d.jpg")
    make(tmp_path / "keeper" / "not.jpg")  # shares a prefix with "keep" but is not under it
    make(tmp_path / "other" / "o.jpg")
    entries, _ = scan(tmp_path, protected_roots=(str(tmp_path / "keep"),))
    assert {os.path.relpath(e.path, tmp_path): e.protected for e in entries} == {
        os.path.join("keep", "k.jpg"): True,
        os.path.join("keep", "deep", "d.jpg"): True,
        os.path.join("keeper", "not.jpg"): False,
        os.path.join("other", "o.jpg"): False,
    }


@posix_only
def test_protected_roots_compare_resolved_paths(tmp_path):
    make(tmp_path / "photos" / "keep" / "k.jpg")
    make(tmp_path / "photos" / "other" / "o.jpg")
    os.symlink(tmp_path / "photos" / "keep", tmp_path / "keep-link")
    # Protected through a symlink, scanned through the real path.
    entries, _ = scan(tmp_path / "photos", protected_roots=(str(tmp_path / "keep-link"),))
    assert {e.path: e.protected for e in entries} == {
        str(tmp_path / "photos" / "keep" / "k.jpg"): True,
        str(tmp_path / "photos" / "other" / "o.jpg"): False,
    }
    # Protected by the real path, scanned through a symlinked root.
    os.symlink(tmp_path / "photos", tmp_path / "photos-link")
    entries, _ = scan(tmp_path / "photos-link", protected_roots=(str(tmp_path / "photos" / "keep"),))
    assert {e.path: e.protected for e in entries} == {
        str(tmp_path / "photos-link" / "keep" / "k.jpg"): True,
        str(tmp_path / "photos-link" / "other" / "o.jpg"): False,
    }


def test_trash_and_own_cache_folders_are_skipped(tmp_path, isolated_home):
    home = isolated_home
    make(home / "Pictures" / "a.jpg")
    make(home / ".local" / "share" / "Trash" / "files" / "trashed.jpg")
    make(home / ".cache" / "dupfinder" / "thumb.jpg")
    make(home / "usb" / ".Trash-1000" / "files" / "t.jpg")
    make(home / "usb" / ".Trash" / "t.jpg")
    make(home / "usb" / "$RECYCLE.BIN" / "t.jpg")
    make(home / "usb" / "b.jpg")
    entries, problems = scan(home)
    assert sorted(paths_of(entries)) == [str(home / "Pictures" / "a.jpg"), str(home / "usb" / "b.jpg")]
    assert problems == []


def test_trash_folder_names():
    assert all(map(is_trash_folder_name, [".Trash", ".Trash-1000", "$RECYCLE.BIN", "$Recycle.Bin"]))
    assert not any(map(is_trash_folder_name, ["Trash", "trash-can", ".Trashy"]))


def test_odd_names(tmp_path):
    names = ["照片 一.jpg", "Фото.jpg", "🎉 party.png", "  spaced  name .jpg", "x'quote\".jpg"]
    for name in names:
        make(tmp_path / "文件夹 ✓" / name)
    entries, problems = scan(tmp_path)
    assert sorted(os.path.basename(p) for p in paths_of(entries)) == sorted(names)
    assert all(os.path.getsize(e.path) == e.size_bytes for e in entries)
    assert problems == []


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are arbitrary bytes")
def test_name_that_is_not_utf8(tmp_path):
    folder = os.fsencode(tmp_path) + b"/bad\xff dir"
    os.mkdir(folder)
    fd = os.open(folder + b"/caf\xe9.jpg", os.O_CREAT | os.O_WRONLY, 0o644)
    os.write(fd, b"data")
    os.close(fd)
    (entry,), problems = scan(tmp_path)
    assert problems == []
    assert os.fsencode(entry.path) == folder + b"/caf\xe9.jpg"
    assert entry.size_bytes == 4
    assert os.stat(entry.path).st_ino == entry.ino


def test_deep_tree_walks_without_recursion(tmp_path):
    depth = sys.getrecursionlimit() + 200
    deep = str(tmp_path)
    for _ in range(depth):  # os.makedirs itself recurses
        deep = os.path.join(deep, "d")
        os.mkdir(deep)
    make(os.path.join(deep, "bottom.jpg"))
    try:
        entries, _ = scan(tmp_path)
        assert paths_of(entries) == [os.path.join(deep, "bottom.jpg")]
    finally:  # pytest's own clean-up (shutil.rmtree) recurses and would fail on this tree
        os.remove(os.path.join(deep, "bottom.jpg"))
        while deep != str(tmp_path):
            os.rmdir(deep)
            deep = os.path.dirname(deep)


@posix_only
def test_deterministic_whatever_the_root_order(tmp_path):
    for i in range(30):
        make(tmp_path / f"r{i % 3}" / f"s{i % 5}" / f"f{i}.jpg")
    os.link(tmp_path / "r0" / "s0" / "f0.jpg", tmp_path / "r2" / "s0" / "hard.jpg")
    os.symlink(tmp_path / "r1", tmp_path / "r2" / "link")
    roots = [tmp_path / "r2", tmp_path / "r0", tmp_path / "r1"]
    first = scan(*roots)
    assert scan(*reversed(roots)) == first
    assert len(first[0]) == 30


def test_progress_and_cancel(tmp_path):
    for i in range(5):
        make(tmp_path / f"{i}.jpg")
    events = []
    entries, _ = discover(ScanOptions(roots=(str(tmp_path),)), progress=events.append)
    assert events and all(e.stage is ScanStage.DISCOVERING and e.total is None for e in events)
    assert events[-1].done == len(entries) == 5
    token = CancelToken()
    token.cancel()
    with pytest.raises(ScanCancelled):
        discover(ScanOptions(roots=(str(tmp_path),)), cancel=token)
