"""Fingerprinting on a Dask LocalCluster gives what the local engine gives, file by file (skipped without Dask)."""

from __future__ import annotations

import os

import pytest

from dupfinder.core.fingerprint import fingerprint_files
from dupfinder.core.models import FileEntry, Problem
from dupfinder.core.progress import CancelToken, ScanCancelled

distributed = pytest.importorskip("distributed")

from dupfinder.core.distributed import BATCH_FILES, LOCAL, DaskUnavailable, fingerprint_files_on_dask  # noqa: E402


def entries_for(paths) -> list[FileEntry]:
    out = []
    for path in paths:
        st = os.stat(path)
        out.append(FileEntry(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, False, st.st_ctime_ns))
    return out


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as local:
        yield local


@pytest.fixture
def photos(tmp_path, make_photo):
    paths = [make_photo(tmp_path / f"p{i:02d}.jpg", i % 5, (160 + i, 120)) for i in range(BATCH_FILES + 7)]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")
    return [*paths, broken]


def test_cluster_results_equal_local_results_for_every_file(cluster, photos):
    entries = entries_for(photos)
    local = dict(fingerprint_files(entries, workers=1))
    events = []
    remote = dict(fingerprint_files_on_dask(entries, scheduler=cluster.scheduler_address, progress=events.append))
    assert remote.keys() == local.keys() == set(range(len(entries)))
    assert remote == local
    assert isinstance(remote[len(entries) - 1], Problem)
    assert events[-1].done == events[-1].total == len(entries)


def test_a_local_cluster_of_processes_fingerprints_too(photos):
    entries = entries_for(photos[:3])
    assert dict(fingerprint_files_on_dask(entries, scheduler=LOCAL)) == dict(fingerprint_files(entries, workers=1))


def test_cancel_stops_and_raises(cluster, photos):
    cancel = CancelToken()
    results = fingerprint_files_on_dask(entries_for(photos), scheduler=cluster.scheduler_address, cancel=cancel)
    first = next(results)
    cancel.cancel()
    with pytest.raises(ScanCancelled):
        list(results)
    assert first[0] in range(len(photos))


def test_an_unreachable_scheduler_is_a_clear_error(photos):
    with pytest.raises(DaskUnavailable, match="cannot reach the Dask scheduler"):
        list(fingerprint_files_on_dask(entries_for(photos[:1]), scheduler="tcp://127.0.0.1:9", connect_timeout_s=1))


def test_a_scan_on_the_cluster_groups_like_a_local_scan_and_fills_the_same_cache(cluster, tmp_path, make_photo):
    from dupfinder.core.grouping import regroup
    from dupfinder.core.options import ScanOptions
    from dupfinder.core.scanner import run_scan

    for seed in range(3):
        make_photo(tmp_path / "lib" / f"p{seed}.jpg", seed, (400, 300), quality=92)
        make_photo(tmp_path / "lib" / "copies" / f"p{seed}.png", seed, (200, 150))
    cache, roots = str(tmp_path / "cache.sqlite3"), (str(tmp_path / "lib"),)
    remote = run_scan(ScanOptions(roots=roots, cache_path=cache, dask_scheduler=cluster.scheduler_address))
    local = run_scan(ScanOptions(roots=roots, use_cache=False))

    def groups(result):
        return sorted(sorted(result.images[i].path for i in g.images) for g in regroup(result, 12))

    assert groups(remote) == groups(local) and len(groups(remote)) == 3
    again = run_scan(ScanOptions(roots=roots, cache_path=cache))
    assert again.stats.images_from_cache == 6 and again.stats.images_fingerprinted == 0


def test_cli_dask_with_an_unreachable_scheduler_exits_2(tmp_path, make_photo, capsys, monkeypatch):
    from dupfinder import cli
    from dupfinder.core import distributed as module

    make_photo(tmp_path / "lib" / "a.jpg", 1)
    real = module.fingerprint_files_on_dask
    monkeypatch.setattr(module, "fingerprint_files_on_dask", lambda *a, **k: real(*a, **{**k, "connect_timeout_s": 1}))
    code = cli.main(["scan", str(tmp_path / "lib"), "--dask", "tcp://127.0.0.1:9", "--no-progress", "--no-cache"])
    assert code == 2 and "cannot reach the Dask scheduler" in capsys.readouterr().err
