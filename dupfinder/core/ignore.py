""" "Not a duplicate": the user's decisions that some photos are not copies of each other, remembered by content.

A decision names two or more photos, each by its content: its four perceptual hashes (aHash, pHash, dHash, wHash,
exact values) and, when known, its BLAKE2b content digest. An image of a later scan *is* one of those photos when its
digest equals the photo's digest or its four hashes equal the photo's hashes, whatever its path: the decision
survives renames, moves and copies (a copy has the same bytes). Every pair of images that are two *different* photos
of one decision is dropped after the pair search and before grouping (`drop_ignored`, called once by the scanner),
so the CLI and the app never group them again; each still groups with its real duplicates. When both digests are
known they decide (a resized copy may have the very same hashes); an image of the scan without a digest whose
hashes equal a photo's is read once to get one. Photos of one decision that are the same content are recorded once:
byte-identical files cannot be "not duplicates".

The list lives in the user data folder (paths.data_dir()/ignored-pairs.json), a file of dupfinder's own (0600, never
written through a symlink, replaced atomically). A file there that is not a readable ignore list is never
overwritten: adding to it fails with the reason, and scans go on without it (with a warning).

A decision never touches a photo: adding one reads the photos (to fingerprint them), nothing else.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dupfinder.core import paths
from dupfinder.core.models import Fingerprint, ImageRecord, Pairs, ScanResult

log = logging.getLogger(__name__)

FORMAT_KEY = "dupfinder_ignore_list"
FORMAT_VERSION = 1
FILE_NAME = "ignored-pairs.json"
_HASHES = ("ahash", "phash", "dhash", "whash")


class IgnoreListError(OSError):
    """The ignore list cannot be read or written (the message says why); nothing was changed."""


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


@dataclass(frozen=True, slots=True)
class Photo:
    """One photo of a decision, by content; `path` is where it was when the decision was made (for display only)."""

    hashes: tuple[int, int, int, int]  # aHash, pHash, dHash, wHash
    digest: bytes | None
    path: str = ""

    @classmethod
    def of(cls, fingerprint: Fingerprint, digest: bytes | None, path: str = "") -> Photo:
        return cls(tuple(getattr(fingerprint, h) for h in _HASHES), digest, path)  # type: ignore[arg-type]

    def same_content(self, hashes: tuple[int, ...], digest: bytes | None) -> bool:
        """The same bytes when both digests are known (a resized copy can have equal hashes); else equal hashes."""
        if digest is not None and self.digest is not None:
            return digest == self.digest
        return hashes == self.hashes

    def to_json(self) -> dict:
        return {
            "path": self.path,
            **{name: f"{value:016x}" for name, value in zip(_HASHES, self.hashes, strict=True)},
            "digest": self.digest.hex() if self.digest is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> Photo:
        hashes = tuple(int(data[name], 16) for name in _HASHES)
        digest = bytes.fromhex(data["digest"]) if data.get("digest") else None
        return cls(hashes, digest, str(data.get("path", "")))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Decision:
    """These photos are not duplicates of each other (every pair of them)."""

    photos: tuple[Photo, ...]
    added: str  # local time, "YYYY-MM-DD HH:MM:SS"

    def to_json(self) -> dict:
        return {"added": self.added, "photos": [p.to_json() for p in self.photos]}

    @classmethod
    def from_json(cls, data: dict) -> Decision:
        return cls(tuple(Photo.from_json(p) for p in data["photos"]), str(data.get("added", "")))


def distinct_photos(photos: Iterable[Photo]) -> tuple[Photo, ...]:
    """The photos without repeats of the same content (first one wins)."""
    out: list[Photo] = []
    for photo in photos:
        if not any(p.same_content(photo.hashes, photo.digest) for p in out):
            out.append(photo)
    return tuple(out)


class IgnoreList:
    """The decisions, loaded from `path` (default: the user data folder). Not thread-safe; cheap to reload."""

    def __init__(self, decisions: Sequence[Decision] = (), path: str | os.PathLike | None = None) -> None:
        self.decisions: list[Decision] = list(decisions)
        self.path = Path(path) if path is not None else default_path()

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> IgnoreList:
        """The list at `path`; an empty one when there is no file yet. Raises IgnoreListError when unreadable."""
        target = Path(path) if path is not None else default_path()
        try:
            fd = paths.open_own_file(target, os.O_RDONLY)
        except FileNotFoundError:
            return cls((), target)
        except OSError as exc:
            raise IgnoreListError(f"the ignore list {target} cannot be opened: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(fd, "rb") as f:
                data = json.loads(f.read().decode("utf-8"))
            if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION:
                raise ValueError("not a dupfinder ignore list of this version")
            decisions = [Decision.from_json(d) for d in data["decisions"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IgnoreListError(
                f"the ignore list {target} is not readable ({exc}); it is left alone (move it aside to start afresh)"
            ) from exc
        return cls(decisions, target)

    # -- changing -----------------------------------------------------------------------------------------------
    def add(self, photos: Iterable[Photo]) -> Decision:
        """Record that these photos are not duplicates; returns the decision. Raises ValueError when fewer than two
        of them are different content."""
        distinct = distinct_photos(photos)
        if len(distinct) < 2:
            raise ValueError("these photos have the same content (identical bytes or fingerprints): nothing to record")
        decision = Decision(distinct, time.strftime("%Y-%m-%d %H:%M:%S"))
        self.decisions.append(decision)
        return decision

    def remove(self, numbers: Iterable[int]) -> list[Decision]:
        """Remove decisions by their 1-based number in `decisions`; raises ValueError for a number not listed."""
        wanted = sorted(set(numbers))
        for n in wanted:
            if not 1 <= n <= len(self.decisions):
                raise ValueError(f"there is no ignored entry {n} (the list has {len(self.decisions)})")
        removed = [self.decisions[n - 1] for n in wanted]
        self.decisions = [d for k, d in enumerate(self.decisions, 1) if k not in wanted]
        return removed

    def save(self) -> None:
        """Write the list atomically as dupfinder's own file; raises IgnoreListError (nothing changed) on failure."""
        data = {FORMAT_KEY: FORMAT_VERSION, "decisions": [d.to_json() for d in self.decisions]}
        text = json.dumps(data, ensure_ascii=True, indent=1) + "\n"  # ASCII: odd file names round-trip exactly
        try:
            paths.ensure_private_dir(self.path.parent)
            if self.path.exists() or self.path.is_symlink():
                IgnoreList.load(self.path)  # never replace a file that is not an ignore list we can read
            write_own_file_atomically(self.path, text.encode("ascii"))
        except IgnoreListError:
            raise
        except OSError as exc:
            raise IgnoreListError(f"the ignore list {self.path} cannot be written: {exc.strerror or exc}") from exc

    # -- applying -----------------------------------------------------------------------------------------------
    def separates(self, a: tuple[tuple[int, ...], bytes | None], b: tuple[tuple[int, ...], bytes | None]) -> bool:
        """True when a decision says content `a` and content `b` ((hashes, digest) each) are not duplicates."""
        for decision in self.decisions:
            side_a = [k for k, p in enumerate(decision.photos) if p.same_content(*a)]
            if side_a and any(p.same_content(*b) and k not in side_a for k, p in enumerate(decision.photos)):
                return True
        return False

    def drop_from(self, images: Sequence[ImageRecord], pairs: Pairs) -> Pairs:
        """`pairs` without the pairs that a decision separates."""
        if not self.decisions or not len(pairs):
            return pairs
        sides = self._sides_of(images)
        if not sides:
            return pairs
        involved = np.zeros(len(images), bool)
        involved[list(sides)] = True
        candidates = np.flatnonzero(involved[pairs.left] & involved[pairs.right])
        drop = [
            k
            for k, i, j in zip(
                candidates.tolist(), pairs.left[candidates].tolist(), pairs.right[candidates].tolist(), strict=True
            )
            if _separated(sides[i], sides[j])
        ]
        if not drop:
            return pairs
        keep = np.ones(len(pairs), bool)
        keep[drop] = False
        log.info("%d pair(s) dropped by the ignore list", len(drop))
        return pairs.subset(keep)

    def _sides_of(self, images: Sequence[ImageRecord]) -> dict[int, set[tuple[int, int]]]:
        """image index -> {(decision, photo)} it is, for the images that are a photo of some decision."""
        by_hashes: dict[tuple[int, ...], set[tuple[int, int]]] = defaultdict(set)
        by_digest: dict[bytes, set[tuple[int, int]]] = defaultdict(set)
        for d, decision in enumerate(self.decisions):
            for k, photo in enumerate(decision.photos):
                by_hashes[photo.hashes].add((d, k))
                if photo.digest is not None:
                    by_digest[photo.digest].add((d, k))
        photos = [decision.photos for decision in self.decisions]
        out: dict[int, set[tuple[int, int]]] = {}
        for i, image in enumerate(images):
            fp = image.fingerprint
            hashes = (fp.ahash, fp.phash, fp.dhash, fp.whash)
            digest = image.digest
            if digest is None and hashes in by_hashes:
                digest = _digest_or_none(image.path)  # equal hashes: the bytes decide (read, nothing else)
            found = set(by_digest.get(digest, ())) if digest is not None else set()
            found |= {(d, k) for d, k in by_hashes.get(hashes, ()) if photos[d][k].same_content(hashes, digest)}
            if found:
                out[i] = found
        return out


