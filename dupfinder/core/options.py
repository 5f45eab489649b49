"""What to scan and how alike is alike: scan options, fingerprint kinds and threshold presets."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass

from dupfinder.core.exclusions import DEFAULT_EXCLUDES
from dupfinder.core.models import Fingerprint

DEFAULT_EXTENSIONS = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".webp",
        ".gif",
        ".bmp",
        ".dib",
        ".tif",
        ".tiff",
        ".heic",
        ".heif",
        ".hif",
        ".avif",
    }
)


class HashKind(enum.Enum):
    """Which perceptual fingerprint compares images. A combination ("phash+dhash") calls two images alike only
    when they are alike in every part: its distance is the largest of the parts' distances. Measured on the bench
    corpora, this keeps pHash's recall while dHash vetoes pHash's false matches (README, "Choosing presets")."""

    AHASH = "ahash"
    PHASH = "phash"
    DHASH = "dhash"
    WHASH = "whash"
    PHASH_DHASH = "phash+dhash"

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.value.split("+"))

    @property
    def bits(self) -> int:
        """Every part is a 64-bit hash, and a combination's distance is a part's distance."""
        return 64

    def hashes(self, fp: Fingerprint) -> tuple[int, ...]:
        """The fingerprint's hash for each part of this kind."""
        return tuple(getattr(fp, part) for part in self.parts)


DEFAULT_HASH = HashKind.PHASH_DHASH


class Preset(enum.Enum):
    STRICT = "strict"  # the same picture: resized, recompressed, re-saved in another format
    NORMAL = "normal"  # also light edits: brightness, contrast, small crops
    LOOSE = "loose"  # also heavier edits: crops, text, stickers


# Maximum Hamming distance per preset and fingerprint kind, tuned on ../shared/bench: the accuracy corpus
# (edited copies and hard negatives) and the perf corpus (1,100 distinct phone photos + 110 near-duplicates), whose
# smooth, low-texture pictures are where looser thresholds start grouping different photos (README, "Choosing presets").
PRESET_DISTANCES: dict[HashKind, dict[Preset, int]] = {
    HashKind.AHASH: {Preset.STRICT: 2, Preset.NORMAL: 4, Preset.LOOSE: 8},
    HashKind.PHASH: {Preset.STRICT: 4, Preset.NORMAL: 10, Preset.LOOSE: 12},
    HashKind.DHASH: {Preset.STRICT: 3, Preset.NORMAL: 6, Preset.LOOSE: 10},
    HashKind.WHASH: {Preset.STRICT: 2, Preset.NORMAL: 4, Preset.LOOSE: 8},
    HashKind.PHASH_DHASH: {Preset.STRICT: 6, Preset.NORMAL: 12, Preset.LOOSE: 14},
}

# The hashes fingerprint.py also computes for every mirrored and turned orientation.
TURNED_PARTS = frozenset({"phash", "dhash"})

# Pairs are collected this far past the loose preset, so the slider can go a little looser than "loose".
LOOSER_MARGIN_BITS = 4


def preset_distance(preset: Preset, hash_kind: HashKind) -> int:
    return PRESET_DISTANCES[hash_kind][preset]


def similarity_percent(distance_bits: int, hash_bits: int) -> float:
    """How alike two hashes are, as the share of equal bits."""
    return 100.0 * (1.0 - distance_bits / hash_bits)


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """A validated scan request. Paths are made absolute; protected roots are folders whose files are always kept."""

    roots: tuple[str, ...]
    protected_roots: tuple[str, ...] = ()
    extensions: frozenset[str] = DEFAULT_EXTENSIONS
    min_size_bytes: int = 0
    hash_kind: HashKind = DEFAULT_HASH
    max_distance_bits: int | None = None  # pairs are found up to this; default: the loose preset
    use_cache: bool = True
    cache_path: str | None = None  # default: under platformdirs' user cache dir (see core.paths)
    workers: int | None = None  # default: every core
    follow_symlinks: bool = True
    match_turned: bool = False  # hash-only mode (confirm=False): also match mirrored/turned copies by hash
    # Find mirrored, turned and cropped copies too, and confirm every candidate by a second measure (matching/).
    # Needs the phash+dhash fingerprint; off, pairs are decided by the hash alone, as before.
    confirm: bool = True
    decode_timeout_s: float = 30.0  # a single file that takes longer is skipped and reported
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES  # folder/file patterns to skip (core/exclusions.py)
    dask_scheduler: str | None = None  # fingerprint on this Dask cluster ("local": a LocalCluster); core/distributed.py

    def __post_init__(self) -> None:
        if not self.roots:
            raise ValueError("choose at least one folder to scan")
        object.__setattr__(self, "roots", tuple(os.path.abspath(os.path.expanduser(r)) for r in self.roots))
        object.__setattr__(
            self, "protected_roots", tuple(os.path.abspath(os.path.expanduser(r)) for r in self.protected_roots)
        )
        exts = frozenset(e.lower() if e.startswith(".") else "." + e.lower() for e in self.extensions)
        if not exts:
            raise ValueError("the extension filter is empty")
        object.__setattr__(self, "extensions", exts)
        if self.min_size_bytes < 0:
            raise ValueError("the minimum size cannot be negative")
        if self.max_distance_bits is not None and not 0 <= self.max_distance_bits <= self.hash_kind.bits:
            bits = self.hash_kind.bits
            raise ValueError(f"the distance must be between 0 and {bits} bits for {self.hash_kind.value}")
        if self.match_turned and not set(self.hash_kind.parts) <= TURNED_PARTS:
            raise ValueError("mirrored and turned copies can be matched with phash, dhash or phash+dhash only")
        if self.confirm and self.hash_kind is not HashKind.PHASH_DHASH:
            object.__setattr__(self, "confirm", False)  # the candidate search is built on pHash and dHash
        if self.workers is not None and self.workers < 1:
            raise ValueError("workers must be at least 1")

    @property
    def pair_distance_bits(self) -> int:
        """The loosest distance pairs are collected at, so any tighter threshold regroups without rescanning."""
        loosest = preset_distance(Preset.LOOSE, self.hash_kind) + LOOSER_MARGIN_BITS
        return loosest if self.max_distance_bits is None else max(loosest, self.max_distance_bits)
