"""Plain, immutable data passed between the engine, the CLI and the GUI.

Images are referred to by their index in `ScanResult.images`; groups, pairs and marks hold those
integers, never file objects, so they stay cheap to copy across threads and to regroup.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from dupfinder.core.image_table import ImageTable


class ProblemKind(enum.Enum):
    """Why a file or folder was skipped; the value is the short label users see."""

    EMPTY = "empty file"
    NOT_AN_IMAGE = "not an image"
    UNSUPPORTED = "unsupported format"
    CORRUPT = "corrupt or truncated"
    TOO_LARGE = "too large to decode safely"
    PERMISSION = "permission denied"
    UNREADABLE = "cannot be read"
    FOLDER_UNREADABLE = "folder cannot be read"
    SYMLINK_LOOP = "symlink loop"
    MISSING = "missing"
    TIMEOUT = "took too long to decode"


@dataclass(frozen=True, slots=True)
class Problem:
    """A file or folder that was skipped, with a one-line reason."""

    path: str
    kind: ProblemKind
    detail: str = ""

    @property
    def reason(self) -> str:
        return f"{self.kind.value}: {self.detail}" if self.detail else self.kind.value


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One real file found by discovery (one entry per (dev, ino), whatever the number of paths to it)."""

    path: str  # absolute, as reached (not symlink-resolved), so the user recognises it
    size_bytes: int
    mtime_ns: int
    dev: int
    ino: int
    protected: bool = False  # under a protected ("reference") folder: always kept
    ctime_ns: int = 0  # inode change time: reveals a rewrite whose mtime was put back (0 = unknown)

    @property
    def identity(self) -> tuple[int, int]:
        """The real file behind the path: two paths with the same identity are one file."""
        return (self.dev, self.ino)


class Hashes(bytes):
    """64-bit hashes packed as big-endian bytes, 8 a hash (the fingerprint cache's layout), read like a tuple of ints:
    len(), indexing, iteration and == with a tuple. A tuple of Python ints costs about 40 bytes a hash, and every
    image holds 118 (turned and window hashes): 5 GB for a million images, against 1 GB packed."""

    __slots__ = ()

    @classmethod
    def of(cls, values: Hashes | bytes | Sequence[int]) -> Hashes:
        """`values` packed: ints, or bytes already in this layout."""
        if type(values) is cls:
            return values
        if isinstance(values, bytes | bytearray | memoryview):
            return cls(values) if len(values) else _NO_HASHES
        return cls(b"".join(int(v).to_bytes(8, "big") for v in values)) if len(values) else _NO_HASHES

    @property
    def array(self) -> np.ndarray:
        """The hashes as a new uint64 array."""
        return np.frombuffer(self, ">u8").astype(np.uint64)

    @staticmethod
    def table(rows: Sequence[Hashes]) -> np.ndarray | None:
        """(len(rows), k) uint64 of rows of k hashes, None when every row is empty. Rows of another length (an image
        cached before these hashes existed) are masked, as a numpy masked array."""
        lengths = np.fromiter(map(bytes.__len__, rows), np.int64, len(rows))
        width = int(lengths.max(initial=0)) // 8
        if not width:
            return None
        full = lengths == width * 8
        if full.all():
            return _native(bytearray().join(rows)).reshape(len(rows), width)
        table = np.zeros((len(rows), width), np.uint64)
        table[full] = _native(bytearray().join(row for row, ok in zip(rows, full.tolist(), strict=True) if ok)).reshape(
            -1, width
        )
        return np.ma.masked_array(table, np.repeat(~full[:, None], width, axis=1))

    def __len__(self) -> int:
        return bytes.__len__(self) // 8

    def __getitem__(self, k: int | slice):  # -> int, or a tuple of ints for a slice
        if isinstance(k, slice):
            return tuple(self)[k]
        start = range(0, bytes.__len__(self), 8)[k]  # IndexError past the end, like a tuple
        return int.from_bytes(bytes.__getitem__(self, slice(start, start + 8)), "big")

    def __iter__(self) -> Iterator[int]:
        return iter(np.frombuffer(self, ">u8").tolist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple):
            return tuple(self) == other
        return bytes.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = bytes.__hash__

    def __repr__(self) -> str:
        return f"Hashes({tuple(self)!r})"


