"""How a grouped copy differs from its group's reference, said only from what was measured.

Sources, in this order: identical content digests; the turn the candidate search found and the rotation the
second measure estimated; the share of each picture inside the aligned overlap (a crop); the pixel counts of the
two files (smaller/larger); the tone and coverage differences the photometric check saw in the aligned overlap.
When nothing was measured beyond the hash (HASH_ONLY / NO_EVIDENCE pairs) the label says only what the file facts
and the hash tell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dupfinder.core.grouping import pair_row
from dupfinder.core.models import ImageRecord, Pairs, ScanResult, Verdict

# Edits the photometric check saw (Pairs.edits bits).
EDIT_BRIGHTNESS = 1  # mean level of the overlap differs
EDIT_CONTRAST = 2  # spread of the levels differs
EDIT_COVERED = 4  # part of the overlap disagrees (a sticker, text, a retouch)

# fingerprint.TURNS, as (name, inverse index): FLIP_LEFT_RIGHT, ROTATE_90, ROTATE_180, ROTATE_270, FLIP_TOP_BOTTOM,
# TRANSPOSE, TRANSVERSE; turn codes are 1 + these indices, 0 upright.
_INVERSE = np.array([0, 1, 4, 3, 2, 5, 6, 7], np.uint8)
_MIRRORED = frozenset({1, 5, 6, 7})  # turn codes that include a reflection

# Clockwise rotation (degrees) left through after mirroring, per turn code (Pillow's ROTATE_90 is anticlockwise).
_TURN_ANGLE = {0: 0.0, 1: 0.0, 2: -90.0, 3: 180.0, 4: 90.0, 5: 180.0, 6: -90.0, 7: 90.0}

CROP_SHARE = 0.04  # a copy missing more than this share of the reference's area is called cropped
SIZE_SHARE = 0.9  # fewer pixels than this share of the reference's: "smaller"


def inverse_turn(turn: np.ndarray) -> np.ndarray:
    return _INVERSE[np.asarray(turn, np.int64)]


def mirrored(turn: int) -> bool:
    return int(turn) in _MIRRORED


def describe(result_images: tuple[ImageRecord, ...], pairs: Pairs, row: int, reference: int, member: int) -> str:
    """The label of `member` against `reference`, from pair `row` (which holds the two in either order)."""
    ref_fp, mem_fp = result_images[reference].fingerprint, result_images[member].fingerprint
    if pairs.identical[row]:
        return "identical bytes"
    parts: list[str] = []
    measured = pairs.measured and pairs.verdict[row] in (Verdict.CONFIRMED, Verdict.PIXELS)
    if measured:
        forward = int(pairs.left[row]) == reference  # the stored measures go from left to right
        turn = int(pairs.turn[row])
        is_mirrored = turn in _MIRRORED
        # The rotation of right against left, clockwise: measured by the geometry, or the turn the pixels confirmed.
        angle = float(pairs.angle[row]) if pairs.verdict[row] == Verdict.CONFIRMED else _TURN_ANGLE[turn]
        if not forward and not is_mirrored:  # a mirrored turn is its own inverse's angle
            angle = -angle
        kept_ref = float(pairs.kept_left[row] if forward else pairs.kept_right[row])
        kept_mem = float(pairs.kept_right[row] if forward else pairs.kept_left[row])
        if is_mirrored:
            parts.append("mirrored")
        quarter = round(angle / 90.0) % 4
        if quarter:
            parts.append({1: "turned 90° clockwise", 2: "turned 180°", 3: "turned 90° anticlockwise"}[quarter])
        residual = angle - round(angle / 90.0) * 90.0
        if abs(residual) >= 1.0:
            parts.append(f"rotated {abs(residual):.0f}°")
        if kept_ref < 1.0 - CROP_SHARE:
            parts.append(f"cropped ({100 * (1 - kept_ref):.0f} %)")
        elif kept_mem < 1.0 - CROP_SHARE:
            parts.append(f"more around the edges ({100 * (1 - kept_mem):.0f} %)")
    ref_pixels, mem_pixels = ref_fp.width * ref_fp.height, mem_fp.width * mem_fp.height
    if mem_pixels < SIZE_SHARE * ref_pixels:
        parts.append(f"smaller ({100 * (mem_pixels / ref_pixels) ** 0.5:.0f} %)")
    elif ref_pixels < SIZE_SHARE * mem_pixels:
        parts.append(f"larger ({100 * (mem_pixels / ref_pixels) ** 0.5:.0f} %)")
    if measured:
        edits = int(pairs.edits[row])
        tones = [name for bit, name in ((EDIT_BRIGHTNESS, "brightness"), (EDIT_CONTRAST, "contrast")) if edits & bit]
        if tones:
            parts.append(f"edited ({', '.join(tones)})")
        if edits & EDIT_COVERED:
            parts.append("partly covered")
    if ref_fp.format != mem_fp.format:
        parts.append(f"saved as {mem_fp.format}")
    if parts:
        return ", ".join(parts)
    if measured:
        return "same picture, re-encoded"
    return "same picture by its hash"


@dataclass(frozen=True, slots=True)
class Difference:
    """How one group member differs from its reference, and what said they are the same picture."""

    label: str  # e.g. "identical bytes", "cropped (12 %)", "mirrored, smaller (50 %)"
    evidence: str  # "identical bytes", "matched points", "pixels", "hash"
    matched_points: int | None = None  # inliers of the geometry (evidence "matched points")
    matched_share: float | None = None  # share (0..1) of the overlap the matched points' hull covers
    pixels_agree: float | None = None  # share (0..1) of the aligned overlap's cells whose pixels agree


_EVIDENCE = {Verdict.CONFIRMED: "matched points", Verdict.PIXELS: "pixels"}


def difference(result: ScanResult, reference: int, member: int) -> Difference | None:
    """The Difference of `member` against `reference`, None for the reference itself (or an unknown pair)."""
    if member == reference:
        return None
    digest = result.images[reference].digest
    if digest is not None and result.images[member].digest == digest:  # pairs join such copies in a star, not all
        return Difference("identical bytes", "identical bytes")
    pairs = result.pairs
    row = pair_row(pairs, reference, member)
    if row < 0:
        return None
    label = describe(result.images, pairs, row, reference, member)
    if pairs.identical[row]:
        return Difference(label, "identical bytes")
    verdict = Verdict(int(pairs.verdict[row])) if pairs.measured else Verdict.HASH_ONLY
    evidence = _EVIDENCE.get(verdict, "hash")
    if verdict == Verdict.CONFIRMED:
        return Difference(
            label,
            evidence,
            int(pairs.inliers[row]),
            round(float(pairs.coverage[row]), 3),
            round(float(pairs.agreement[row]), 3),
        )
    if verdict == Verdict.PIXELS:
        return Difference(label, evidence, pixels_agree=round(float(pairs.agreement[row]), 3))
    return Difference(label, evidence)