def _digest_or_none(path: str) -> bytes | None:
    from dupfinder.core.fingerprint import content_digest

    try:
        return content_digest(path)
    except OSError:
        return None


def _separated(a: set[tuple[int, int]], b: set[tuple[int, int]]) -> bool:
    return any(da == db and ka != kb for da, ka in a for db, kb in b)


def drop_ignored(images: Sequence[ImageRecord], pairs: Pairs) -> tuple[Pairs, tuple[str, ...]]:
    """The scanner's hook: `pairs` without those the user's ignore list separates, and any warning (an unreadable
    list is reported and not applied; it never stops a scan)."""
    try:
        ignore_list = IgnoreList.load()
    except IgnoreListError as exc:
        log.warning("%s", exc)
        return pairs, (str(exc),)
    return ignore_list.drop_from(images, pairs), ()


def without_ignored(result: ScanResult, ignore_list: IgnoreList) -> ScanResult:
    """The result with the pairs `ignore_list` separates taken out (for the app, right after a new decision)."""
    return dataclasses.replace(result, pairs=ignore_list.drop_from(result.images, result.pairs))


def photo_of_file(path: str) -> Photo:
    """Fingerprint and digest one file (raises FingerprintError or OSError). Reads the file, nothing else."""
    from dupfinder.core.fingerprint import content_digest, fingerprint_file

    return Photo.of(fingerprint_file(path), content_digest(path), path)


def photo_of_record(record: ImageRecord) -> Photo:
    """A scanned image as a Photo; its digest is computed when the scan did not need it (reads the file)."""
    digest = record.digest
    if digest is None:
        from dupfinder.core.fingerprint import content_digest

        with contextlib.suppress(OSError):  # without a digest the hashes alone identify it
            digest = content_digest(record.path)
    return Photo.of(record.fingerprint, digest, record.path)


def write_own_file_atomically(path: Path, data: bytes) -> None:
    """Replace dupfinder's own file `path` with `data`: a 0600 temporary file beside it (never through a link),
    fsync'd, then renamed over it. Raises OSError; the old file is untouched then."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        if os.path.islink(temp) or os.path.isfile(temp):
            os.unlink(temp)  # our own leftover from a crash (the folder is dupfinder's, 0700)
    fd = paths.open_own_file(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if os.path.islink(path):
            raise paths.UnsafePathError(f"{path} is a symbolic link; dupfinder does not write through links")
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
