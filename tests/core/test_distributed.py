"""Fingerprinting on a Dask LocalCluster gives what the local engine gives, file by file (skipped without Dask)."""

from __future__ import annotations

import os

import pytest

from dupfinder.core.fingerprint import fingerprint_files
from dupfinder.core.models import FileEntry, Problem
from dupfinder.core.progress import CancelToken, ScanCancelled

distributed = pytest.importorskip("distributed")

from dupfinder.distributed import BATCH_FILES, LOCAL, DaskUnavailable, fingerprint_files_on_dask  # noqa: E402


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
    remote = dict(fingerprint_files_on_dask(entries, cluster.scheduler_address, progress=events.append))
    assert remote.keys() == local.keys() == set(range(len(entries)))
    assert remote == local
    assert isinstance(remote[len(entries) - 1], Problem)
    assert events[-1].done == events[-1].total == len(entries)


def test_a_local_cluster_of_processes_fingerprints_too(photos):
    entries = entries_for(photos[:3])
    assert dict(fingerprint_files_on_dask(entries, LOCAL)) == dict(fingerprint_files(entries, workers=1))


def test_cancel_stops_and_raises(cluster, photos):
    cancel = CancelToken()
    results = fingerprint_files_on_dask(entries_for(photos), cluster.scheduler_address, cancel=cancel)
    first = next(results)
    cancel.cancel()
    with pytest.raises(ScanCancelled):
        list(results)
    assert first[0] in range(len(photos))


def test_an_unreachable_scheduler_is_a_clear_error(photos):
    with pytest.raises(DaskUnavailable, match="cannot reach the Dask scheduler"):
        list(fingerprint_files_on_dask(entries_for(photos[:1]), "tcp://127.0.0.1:9", connect_timeout_s=1))
