"""Where two copies of a photo differ: the second aligned onto the first, then compared pixel by pixel.

Used by the app's compare mode to show what a "cropped" or "edited" copy lost or changed. Alignment uses ORB
keypoints and a RANSAC homography (OpenCV) when the two pictures share enough points, so a crop, a resize or a small
rotation lines up; a mirrored or turned copy is tried in each of the eight orientations first. Without enough
shared points the second picture is simply resized onto the first, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MIN_INLIERS = 12  # fewer shared points than this: no trustworthy alignment
GOOD_INLIERS = 40  # this many in one orientation: it is the right one, the others need not be tried
CHANGE_LEVEL = 40  # grey levels (0-255, after blurring both): above this a pixel counts as changed
_ORIENTATIONS = (  # (transpose, flip code or None): the eight ways a copy can be mirrored or turned
    (False, None), (False, 1), (False, 0), (False, -1), (True, None), (True, 1), (True, 0), (True, -1),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Difference:
    """`aligned`: the second picture in the first one's frame (RGB, uint8); `covered`: where it has pixels there;
    `change`: per-pixel difference 0-255 (0 outside `covered`); `changed_share`: share of covered pixels that changed;
    `matched`: the alignment came from shared points (False: a plain resize)."""

    aligned: np.ndarray
    covered: np.ndarray
    change: np.ndarray
    changed_share: float
    matched: bool


def _oriented(image: np.ndarray, transpose: bool, flip: int | None) -> np.ndarray:
    out = np.ascontiguousarray(image.transpose(1, 0, 2)) if transpose else image
    return cv2.flip(out, flip) if flip is not None else out


def _homography(first_grey: np.ndarray, second_grey: np.ndarray) -> tuple[np.ndarray | None, int]:
    orb = cv2.ORB_create(nfeatures=2000)
    kp1, des1 = orb.detectAndCompute(first_grey, None)
    kp2, des2 = orb.detectAndCompute(second_grey, None)
    if des1 is None or des2 is None or len(kp1) < MIN_INLIERS or len(kp2) < MIN_INLIERS:
        return None, 0
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(des2, des1)
    if len(matches) < MIN_INLIERS:
        return None, 0
    src = np.float32([kp2[m.queryIdx].pt for m in matches])
    dst = np.float32([kp1[m.trainIdx].pt for m in matches])
    matrix, inliers = cv2.findHomography(src, dst, cv2.RANSAC, 4.0)
    count = int(inliers.sum()) if inliers is not None else 0
    return (matrix, count) if matrix is not None and count >= MIN_INLIERS else (None, count)


def difference(first: np.ndarray, second: np.ndarray) -> Difference:
    """Align `second` (RGB uint8) onto `first` (RGB uint8) and measure where they differ (see the module docstring)."""
    height, width = first.shape[:2]
    first_grey = cv2.cvtColor(first, cv2.COLOR_RGB2GRAY)
    best: tuple[int, np.ndarray, np.ndarray] | None = None
    for transpose, flip in _ORIENTATIONS:
        candidate = _oriented(second, transpose, flip)
        matrix, inliers = _homography(first_grey, cv2.cvtColor(candidate, cv2.COLOR_RGB2GRAY))
        if matrix is not None and (best is None or inliers > best[0]):
            best = (inliers, matrix, candidate)
        if best is not None and best[0] >= GOOD_INLIERS:
            break
    if best is not None:
        _, matrix, source = best
        aligned = cv2.warpPerspective(source, matrix, (width, height), flags=cv2.INTER_AREA)
        ones = np.full(source.shape[:2], 255, np.uint8)
        covered = cv2.warpPerspective(ones, matrix, (width, height), flags=cv2.INTER_NEAREST) > 0
    else:
        aligned = cv2.resize(second, (width, height), interpolation=cv2.INTER_AREA)
        covered = np.ones((height, width), bool)
    blur_first = cv2.GaussianBlur(first_grey, (5, 5), 0).astype(np.int16)
    blur_second = cv2.GaussianBlur(cv2.cvtColor(aligned, cv2.COLOR_RGB2GRAY), (5, 5), 0).astype(np.int16)
    change = np.abs(blur_first - blur_second).astype(np.uint8)
    change[~covered] = 0
    inside = int(covered.sum())
    share = float(np.count_nonzero(change > CHANGE_LEVEL)) / inside if inside else 0.0
    return Difference(aligned, covered, change, share, best is not None)


def heat_map(first: np.ndarray, diff: Difference) -> np.ndarray:
    """An RGB picture of the difference: the first photo in dim grey, changed pixels in red (brighter = more
    different), and what the second copy does not cover (cropped away) tinted blue."""
    grey = cv2.cvtColor(first, cv2.COLOR_RGB2GRAY) // 3
    out = np.repeat(grey[:, :, None], 3, axis=2).astype(np.uint16)
    strength = np.clip(diff.change.astype(np.uint16) * 3, 0, 255)
    out[:, :, 0] = np.maximum(out[:, :, 0], strength)
    out[~diff.covered, 2] = np.minimum(out[~diff.covered, 2] + 120, 255)
    return out.astype(np.uint8)
