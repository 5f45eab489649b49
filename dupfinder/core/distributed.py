"""Fingerprinting on a Dask cluster, for libraries that one machine decodes too slowly (`dupfinder[dask]`).

Only the decoding moves: the client discovers the files, reads and writes the cache, finds the pairs and groups
them exactly as a local scan does, so results are the same whichever machine decoded a file. The workers must see
the files at the same paths (a shared mount). Work goes out in batches of files; each worker fingerprints its batch
with the local engine (same decoder, same per-file time limit), so a slow or hostile file costs one worker one
time limit, not the scan.

`scheduler` is a scheduler address (`tcp://host:8786`) or "local" for a LocalCluster on this machine, bound to the
loopback interface (its dashboard too, on a free port).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from dupfinder.core.fingerprint import fingerprint_files
from dupfinder.core.models import FileEntry, Fingerprint, Problem, ProblemKind
from dupfinder.core.progress import CancelToken, ProgressCallback, ProgressMeter, ScanCancelled, ScanStage

log = logging.getLogger(__name__)

LOCAL = "local"
BATCH_FILES = 32  # files per task: large enough to amortise scheduling, small enough to spread and cancel quickly
_POLL_S = 0.1  # how often the client looks at the cancel token while waiting for batches


class DaskUnavailable(RuntimeError):
    """The Dask extra is not installed, or the scheduler cannot be reached."""


def fingerprint_batch(entries: Sequence[FileEntry], timeout_s: float) -> list[tuple[int, Fingerprint | Problem]]:
    """Runs on a worker: the local engine on one batch, one file at a time (Dask's threads give the parallelism)."""
    return list(fingerprint_files(entries, workers=1, timeout_s=timeout_s))


def fingerprint_files_on_dask(
    entries: Sequence[FileEntry],
    *,
    scheduler: str,
    timeout_s: float = 30.0,
    connect_timeout_s: float = 20.0,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[int, Fingerprint | Problem]]:
    """Yield (index into entries, Fingerprint or Problem) as batches complete on the cluster, like
    `fingerprint_files`. Cancelling cancels the batches still queued and raises ScanCancelled after yielding the
    finished ones. Raises DaskUnavailable when the extra is missing or the scheduler does not answer."""
    try:
        from distributed import Client, LocalCluster, wait
    except ImportError as exc:
        raise DaskUnavailable('Dask is not installed: pip install "dupfinder[dask]"') from exc
    meter = ProgressMeter(ScanStage.FINGERPRINTING, len(entries), progress)
    if not entries:
        meter.finish()
        return
    cluster = (
        LocalCluster(host="127.0.0.1", dashboard_address="127.0.0.1:0", processes=True) if scheduler == LOCAL else None
    )
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, timeout=f"{connect_timeout_s}s")
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            starts = range(0, len(entries), BATCH_FILES)
            futures = {
                client.submit(fingerprint_batch, list(entries[s : s + BATCH_FILES]), timeout_s, pure=False): s
                for s in starts
            }
            pending = set(futures)
            while pending:
                if cancel is not None and cancel.cancelled:
                    client.cancel(list(pending))
                    raise ScanCancelled()
                try:
                    done, pending = wait(pending, timeout=_POLL_S, return_when="FIRST_COMPLETED")
                except TimeoutError:  # nothing finished within the poll interval
                    continue
                for future in done:
                    start = futures[future]
                    for offset, result in _batch_results(future, entries[start : start + BATCH_FILES]):
                        meter.advance(1, entries[start + offset].path)
                        yield start + offset, result
    finally:
        if cluster is not None:
            cluster.close()
    meter.finish()


def _batch_results(future, batch: Sequence[FileEntry]) -> list[tuple[int, Fingerprint | Problem]]:
    """A finished batch's results; a batch whose worker failed (died, lost) reports each of its files."""
    try:
        return future.result()
    except Exception as exc:  # the worker's failure is these files' problem, not the scan's
        log.warning("a Dask batch of %d files failed: %s", len(batch), exc)
        detail = f"the Dask worker failed: {type(exc).__name__}: {exc}"
        return [(k, Problem(entry.path, ProblemKind.UNREADABLE, detail)) for k, entry in enumerate(batch)]
