""" "Is this photo already here?": the copies of query photos among folders (through the fingerprint cache) or in a
fingerprint library, best match first; and `index`, which builds or updates a library incrementally.

How a match is decided (the one seam where a confirmation stage plugs in):

1. `candidates()` (search.py) takes the query's hashes and the stored hashes and returns every stored fingerprint
   within the threshold by the scan's own rule: alike in every part of the hash kind, at the largest part distance.
2. Against folders (`find --in`, the app's "Find copies"), whose files can be read, the decision is the scan's own:
   `proposals()` picks every file that any of the scan's candidate routes could pair with the query (whole picture,
   mirrored/turned, crop windows both ways, the same window), and the scan's matching (core/matching: candidates,
   then the second measure, then the threshold's rule) runs on the query and that file, so a crop, a mirrored or a
   turned copy is found and a merely similar picture is not; the label is the scan's ("cropped (12 %)", …).
   Against a library (`find --db`), whose files are not read, `confirm()` decides by the hashes alone and labels
   "identical bytes" (equal BLAKE2b content digests), "the same file" or "similar (N % alike)".
3. Pairs the user said are not duplicates (core/ignore.py) are dropped.

Nothing here moves, renames or writes a photo: folders and queries are only read; `index` writes the library file.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dupfinder.core.cache import FingerprintCache
from dupfinder.core.discovery import discover
from dupfinder.core.fingerprint import FINGERPRINT_RECIPE, content_digest, fingerprint_file, fingerprint_files
from dupfinder.core.grouping import usable_pairs
from dupfinder.core.ignore import IgnoreList, IgnoreListError
from dupfinder.core.library.search import Candidate, candidates
from dupfinder.core.library.store import HASH_NAMES, FingerprintLibrary, LibraryError, LibraryRow
from dupfinder.core.matching.candidates import (
    PARTIAL_DHASH_BITS,
    PARTIAL_RADIUS_BITS,
    TURNED_RADIUS_BITS,
    WINDOW_RADIUS_BITS,
    hash_table,
)
from dupfinder.core.matching.differences import describe
from dupfinder.core.matching.pipeline import CONFIRM_PLAIN_BITS, matched_pairs
from dupfinder.core.models import FileEntry, Fingerprint, ImageRecord, Problem, ProblemKind
from dupfinder.core.options import HashKind, ScanOptions, similarity_percent
from dupfinder.core.progress import CancelToken, ProgressCallback

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Query:
    """A photo to look for: its file, fingerprint and content digest."""

    path: str
    fingerprint: Fingerprint
    digest: bytes | None
    identity: tuple[int, int] | None  # (dev, ino)
    size_bytes: int


@dataclass(frozen=True, slots=True)
class Stored:
    """A fingerprinted file the query is compared with (a folder's image or a library row)."""

    path: str
    size_bytes: int
    width: int
    height: int
    format: str
    hashes: tuple[int, int, int, int]  # aHash, pHash, dHash, wHash
    digest: bytes | None
    identity: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Match:
    """A copy of the query: how alike (to the query) and how it differs."""

    path: str
    distance_bits: int
    similarity: float
    identical: bool  # byte-identical (equal content digests)
    differs: str  # "identical bytes", "the same file", "similar (97 % alike)", "mirrored or turned (…)"
    width: int
    height: int
    size_bytes: int
    format: str


@dataclass(frozen=True, slots=True)
class QueryResult:
    path: str
    matches: tuple[Match, ...] = ()
    problem: Problem | None = None  # the query could not be read: it has no match
    query: Query | None = None  # the query as read (None when it could not be)


@dataclass(frozen=True, slots=True)
class FindReport:
    queries: tuple[QueryResult, ...]
    hash_name: str
    threshold_bits: int
    searched: int  # fingerprints compared with each query
    decoded: int = 0  # folder files decoded for this run (queries not counted)
    from_cache: int = 0  # folder files whose fingerprint came from the cache
    problems: tuple[Problem, ...] = ()  # folder files that could not be read
    warnings: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    source: str = ""  # the folders or the library searched

    @property
    def all_found(self) -> bool:
        return all(q.matches for q in self.queries)


# -- the seam ----------------------------------------------------------------------------------------------------
def confirm(query: Query, stored: Stored, candidate: Candidate, hash_bits: int) -> Match | None:
    """The decision on one candidate, and how it differs. See the module docstring: core/matching plugs in here."""
    identical = query.digest is not None and stored.digest is not None and query.digest == stored.digest
    similarity = similarity_percent(candidate.distance_bits, hash_bits)
    if query.identity is not None and query.identity == stored.identity:
        differs = "the same file"
    elif identical:
        differs = "identical bytes"
    elif candidate.turned:
        differs = f"mirrored or turned ({similarity:.0f} % alike)"
    else:
        differs = f"similar ({similarity:.0f} % alike)"
    return Match(
        stored.path, candidate.distance_bits, 100.0 if identical else similarity, identical, differs,
        stored.width, stored.height, stored.size_bytes, stored.format,
    )  # fmt: skip


def confirm_by_matching(query: Query, stored: ImageRecord, threshold: int) -> Match | None:
    """The scan's own decision on the query and one readable file (see the module docstring), with its label."""
    if query.identity is not None and query.identity == stored.file.identity:
        return _match(stored, 0, 100.0, False, "the same file")
    if query.digest is not None and query.digest == stored.digest:
        return _match(stored, 0, 100.0, True, "identical bytes")
    entry = FileEntry(query.path, query.size_bytes, 0, *(query.identity or (0, 0)))
    pair = (ImageRecord(entry, query.fingerprint, query.digest), ImageRecord(stored.file, stored.fingerprint))
    pairs = matched_pairs(pair, max(threshold, CONFIRM_PLAIN_BITS), workers=1)
    usable = np.flatnonzero(usable_pairs(pairs, threshold))
    if not len(usable):
        return None
    row = int(usable[0])
    distance = int(pairs.distance_bits[row])
    similarity = similarity_percent(min(distance, HashKind.PHASH_DHASH.bits), HashKind.PHASH_DHASH.bits)
    return _match(stored, distance, similarity, False, describe(pair, pairs, row, 0, 1))


def _match(stored: ImageRecord, distance: int, similarity: float, identical: bool, differs: str) -> Match:
    fp = stored.fingerprint
    return Match(stored.path, distance, similarity, identical, differs, fp.width, fp.height, stored.file.size_bytes,
                 fp.format)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HashTables:
    """The folder's hashes as arrays, built once per `find` and shared by its queries."""

    phash: np.ndarray  # (n,) uint64
    dhash: np.ndarray
    turned_phash: np.ndarray | None  # (n, 7) uint64, None when no image has them
    turned_dhash: np.ndarray | None
    window_phash: np.ndarray | None  # (n, windows)
    window_dhash: np.ndarray | None

    @classmethod
    def of(cls, images: Sequence[ImageRecord]) -> HashTables:
        def column(name: str) -> np.ndarray:
            return np.fromiter((getattr(im.fingerprint, name) for im in images), np.uint64, len(images))

        names = ("turned_phash", "turned_dhash", "window_phash", "window_dhash")
        return cls(column("phash"), column("dhash"), *(_table(images, name) for name in names))


def proposals(query: Fingerprint, tables: HashTables, threshold: int) -> np.ndarray:
    """Positions of the images any candidate route of the scan (matching/candidates.py) could pair with the query:
    whole picture within the threshold (pHash and dHash), mirrored or turned either way, a crop window of either
    against the other's whole picture, or the same window of both. A superset: the matching decides."""

    def bits(values: np.ndarray, value: int) -> np.ndarray:
        return np.bitwise_count(values ^ np.uint64(value)).astype(np.int64)

    phash, dhash = tables.phash, tables.dhash
    hit = np.maximum(bits(phash, query.phash), bits(dhash, query.dhash)) <= threshold
    for turned_p, turned_d in zip(query.turned_phash, query.turned_dhash, strict=True):
        hit |= np.maximum(bits(phash, turned_p), bits(dhash, turned_d)) <= TURNED_RADIUS_BITS
    for value in query.window_phash:
        hit |= bits(phash, value) <= WINDOW_RADIUS_BITS
    if tables.turned_phash is not None and tables.turned_dhash is not None:
        d = np.maximum(bits(tables.turned_phash, query.phash), bits(tables.turned_dhash, query.dhash))
        hit |= (d <= TURNED_RADIUS_BITS).any(axis=1)
    window_p, window_d = tables.window_phash, tables.window_dhash
    if window_p is not None and window_d is not None:
        hit |= (bits(window_p, query.phash) <= WINDOW_RADIUS_BITS).any(axis=1)
        if len(query.window_phash) == window_p.shape[1]:
            same_p = np.bitwise_count(window_p ^ query.window_phash.array[None, :])
            same_d = np.bitwise_count(window_d ^ query.window_dhash.array[None, :])
            hit |= ((same_p <= PARTIAL_RADIUS_BITS) & (same_d <= PARTIAL_DHASH_BITS)).any(axis=1)
    return np.flatnonzero(hit)


def _table(images: Sequence[ImageRecord], name: str) -> np.ndarray | None:
    """candidates.py's table of a per-image hash tuple, a row without it (cached before it existed) all ones, which
    no hash of an ordinary picture comes near at these radii."""
    table = hash_table(images, name)
    return None if table is None else np.ma.filled(table, np.uint64(2**64 - 1))


def _order(match: Match) -> tuple:
    return (not match.identical, match.distance_bits, -match.width * match.height, match.path)


# -- queries -----------------------------------------------------------------------------------------------------
def read_query(path: str) -> Query | Problem:
    """Decode and digest one query photo (the only decoding a `find` against an unchanged library does)."""
    from dupfinder.core.fingerprint import FingerprintError

    try:
        st = os.stat(path)
        fingerprint = fingerprint_file(path)
        digest = content_digest(path)
    except FingerprintError as exc:
        return Problem(path, exc.kind, exc.detail)
    except FileNotFoundError:
        return Problem(path, ProblemKind.MISSING, "no such file")
    except OSError as exc:
        return Problem(path, ProblemKind.UNREADABLE, exc.strerror or str(exc))
    return Query(path, fingerprint, digest, (st.st_dev, st.st_ino), st.st_size)


def _query_hashes(query: Query, hash_kind: HashKind, turned: bool) -> tuple[tuple[int, ...], list[tuple[int, ...]]]:
    upright = hash_kind.hashes(query.fingerprint)
    if not turned:
        return upright, []
    per_part = [getattr(query.fingerprint, f"turned_{part}") for part in hash_kind.parts]
    return upright, [tuple(values) for values in zip(*per_part, strict=True)]


def _search(
    queries: Sequence[Query | Problem],
    columns: dict[str, np.ndarray],
    stored_at: Callable[[Sequence[int]], dict[int, Stored]],
    hash_kind: HashKind,
    threshold: int,
    turned: bool,
    ignore_list: IgnoreList,
) -> list[QueryResult]:
    parts = [columns[part] for part in hash_kind.parts]
    results = []
    for query in queries:
        if isinstance(query, Problem):
            results.append(QueryResult(query.path, (), query))
            continue
        upright, turned_hashes = _query_hashes(query, hash_kind, turned)
        found = candidates(upright, parts, threshold, turned_query=turned_hashes)
        stored = stored_at([c.index for c in found])
        matches = []
        query_content = (content_key(query.fingerprint), query.digest)
        for candidate in found:
            item = stored[candidate.index]
            if ignore_list.decisions and ignore_list.separates(query_content, (item.hashes, item.digest)):
                continue
            match = confirm(query, item, candidate, hash_kind.bits)
            if match is not None:
                matches.append(match)
        results.append(QueryResult(query.path, tuple(sorted(matches, key=_order)), None, query))
    return results


def _search_by_matching(
    queries: Sequence[Query | Problem],
    images: Sequence[ImageRecord],
    digests: dict[int, bytes],
    threshold: int,
    ignore_list: IgnoreList,
) -> list[QueryResult]:
    """Each query against readable files, decided as the scan decides (see the module docstring)."""
    results = []
    tables = HashTables.of(images)
    for query in queries:
        if isinstance(query, Problem):
            results.append(QueryResult(query.path, (), query))
            continue
        query_content = (content_key(query.fingerprint), query.digest)
        matches = []
        same_bytes = {i for i, d in digests.items() if d == query.digest}
        for k in sorted(set(proposals(query.fingerprint, tables, threshold).tolist()) | same_bytes):
            image = dataclasses.replace(images[k], digest=digests.get(k))
            if ignore_list.decisions and ignore_list.separates(query_content, (content_key(image.fingerprint),
                                                                                image.digest)):  # fmt: skip
                continue
            match = confirm_by_matching(query, image, threshold)
            if match is not None:
                matches.append(match)
        results.append(QueryResult(query.path, tuple(sorted(matches, key=_order)), None, query))
    return results


def content_key(fp: Fingerprint) -> tuple[int, int, int, int]:
    """The hashes the ignore list knows a photo by."""
    return (fp.ahash, fp.phash, fp.dhash, fp.whash)


def _ignore_list(warnings: list[str]) -> IgnoreList:
    try:
        return IgnoreList.load()
    except IgnoreListError as exc:
        warnings.append(str(exc))
        return IgnoreList()


# -- against folders ---------------------------------------------------------------------------------------------
def find_in_folders(
    query_paths: Sequence[str],
    options: ScanOptions,
    threshold: int,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> FindReport:
    """The copies of each query among the image files under options.roots, fingerprinted through the cache (so an
    unchanged folder costs no decoding: only the queries are decoded)."""
    started = time.monotonic()
    cancel = cancel or CancelToken()
    queries = [read_query(path) for path in query_paths]
    images, problems, decoded, from_cache, warnings = fingerprint_folders(options, progress=progress, cancel=cancel)
    columns = {name: np.fromiter((getattr(im.fingerprint, name) for im in images), np.uint64, len(images))
               for name in HASH_NAMES}  # fmt: skip
    sizes_wanted = {q.size_bytes for q in queries if isinstance(q, Query)}
    digests = _digests_for_sizes(images, sizes_wanted, options)

    def stored_at(indices: Sequence[int]) -> dict[int, Stored]:
        return {i: _stored_from_image(images[i], digests.get(i)) for i in indices}

    ignore_list = _ignore_list(warnings)
    if options.confirm:
        results = _search_by_matching(queries, images, digests, threshold, ignore_list)
    else:
        results = _search(queries, columns, stored_at, options.hash_kind, threshold, options.match_turned, ignore_list)
    return FindReport(
        tuple(results), options.hash_kind.value, threshold, len(images), decoded, from_cache, tuple(problems),
        tuple(warnings), time.monotonic() - started, ", ".join(options.roots),
    )  # fmt: skip


def fingerprint_folders(
    options: ScanOptions, *, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
) -> tuple[list[ImageRecord], list[Problem], int, int, list[str]]:
    """(images, problems, decoded, from cache, warnings) for the files under options.roots: the scan's discovery and
    cache, without its pair search."""
    entries, problems = discover(options, progress=progress, cancel=cancel)
    images, decode_problems, decoded, from_cache, warnings = _fingerprint_entries(entries, options, progress, cancel)
    return images, sorted([*problems, *decode_problems], key=lambda p: p.path), decoded, from_cache, warnings


def _digests_for_sizes(images: Sequence[ImageRecord], sizes: set[int], options: ScanOptions) -> dict[int, bytes]:
    """Content digests of the images whose size is a query's size (only those can be byte-identical to one)."""
    wanted = [i for i, im in enumerate(images) if im.file.size_bytes in sizes]
    if not wanted:
        return {}
    cache = FingerprintCache(options.cache_path, FINGERPRINT_RECIPE) if options.use_cache else None
    try:
        known = cache.lookup_digests([images[i].file for i in wanted]) if cache else {}
        out = {wanted[k]: d for k, d in known.items()}
        computed = []
        for i in wanted:
            if i in out:
                continue
            try:
                out[i] = content_digest(images[i].path)
            except OSError as exc:
                log.warning("cannot read %s for its content digest: %s", images[i].path, exc)
                continue
            computed.append((images[i].file, out[i]))
        if cache:
            cache.store_digests(computed)
    finally:
        if cache:
            cache.close()
    return out


def _stored_from_image(image: ImageRecord, digest: bytes | None) -> Stored:
    fp = image.fingerprint
    return Stored(
        image.path, image.file.size_bytes, fp.width, fp.height, fp.format, content_key(fp),
        digest if digest is not None else image.digest, image.file.identity,
    )  # fmt: skip


# -- against a library -------------------------------------------------------------------------------------------
def find_in_library(
    query_paths: Sequence[str], library_path: str, hash_kind: HashKind, threshold: int, *, turned: bool = False
) -> FindReport:
    """The copies of each query among a library's fingerprints; the library's folders are not touched."""
    started = time.monotonic()
    with FingerprintLibrary.open(library_path, read_only=True) as library:
        if len(library) and library.recipe != FINGERPRINT_RECIPE:
            raise LibraryError(
                f"{library.path} was built with another fingerprint recipe; update it with: "
                f"dupfinder index --db {library_path}"
            )
        index = library.load_index()
        queries = [read_query(path) for path in query_paths]

        def stored_at(positions: Sequence[int]) -> dict[int, Stored]:
            rows = library.rows([int(index.ids[p]) for p in positions])
            return {p: _stored_from_row(rows[int(index.ids[p])]) for p in positions}

        warnings: list[str] = []
        ignore_list = _ignore_list(warnings)
        results = _search(queries, index.columns, stored_at, hash_kind, threshold, turned, ignore_list)
        return FindReport(
            tuple(results), hash_kind.value, threshold, len(index), warnings=tuple(warnings),
            elapsed_s=time.monotonic() - started, source=str(library.path),
        )  # fmt: skip


def _stored_from_row(row: LibraryRow) -> Stored:
    return Stored(
        row.path, row.size_bytes, row.width, row.height, row.format, (row.ahash, row.phash, row.dhash, row.whash),
        row.digest, (row.dev, row.ino),
    )  # fmt: skip


# -- building and updating a library -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IndexReport:
    library: str
    roots: tuple[str, ...]
    added: int
    updated: int
    removed: int
    unchanged: int
    total: int
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    decoded: int = 0
    from_cache: int = 0


def _under(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(os.path.join(root, "")) for root in roots)


def index_folders(
    library_path: str,
    options: ScanOptions,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> IndexReport:
    """Build or update the library at `library_path` from options.roots: new and changed files are fingerprinted
    (through the cache) and digested, rows of files gone from those folders are removed, other rows are kept.
    One transaction: an interrupted update leaves the library as it was. Folders are only read."""
    started = time.monotonic()
    with FingerprintLibrary.open_or_create(library_path) as library:
        known = library.identities()
        same_recipe = library.recipe == FINGERPRINT_RECIPE
        entries, problems = discover(options, progress=progress, cancel=cancel)
        current: list[FileEntry] = []
        for entry in entries:
            old = known.get(entry.path)
            unchanged = old is not None and same_recipe and old[1:] == (
                entry.size_bytes, entry.mtime_ns, entry.ino, entry.ctime_ns
            )  # fmt: skip
            if not unchanged:
                current.append(entry)
        images, decode_problems, decoded, from_cache, warnings = _fingerprint_entries(current, options, progress,
                                                                                      cancel)  # fmt: skip
        problems.extend(decode_problems)
        digests = _digest_entries([im.file for im in images], options, cancel)
        rows = [
            LibraryRow(
                im.path, im.file.size_bytes, im.file.mtime_ns, im.file.ctime_ns, im.file.dev, im.file.ino,
                im.fingerprint.width, im.fingerprint.height, im.fingerprint.format, im.fingerprint.taken,
                im.fingerprint.ahash, im.fingerprint.phash, im.fingerprint.dhash, im.fingerprint.whash,
                digests.get(k),
            )
            for k, im in enumerate(images)
        ]  # fmt: skip
        changed = {entry.path for entry in current}
        still_good = {entry.path for entry in entries if entry.path not in changed} | {row.path for row in rows}
        # Gone from the indexed folders, or changed into something that can no longer be fingerprinted: removed.
        delete = [old[0] for path, old in known.items() if _under(path, options.roots) and path not in still_good]
        roots = sorted(set(library.roots) | set(options.roots))
        library.apply(upsert=rows, delete_ids=delete, recipe=FINGERPRINT_RECIPE, roots=roots)
        added = sum(1 for row in rows if row.path not in known)
        total = len(library)
        return IndexReport(
            str(library.path), tuple(options.roots), added, len(rows) - added, len(delete),
            len(entries) - len(current), total, tuple(sorted(problems, key=lambda p: p.path)), tuple(warnings),
            time.monotonic() - started, decoded, from_cache,
        )  # fmt: skip


def library_roots(library_path: str) -> list[str]:
    with FingerprintLibrary.open(library_path, read_only=True) as library:
        return library.roots


def _fingerprint_entries(entries, options, progress, cancel):
    """fingerprint_folders' cache + decode step for a given list of entries."""
    cache = FingerprintCache(options.cache_path, FINGERPRINT_RECIPE) if options.use_cache else None
    problems: list[Problem] = []
    try:
        fingerprints = cache.lookup(entries) if cache else {}
        from_cache = len(fingerprints)
        todo = [i for i in range(len(entries)) if i not in fingerprints]
        fresh: list[tuple[FileEntry, Fingerprint]] = []
        try:
            for k, result in fingerprint_files(
                [entries[i] for i in todo], workers=options.workers, timeout_s=options.decode_timeout_s,
                progress=progress, cancel=cancel,
            ):  # fmt: skip
                if isinstance(result, Problem):
                    problems.append(result)
                else:
                    fingerprints[todo[k]] = result
                    fresh.append((entries[todo[k]], result))
        finally:
            if cache:
                cache.store(fresh)
        warnings = list(cache.warnings) if cache else []
    finally:
        if cache:
            cache.close()
    images = [ImageRecord(entries[i], fingerprints[i]) for i in sorted(fingerprints)]
    return images, problems, len(fresh), from_cache, warnings


def _digest_entries(entries: Sequence[FileEntry], options: ScanOptions, cancel: CancelToken | None) -> dict[int, bytes]:
    cache = FingerprintCache(options.cache_path, FINGERPRINT_RECIPE) if options.use_cache else None
    try:
        known = cache.lookup_digests(entries) if cache else {}
        computed = []
        for i, entry in enumerate(entries):
            if i in known:
                continue
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                known[i] = content_digest(entry.path)
            except OSError as exc:
                log.warning("cannot read %s for its content digest: %s", entry.path, exc)
                continue
            computed.append((entry, known[i]))
        if cache:
            cache.store_digests(computed)
    finally:
        if cache:
            cache.close()
    return known