_NO_HASHES = bytes.__new__(Hashes)


def _native(packed: bytearray) -> np.ndarray:
    """Big-endian hashes as uint64, swapped in place. A bytearray, not bytes: its buffer is aligned (a bytes
    object's data is not, and numpy swaps unaligned data a hundred times slower)."""
    values = np.frombuffer(packed, ">u8")
    return values.byteswap(inplace=True).view(values.dtype.newbyteorder())


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What decoding one image yields: its facts and its perceptual hashes (as ints; the per-turn and per-window ones
    packed as Hashes, given as any sequence of ints or as packed bytes)."""

    width: int
    height: int
    format: str  # Pillow's format name: JPEG, PNG, WEBP, HEIF, ...
    ahash: int
    phash: int
    dhash: int
    whash: int
    taken: str | None = None  # EXIF DateTimeOriginal as "YYYY-MM-DD HH:MM:SS", when present
    # pHash and dHash of the picture mirrored and turned (fingerprint.TURNS order), to find such copies on request.
    turned_phash: Hashes = _NO_HASHES
    turned_dhash: Hashes = _NO_HASHES
    # pHash and dHash of crop windows of the picture (matching.windows.WINDOWS order), to find cropped copies.
    # Empty for a fingerprint cached before windows existed: that image is then only found by its other hashes.
    window_phash: Hashes = _NO_HASHES
    window_dhash: Hashes = _NO_HASHES
    # Standard deviation of the small grey image's levels (how much there is to see); None when cached without it.
    detail: float | None = None

    def __post_init__(self) -> None:
        for name in _PACKED_FIELDS:
            value = getattr(self, name)
            if type(value) is not Hashes:
                object.__setattr__(self, name, Hashes.of(value))


_PACKED_FIELDS = ("turned_phash", "turned_dhash", "window_phash", "window_dhash")


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """A fingerprinted image: the file, its fingerprint and (for files sharing a size) its content digest."""

    file: FileEntry
    fingerprint: Fingerprint
    digest: bytes | None = None

    @property
    def path(self) -> str:
        return self.file.path


class Verdict(enum.IntEnum):
    """What the second measure (matching.confirm) said about a pair; stored per pair in Pairs.verdict."""

    HASH_ONLY = 0  # not measured: grouped by its hash distance alone (as before matching existed)
    CONFIRMED = 1  # the same picture: matched points agree on one geometry and the aligned pixels agree
    NO_EVIDENCE = 2  # too few matched points to tell (smooth pictures): only a close plain-hash match counts
    REFUTED = 3  # enough points, but no geometry or pixels that agree: never grouped (unless identical bytes)
    FLAT = 4  # one picture has almost no detail: its hash means nothing, only identical bytes count
    PIXELS = 5  # too few points to match, but the whole pictures, as framed, agree pixel by pixel


class Route(enum.IntEnum):
    """Which hashes made a pair a candidate (Pairs.route)."""

    PLAIN = 0  # whole picture against whole picture, upright
    TURNED = 1  # one picture mirrored or turned (Pairs.turn) against the other upright
    WINDOW = 2  # a crop window of one picture against the whole of the other
    PARTIAL = 3  # the same crop window of both pictures (the rest differs: a sticker, a caption)


@dataclass(frozen=True, slots=True)
class Pairs:
    """All pairs of images within the loosest distance, as parallel arrays (i < j). Past
    candidates.EXACT_MAX_IMAGES images, the pairs the bucket tables found (bucket_search): within a big cluster of
    near-copies, the pairs around its first image rather than every pair, which is what star grouping uses.

    Kept in the scan result so that regrouping at any tighter threshold needs no image I/O.
    `identical` marks byte-identical pairs (same content digest). The other arrays hold what the second measure
    found (all empty when matching did not run: every pair is then HASH_ONLY).
    """

    left: np.ndarray  # int32 image indices
    right: np.ndarray  # int32 image indices
    distance_bits: np.ndarray  # uint8 Hamming distances (of the route's hashes)
    identical: np.ndarray  # bool
    verdict: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint8))  # Verdict
    route: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint8))  # Route
    # 0 upright, else 1 + index in fingerprint.TURNS: left turned so looks like right
    turn: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint8))
    inliers: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.uint16)
    )  # matched points that agree on the geometry
    coverage: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.float32)
    )  # share of the smaller picture the inliers' hull covers
    kept_left: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.float32)
    )  # share of the left picture's area inside the overlap
    kept_right: np.ndarray = field(default_factory=lambda: np.empty(0, np.float32))  # same for the right picture
    angle: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.float32)
    )  # rotation (degrees) of right against left, after the turn
    edits: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.uint8)
    )  # matching.differences EDIT_* bits seen in the aligned pixels
    agreement: np.ndarray = field(
        default_factory=lambda: np.empty(0, np.float32)
    )  # share of the aligned overlap's cells whose pixels agree

    @classmethod
    def empty(cls) -> Pairs:
        return cls(np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.uint8), np.empty(0, bool))

    def subset(self, keep: np.ndarray) -> Pairs:
        """The pairs `keep` selects (a bool mask or indices), with every array alike: the second measure's figures
        travel with their pairs (an empty array, when matching did not run, stays empty)."""
        arrays = (getattr(self, f.name) for f in dataclasses.fields(self))
        return Pairs(*(a[keep] if len(a) == len(self.left) else a for a in arrays))

    @property
    def measured(self) -> bool:
        return len(self.verdict) == len(self.left) and len(self.left) > 0

    def __len__(self) -> int:
        return len(self.left)


class Member(NamedTuple):
    """An image in a group, with its distance to the group's reference image. A named tuple: a regroup at a million
    images makes hundreds of thousands, four times faster than a frozen dataclass's."""

    image: int  # index into ScanResult.images
    distance_bits: int
    similarity: float  # percent alike to the reference, 100.0 for the reference itself
    identical: bool  # byte-identical to the reference


