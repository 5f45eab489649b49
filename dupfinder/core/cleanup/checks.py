"""The checks made just before a file is moved, from the disk as it is now, never from the scan's word alone.

1. The file must still be exactly what the scan saw (`changed_since_scan`):

   * `lstat` must find a regular file (not a symlink) with the scanned (dev, ino): a file moved, deleted, or replaced
     by saving a new file over it (editors write a new inode and rename) is refused;
   * the size, mtime_ns and ctime_ns must match: an in-place edit normally changes them;
   * when the scan computed a content digest, the file is re-hashed: this catches an in-place rewrite whose mtime
     was put back (same size, same inode).

2. Each of the file's groups must keep a copy that passes the same checks and that a fresh look still finds alike
   to it (`Survivors`): both files are decoded and fingerprinted again now, with the scan's hash kind, and must be
   within the distance the groups were formed at — or, for a scan that used the second measure (mirrored, turned,
   cropped copies are far apart in the whole-picture hash), the two fresh fingerprints must pass the scan's own
   matching afresh (candidates, then the second measure on the two files as they are now) at that threshold; for a
   pair the scan recorded as byte-identical (equal digests), fresh content digests must be equal. So no fingerprint
   cache content, stale, corrupt or forged, can get a photo trashed. Each file is decoded or hashed at most once per
   cleanup (a keeper once for all its group's copies).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence

from dupfinder.core.fingerprint import FingerprintError, content_digest, fingerprint_file
from dupfinder.core.grouping import usable_pairs
from dupfinder.core.matching.pipeline import matched_pairs
from dupfinder.core.models import Fingerprint, ImageRecord
from dupfinder.core.options import HashKind

log = logging.getLogger(__name__)


class FreshLook:
    """Fresh fingerprints and content digests of the files of one cleanup, each computed once, on demand."""

    def __init__(
        self,
        images: Sequence[ImageRecord],
        hash_kind: HashKind,
        max_distance_bits: int,
        turned: bool,
        measured: bool = False,
    ) -> None:
        self.images, self.hash_kind, self.limit, self.turned = images, hash_kind, max_distance_bits, turned
        self.measured = measured  # the scan confirmed its pairs by the second measure (core/matching)
        self._fingerprints: dict[int, Fingerprint | str] = {}
        self._digests: dict[int, bytes | str] = {}

    def digest(self, image: int) -> bytes | str:
        """The file's content digest now, or why it cannot be read."""
        if image not in self._digests:
            try:
                self._digests[image] = content_digest(self.images.path(image))
            except OSError as exc:
                self._digests[image] = f"cannot be read to check it: {exc.strerror or exc}"
        return self._digests[image]

    def fingerprint(self, image: int) -> Fingerprint | str:
        """The file's fingerprint now, or why it cannot be decoded."""
        if image not in self._fingerprints:
            try:
                self._fingerprints[image] = fingerprint_file(self.images.path(image))
            except FingerprintError as exc:
                self._fingerprints[image] = f"cannot be decoded to compare it afresh ({exc.kind.value})"
        return self._fingerprints[image]

    def unlike(self, image: int, other: int) -> str | None:
        """Why `image` can no longer be called a copy of `other` (checked now), or None when it still is."""
        a, b = self.images[image], self.images[other]
        if a.digest is not None and a.digest == b.digest:
            mine, theirs = self.digest(image), self.digest(other)
            for value in (mine, theirs):
                if isinstance(value, str):
                    return value
            return None if mine == theirs else f"its bytes no longer equal those of {b.path}"
        mine, theirs = self.fingerprint(image), self.fingerprint(other)
        for value in (mine, theirs):
            if isinstance(value, str):
                return value
        distance = self.distance(mine, theirs)
        if distance <= self.limit or (self.measured and self._matched_afresh(image, other, mine, theirs)):
            return None
        how = "nor does the second measure confirm it" if self.measured else f"the groups allow {self.limit}"
        return f"a fresh look finds it {distance} bits from {b.path} ({how})"

    def _matched_afresh(self, image: int, other: int, mine: Fingerprint, theirs: Fingerprint) -> bool:
        """The scan's matching (candidates and second measure) on the two files as they are now, at the threshold."""
        records = [ImageRecord(self.images.files[image], mine), ImageRecord(self.images.files[other], theirs)]
        pairs = matched_pairs(records, self.limit, workers=1)
        return bool(usable_pairs(pairs, self.limit).any())

    def distance(self, a: Fingerprint, b: Fingerprint) -> int:
        """The scan's distance (the largest of the hash kind's parts), also over mirrored/turned copies if matched."""
        parts = self.hash_kind.parts
        best = max((getattr(a, p) ^ getattr(b, p)).bit_count() for p in parts)
        if self.turned:
            for x, y in ((a, b), (b, a)):
                for turn in range(len(getattr(x, f"turned_{parts[0]}"))):
                    d = max((getattr(x, f"turned_{p}")[turn] ^ getattr(y, p)).bit_count() for p in parts)
                    best = min(best, d)
        return best


def changed_since_scan(record: ImageRecord, fresh: FreshLook, image: int) -> str | None:
    """Why the file on disk (image `image`) is no longer the one the scan saw, or None when it still is."""
    entry = record.file
    try:
        st = os.lstat(entry.path)
    except FileNotFoundError:
        return "moved or deleted since the scan"
    except OSError as exc:
        return f"cannot be checked: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        return "it is a symbolic link; only real files are moved to the trash"
    if not stat.S_ISREG(st.st_mode):
        return "it is no longer a regular file"
    if (st.st_dev, st.st_ino) != entry.identity:
        return "replaced by another file since the scan"
    if st.st_size != entry.size_bytes:
        return "changed since the scan (size differs)"
    if st.st_mtime_ns != entry.mtime_ns:
        return "changed since the scan (modification time differs)"
    if record.digest is not None:
        digest = fresh.digest(image)  # computed once per cleanup, also for the pairs recorded as byte-identical
        if isinstance(digest, str):
            return digest
        if digest != record.digest:
            return "changed since the scan (content differs)"
    if entry.ctime_ns and st.st_ctime_ns != entry.ctime_ns:
        return "changed since the scan (rewritten, relinked or its permissions changed)"
    return None


class Survivors:
    """For each file about to move: does every group it is in keep a copy, unchanged and still alike to it?"""

    def __init__(
        self,
        images: Sequence[ImageRecord],
        groups_of: dict[int, tuple[int, ...]],
        survivors: dict[int, tuple[int, ...]],
        fresh: FreshLook,
    ) -> None:
        self.images, self.groups_of, self.survivors, self.fresh = images, groups_of, survivors, fresh

    def problem(self, image: int) -> str | None:
        """A reason to keep `image`, or None when every one of its groups keeps a good copy of it. A survivor must
        pass the same checks as a file about to be trashed; the first good one (the keeper, normally) ends the
        search, so a file costs one survivor check, not one per member."""
        for g in self.groups_of[image]:
            kept = self.survivors[g]
            unlike: list[str] = []
            for s in kept:
                if changed_since_scan(self.images[s], self.fresh, s) is not None:
                    continue
                reason = self.fresh.unlike(image, s)
                if reason is None:
                    break
                unlike.append(reason)
            else:
                if unlike:
                    return f"no copy that stays is still alike to it: {unlike[0]}"
                names = ", ".join(self.images.path(s) for s in kept) or "none"
                return f"no other copy of this photo is still in place unchanged (kept: {names})"
        return None
