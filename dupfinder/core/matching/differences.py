"""How a grouped copy differs from its group's reference, said only from what was measured.

Sources, in this order: identical content digests; the turn the candidate search found and the rotation the
second measure estimated; the share of each picture inside the aligned overlap (a crop); the pixel counts of the
two files (smaller/larger); the tone and coverage differences the photometric check saw in the aligned overlap.
When nothing was measured beyond the hash (HASH_ONLY / NO_EVIDENCE pairs) the label says only what the file facts
and the hash tell.
"""

from __future__ import annotations

import numpy as np

from dupfinder.core.models import ImageRecord, Pairs, Verdict

# Edits the photometric check saw (Pairs.edits bits).
EDIT_BRIGHTNESS = 1  # mean level of the overlap differs
EDIT_CONTRAST = 2  # spread of the levels differs
EDIT_COVERED = 4  # part of the overlap disagrees (a sticker, text, a retouch)

# fingerprint.TURNS, as (name, inverse index): FLIP_LEFT_RIGHT, ROTATE_90, ROTATE_180, ROTATE_270, FLIP_TOP_BOTTOM,
# TRANSPOSE, TRANSVERSE; turn codes are 1 + these indices, 0 upright.
_INVERSE = np.array([0, 1, 4, 3, 2, 5, 6, 7], np.uint8)
_MIRRORED = frozenset({1, 5, 6, 7})  # turn codes that include a reflection

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
    measured = pairs.measured and pairs.verdict[row] == Verdict.CONFIRMED
    if measured:
        forward = int(pairs.left[row]) == reference  # the stored measures go from left to right
        turn = int(pairs.turn[row]) if forward else int(_INVERSE[pairs.turn[row]])
        angle = float(pairs.angle[row]) * (1 if forward else -1)
        kept_ref = float(pairs.kept_left[row] if forward else pairs.kept_right[row])
        kept_mem = float(pairs.kept_right[row] if forward else pairs.kept_left[row])
        if turn in _MIRRORED:
            parts.append("mirrored")
        quarter = round(angle / 90.0) % 4
        if quarter:
            parts.append(f"turned {quarter * 90}°")
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
    if int(pairs.distance_bits[row]) == 0 or measured:
        return "same picture, re-encoded"
    return "alike (hash only)"