@dataclass(frozen=True, slots=True)
class Group:
    """Images that are all within the threshold of the reference (members[0]); no chaining."""

    members: tuple[Member, ...]
    keeper: int  # image index chosen by keep-best (always a member)

    @property
    def reference(self) -> int:
        return self.members[0].image

    @property
    def images(self) -> tuple[int, ...]:
        return tuple(m.image for m in self.members)


@dataclass(frozen=True, slots=True)
class ScanStats:
    files_seen: int = 0  # real files found with an accepted extension
    images_fingerprinted: int = 0  # decoded in this scan
    images_from_cache: int = 0  # fingerprint taken from the cache
    skipped: int = 0
    elapsed_s: float = 0.0
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a scan found. Immutable: marks and threshold choices live with the caller."""

    roots: tuple[str, ...]
    protected_roots: tuple[str, ...]
    images: ImageTable  # given as any sequence of ImageRecords, kept as an ImageTable (core.image_table)
    problems: tuple[Problem, ...]
    pairs: Pairs
    hash_name: str  # the fingerprint the pairs were computed with (see options.HashKind)
    hash_bits: int
    max_distance_bits: int  # pairs are complete up to this distance
    stats: ScanStats = field(default_factory=ScanStats)
    matched_turned: bool = False  # pairs include mirrored and turned matches
    warnings: tuple[str, ...] = ()  # scan-wide notes, e.g. "cache was corrupt and was rebuilt"
    # Values derived from the images on first use (grouping.regroup's ranks and sizes), so that a slider move does
    # not recompute them; never passed in, copied by dataclasses.replace or compared.
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from dupfinder.core.image_table import ImageTable

        object.__setattr__(self, "images", ImageTable.of(self.images))
