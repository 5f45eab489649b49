"""pHash and dHash of crop windows of the small grey image, so a cropped copy's whole-picture hash can meet the
window of its original that it shows.

The hashes are computed from the NORMALISED_SIZE square that decode makes (every picture squashed to a square),
so a crop that removes a share of the width and another of the height is a window of that square with those
shares as its sides: windows of four scales (6 % to 26 % of each side cut away) at nine offsets each (corners,
edge middles, centre), plus windows cut from one axis only; then four edge strips (the outer third of the picture
along each side), which only the same-window ("partial") route compares: a sticker or logo of up to ~40 % of the
side spoils every crop window (they all hold most of the picture) but leaves at least one edge strip untouched.
A window is resampled (Lanczos-3 weights, as Pillow's resize of that box) and transformed by the DCT in one
matrix product per axis, precomputed per window: about 0.3 ms for all of them, where one Pillow resize per
window and hash costs 4.4 ms per picture.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

# Shares of each side kept by a window; with three offsets per axis the nearest window is at most half a step
# (3-13 % of the side) away from any crop of up to ~26 % per side.
SCALES = (0.94, 0.87, 0.8, 0.74)
# One-axis crops (a letterbox cut, a portrait re-crop of a landscape picture keeps the height).
ONE_AXIS = ((0.8, 1.0), (1.0, 0.8), (0.6, 1.0), (1.0, 0.6))


def _layout() -> tuple[tuple[float, float, float, float], ...]:
    boxes = []
    for s in SCALES:
        for y in (0.0, (1 - s) / 2, 1 - s):
            for x in (0.0, (1 - s) / 2, 1 - s):
                boxes.append((x, y, x + s, y + s))
    for sx, sy in ONE_AXIS:
        for k in (0.0, 0.5, 1.0):
            x, y = (1 - sx) * k, (1 - sy) * k
            boxes.append((x, y, x + sx, y + sy))
    return tuple(boxes)


# The outer third of the picture along each side (top, bottom, left, right): compared only with the same strip of
# another picture (candidates' partial route), never as a crop.
EDGE_STRIPS = ((0.0, 0.0, 1.0, 1 / 3), (0.0, 2 / 3, 1.0, 1.0), (0.0, 0.0, 1 / 3, 1.0), (2 / 3, 0.0, 1.0, 1.0))
# (left, top, right, bottom) as shares of the side, in the order of Fingerprint.window_phash / window_dhash: the
# CROP_WINDOWS crop windows first, then the edge strips.
CROP_WINDOWS = len(_layout())
WINDOWS = _layout() + EDGE_STRIPS
WINDOW_RECIPE = f"win{CROP_WINDOWS}+edge{len(EDGE_STRIPS)}-lanczos-phash8,dhash8"


def _lanczos_matrix(start: float, stop: float, out: int, side: int) -> np.ndarray:
    """(out, side) weights resampling the span [start, stop) of `side` pixels to `out` pixels as Pillow's
    antialiased Lanczos-3 does (support scaled by the reduction, weights normalised, edges clamped)."""
    scale = max((stop - start) / out, 1.0)
    centre = start + (np.arange(out) + 0.5) * (stop - start) / out
    pixel = np.arange(side, dtype=np.float64) + 0.5
    x = (pixel[None, :] - centre[:, None]) / scale
    weights = np.where(np.abs(x) < 3.0, np.sinc(x) * np.sinc(x / 3.0), 0.0)
    return weights / weights.sum(axis=1, keepdims=True)


def _matrices(side: int):
    dct8 = scipy.fft.dct(np.eye(32), axis=0)[:8]  # the first 8 rows of scipy's (unnormalised) DCT-II
    rows_p, cols_p, rows_d, cols_d = [], [], [], []
    for x0, y0, x1, y1 in WINDOWS:
        rows_p.append(dct8 @ _lanczos_matrix(y0 * side, y1 * side, 32, side))
        cols_p.append(dct8 @ _lanczos_matrix(x0 * side, x1 * side, 32, side))
        rows_d.append(_lanczos_matrix(y0 * side, y1 * side, 8, side))
        cols_d.append(_lanczos_matrix(x0 * side, x1 * side, 9, side))
    return tuple(np.stack(m) for m in (rows_p, cols_p, rows_d, cols_d))


_CACHE: dict[int, tuple[np.ndarray, ...]] = {}


def window_hashes(small) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(pHash per window, dHash per window) of the square mode "L" image `small` (a PIL image or an array)."""
    pixels = np.asarray(small, dtype=np.float64)
    side = pixels.shape[0]
    if side not in _CACHE:
        _CACHE[side] = _matrices(side)
    rows_p, cols_p, rows_d, cols_d = _CACHE[side]
    low = np.matmul(np.matmul(rows_p, pixels), cols_p.transpose(0, 2, 1)).reshape(len(WINDOWS), 64)
    grid = np.matmul(np.matmul(rows_d, pixels), cols_d.transpose(0, 2, 1))
    p_bits = low > np.median(low, axis=1, keepdims=True)
    d_bits = (grid[:, :, 1:] > grid[:, :, :-1]).reshape(len(WINDOWS), 64)
    return _ints(p_bits), _ints(d_bits)


def _ints(bits: np.ndarray) -> tuple[int, ...]:
    packed = np.packbits(bits, axis=1)
    return tuple(int.from_bytes(row.tobytes(), "big") for row in packed)


def picture_detail(small) -> float:
    """Standard deviation of the small grey image's levels: near 0 for blank, solid and near-black pictures."""
    return round(float(np.asarray(small, dtype=np.float64).std()), 2)
