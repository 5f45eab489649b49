"""The second measure: do two candidate pictures show the same picture? Local features, one geometry, and pixels
that agree once aligned.

For each image in a candidate pair: a small decode (JPEG draft scaling, longest side <= VIEW_SIDE, grey, upright
by EXIF; the same pixels kept from fingerprinting when it made them, stash.py), ORB keypoints and descriptors
(also of the mirrored picture when a candidate pair needs it), a PHOTO_SIDE thumbnail for the photometric check,
and how much detail the picture has. Then for each pair:

1. ORB matches with Lowe's ratio test, then an affine model by RANSAC (a similarity cannot follow a non-uniform
   stretch). Mirrors are handled by matching the mirrored picture's features (ORB is rotation- but not
   reflection-invariant), so the model must keep orientation (det > 0), with a bounded stretch.
2. Enough inliers (MIN_INLIERS), spread over both pictures (their convex hull covers MIN_SPREAD of the overlap).
3. Containment: the overlap is nearly all of one picture and at least MIN_KEPT of the other. Two different crops of
   one big picture share only part of each, and are refused.
4. Photometric check: the other picture warped onto this one; after ranking the levels of each (so brightness,
   contrast and gamma edits do not matter), most cells of the overlap must agree, not only the matched ones: the
   same sticker on two different photos, or a repeating pattern matched one period off, fail here.

Verdicts (models.Verdict): CONFIRMED when all hold; FLAT when a picture has almost no detail (its hash is noise);
NO_EVIDENCE when a picture has too few keypoints to tell, so that absence of evidence never accepts a pair (the
plain hash decides those, at a tighter distance); REFUTED otherwise.

Work runs on threads, as fingerprinting does: Pillow and OpenCV release the GIL.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

from dupfinder.core.decode import FingerprintError, decode_view
from dupfinder.core.matching.differences import _MIRRORED, EDIT_BRIGHTNESS, EDIT_CONTRAST, EDIT_COVERED, mirrored
from dupfinder.core.models import Verdict

if TYPE_CHECKING:
    from dupfinder.core.matching.stash import ViewStash

log = logging.getLogger(__name__)

cv2.setNumThreads(1)  # parallel over pictures and pairs instead (threads below)

VIEW_SIDE = 512  # longest side of the picture the features are found on
PHOTO_SIDE = 96  # longest side of the thumbnail the photometric check compares
ORB_FEATURES = 1000
MIN_FEATURE_SIDE = 48  # pictures narrower than this get no keypoints (ORB's border and pyramid need room)
FAST_THRESHOLD = 5  # low: smooth pictures (soft wallpapers, skies) still get corners to match
RATIO = 0.8  # Lowe's ratio test on the two nearest descriptors
RANSAC_PX = 0.012  # reprojection threshold, as a share of the view's longest side (~6 px at 512)
MIN_INLIERS = 30  # 20 let a chance alignment of two smooth pictures with ~80 keypoints through (perf corpus)
MIN_SPREAD = 0.02  # the inliers' convex hull covers at least this share of the overlap
MIN_KEPT = 0.45  # the overlap covers at least this share of each picture (up to ~25 % cut from each side)
MIN_CONTAINED = 0.95  # ... and this share of one of them (one picture is inside the other)
MAX_STRETCH = 1.35  # ratio of the affine model's singular values
MIN_KEYPOINTS = 60  # fewer in either picture: no evidence either way
WEAK_KEYPOINTS = 300  # fewer in either picture and too few matches: no evidence (smooth), else refuted
FRAMED_AGREEING = 0.9  # pictures compared as framed (no points to align them): share of agreeing cells ...
FRAMED_RESIDUAL = 0.02  # ... and median cell difference (copies measured <= 0.015, distinct pictures >= 0.03)
GRID = 8  # photometric cells per side
CELL_AGREES = 0.12  # mean absolute difference of ranks (0..1) under which a cell agrees
MIN_AGREEING = 0.6  # share of the overlap's cells that must agree
MAX_RESIDUAL = 1.0  # median cell difference of ranks above which the pictures differ everywhere a little
FLAT_LEVELS = 4.0  # standard deviation of grey levels under which a picture without keypoints is flat
BRIGHTNESS_LEVELS = 12.0  # mean level change reported as a brightness edit
CONTRAST_RATIO = 1.15  # spread ratio reported as a contrast edit
COVERED_SHARE = 0.12  # share of disagreeing cells reported as "partly covered" (a sticker of 15 % spoils ~20 %)


@dataclass(slots=True)
class Features:
    points: np.ndarray  # (n, 2) float32, view pixels
    descriptors: np.ndarray | None  # (n, 32) uint8


@dataclass(slots=True)
class View:
    """What the second measure keeps of one picture (not the view itself: a few tens of KB)."""

    size: tuple[int, int]  # view width, height
    photo: np.ndarray  # float32 thumbnail, longest side PHOTO_SIDE
    upright: Features
    mirrored: Features | None  # features of the picture mirrored left-right, when a pair needs them
    detail: float  # standard deviation of the thumbnail's grey levels

    @property
    def nbytes(self) -> int:
        """What its arrays hold (a 96 px photo and ~1,000 points: 37-77 KB measured on real photos)."""
        features = (self.upright, self.mirrored) if self.mirrored is not None else (self.upright,)
        return self.photo.nbytes + sum(
            f.points.nbytes + (f.descriptors.nbytes if f.descriptors is not None else 0) for f in features
        )

    @property
    def flat(self) -> bool:
        """Almost no detail: hardly any contrast and too few keypoints to measure (blank, near-black, solid)."""
        return self.detail < FLAT_LEVELS and len(self.upright.points) < MIN_KEYPOINTS


@dataclass(frozen=True, slots=True)
class Measure:
    verdict: Verdict
    inliers: int = 0
    coverage: float = 0.0  # share of the overlap the inliers' hull covers
    kept_left: float = 0.0
    kept_right: float = 0.0
    angle: float = 0.0
    edits: int = 0
    residual: float = 1.0  # median over the overlap's cells of their mean rank difference
    agreement: float = 0.0  # share of the overlap's cells whose aligned pixels agree (the worse of all / outside)
    reason: str = ""  # why it was not confirmed (for logs and benchmarks)


def load_view(path: str, *, mirrored: bool, stash: ViewStash | None = None) -> View | None:
    """The View of `path` (from the view fingerprinting kept in `stash`, else decoded), or None when it cannot be
    read now (the pair then keeps its hash-only decision)."""
    try:
        return _load_view(path, mirrored, stash)
    except FingerprintError as exc:
        log.info("cannot decode %s for matching: %s", path, exc)
        return None
    except Exception:  # a bug or an error nobody has seen yet: this picture is not measured, the scan goes on
        log.exception("unexpected error reading %s for matching", path)
        return None


def _load_view(path: str, mirrored: bool, stash: ViewStash | None) -> View:
    pixels = None if stash is None else stash.get(path)
    if pixels is None:
        pixels = np.asarray(_decode_view(path), dtype=np.uint8)
    orb = cv2.ORB_create(nfeatures=ORB_FEATURES, edgeThreshold=19, patchSize=19, fastThreshold=FAST_THRESHOLD)
    height, width = pixels.shape
    photo_scale = PHOTO_SIDE / max(width, height)
    photo_size = (max(1, round(width * photo_scale)), max(1, round(height * photo_scale)))
    photo = cv2.resize(pixels, photo_size, interpolation=cv2.INTER_AREA).astype(np.float32)
    detail = float(photo.std())
    return View(
        (width, height),
        photo,
        _features(orb, pixels),
        _features(orb, np.ascontiguousarray(pixels[:, ::-1])) if mirrored else None,
        detail,
    )


def _decode_view(path: str) -> Image.Image:
    """The decode module's view: the same safe open (no FIFO, no swapped file), memory budget and error mapping."""
    return decode_view(path, VIEW_SIDE)


def _features(orb, pixels: np.ndarray) -> Features:
    if min(pixels.shape) < MIN_FEATURE_SIDE:  # ORB's pyramid cannot shrink it: no keypoints, not an error
        return Features(np.empty((0, 2), np.float32), None)
    keypoints, descriptors = orb.detectAndCompute(pixels, None)
    points = np.array([k.pt for k in keypoints], np.float32).reshape(-1, 2)
    return Features(points, descriptors)


def measure(left: View, right: View, turn: int, framed: bool) -> Measure:
    """Whether `right` shows the picture of `left` (turned by `turn` first, a Pairs.turn code), and how it differs.
    `framed`: the candidate came from whole-picture hashes (plain or turned), so when too few points match, the
    pictures can still be compared pixel by pixel as they are framed."""
    turn_mirrors = mirrored(turn)
    same_framing = turn if framed else None
    if left.flat or right.flat:
        return Measure(Verdict.FLAT)
    a = left.mirrored if turn_mirrors else left.upright
    b = right.upright
    if a is None or len(a.points) < MIN_KEYPOINTS or len(b.points) < MIN_KEYPOINTS:
        return _without_points(left, right, same_framing, weak=True, reason="keypoints")
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    knn = matcher.knnMatch(a.descriptors, b.descriptors, k=2)
    good = [m[0] for m in knn if len(m) == 2 and m[0].distance < RATIO * m[1].distance]
    weak = min(len(a.points), len(b.points)) < WEAK_KEYPOINTS
    if len(good) < MIN_INLIERS:
        return _without_points(left, right, same_framing, weak=weak, reason=f"matches {len(good)}")
    src = a.points[[m.queryIdx for m in good]]
    dst = b.points[[m.trainIdx for m in good]]
    threshold = RANSAC_PX * max(*left.size, *right.size)
    model, inlier_mask = cv2.estimateAffine2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=threshold, maxIters=2000, confidence=0.995
    )
    if model is None:
        return Measure(Verdict.REFUTED, reason="model")
    inliers = inlier_mask.ravel().astype(bool)
    count = int(inliers.sum())
    linear = model[:, :2]
    det = float(np.linalg.det(linear))
    singular = np.linalg.svd(linear, compute_uv=False)
    angle = math.degrees(math.atan2(linear[1, 0] - linear[0, 1], linear[0, 0] + linear[1, 1]))
    if count < MIN_INLIERS:
        return _without_points(left, right, same_framing, weak=weak, reason=f"inliers {count}")
    if det <= 0 or singular[0] > MAX_STRETCH * singular[1]:
        return Measure(
            Verdict.REFUTED,
            inliers=count,
            angle=angle,
            reason=f"geometry {count} {det:.2f} {singular[0] / singular[1]:.2f}",
        )
    area_a, area_b = left.size[0] * left.size[1], right.size[0] * right.size[1]
    overlap = _overlap_polygon(model, left.size, right.size)
    overlap_area = cv2.contourArea(overlap) if len(overlap) >= 3 else 0.0
    kept_a, kept_b = overlap_area / area_a, overlap_area * det / area_b
    hull = cv2.convexHull(src[inliers])
    hull_area = cv2.contourArea(hull) if count >= 3 else 0.0
    coverage = hull_area / overlap_area if overlap_area else 0.0
    figures = dict(inliers=count, coverage=min(coverage, 1.0), kept_left=min(kept_a, 1.0),
                   kept_right=min(kept_b, 1.0), angle=angle)  # fmt: skip
    if coverage < MIN_SPREAD or min(kept_a, kept_b) < MIN_KEPT or max(kept_a, kept_b) < MIN_CONTAINED:
        return Measure(Verdict.REFUTED, reason=f"overlap {coverage:.2f} {kept_a:.2f} {kept_b:.2f}", **figures)
    agreeing, outside, residual, edits = _photometric(left, right, model, turn_mirrors, hull.reshape(-1, 2))
    figures["agreement"] = min(agreeing, outside)
    figures["residual"] = residual
    if agreeing < MIN_AGREEING or outside < MIN_AGREEING or residual > MAX_RESIDUAL:
        return Measure(Verdict.REFUTED, reason=f"pixels {agreeing:.2f} {outside:.2f} {residual:.3f}", **figures)
    return Measure(Verdict.CONFIRMED, edits=edits, **figures)


def _without_points(left: View, right: View, same_framing: int | None, *, weak: bool, reason: str) -> Measure:
    """Too few matched points. A whole-picture candidate is then compared as framed (turned as its hashes matched,
    scaled onto the other): its pixels must agree almost exactly (PIXELS). Otherwise no evidence when a picture has
    few keypoints (smooth), and refuted when both have plenty that do not match."""
    if same_framing is not None:
        photo = _turn_array(left.photo, same_framing)
        width, height = left.size[::-1] if same_framing in _QUARTER_TURNS else left.size
        turned = View((width, height), np.ascontiguousarray(photo), left.upright, None, left.detail)
        scale = np.array([[right.size[0] / width, 0, 0], [0, right.size[1] / height, 0]], np.float64)
        agreeing, _, residual, edits = _photometric(turned, right, scale, False, np.empty((0, 2), np.float32))
        if agreeing >= FRAMED_AGREEING and residual <= FRAMED_RESIDUAL:
            return Measure(Verdict.PIXELS, kept_left=1.0, kept_right=1.0, edits=edits, agreement=agreeing,
                           residual=residual)  # fmt: skip
        reason += f", framed pixels {agreeing:.2f} {residual:.3f}"
    return Measure(Verdict.NO_EVIDENCE if weak else Verdict.REFUTED, reason=reason)


_QUARTER_TURNS = frozenset({2, 4, 6, 7})  # turn codes that swap width and height


def _turn_array(pixels: np.ndarray, turn: int) -> np.ndarray:
    """`pixels` turned as Pillow's transpose of fingerprint.TURNS[turn - 1] would (turn 0: unchanged)."""
    steps = {
        0: lambda a: a,
        1: lambda a: a[:, ::-1],
        2: lambda a: np.rot90(a, 1),
        3: lambda a: np.rot90(a, 2),
        4: lambda a: np.rot90(a, 3),
        5: lambda a: a[::-1],
        6: lambda a: a.T,
        7: lambda a: np.rot90(a, 2).T,
    }
    return steps[int(turn)](pixels)


def _overlap_polygon(model: np.ndarray, size_a, size_b) -> np.ndarray:
    """The part of picture a (view pixels) whose image under `model` lies inside picture b."""
    inverse = cv2.invertAffineTransform(model)
    corners_b = np.array([[0, 0], [size_b[0], 0], [size_b[0], size_b[1]], [0, size_b[1]]], np.float32)
    in_a = cv2.transform(corners_b[None], inverse)[0]
    rect_a = np.array([[0, 0], [size_a[0], 0], [size_a[0], size_a[1]], [0, size_a[1]]], np.float32)
    area, polygon = cv2.intersectConvexConvex(rect_a, in_a.astype(np.float32))
    return polygon.reshape(-1, 2) if polygon is not None and area > 0 else np.empty((0, 2), np.float32)


def _photometric(
    left: View, right: View, model: np.ndarray, turn_mirrors: bool, hull: np.ndarray
) -> tuple[float, float, float, int]:
    """(share of agreeing cells of the overlap, the same share among cells outside the inliers' hull, the median
    cell difference, EDIT_* bits),
    comparing right warped onto left's thumbnail. Outside the hull nothing was matched: agreement there is what
    tells the same picture from the same overlay or pattern on different pictures."""
    photo_a = left.photo[:, ::-1] if turn_mirrors else left.photo
    photo_a = np.ascontiguousarray(photo_a)
    scale_a = photo_a.shape[1] / left.size[0]
    scale_b = right.photo.shape[1] / right.size[0]
    # thumbnail a -> view a -> view b -> thumbnail b
    to_b = np.vstack([model, [0, 0, 1]]) @ np.diag([1 / scale_a, 1 / scale_a, 1.0])
    to_b = (np.diag([scale_b, scale_b, 1.0]) @ to_b)[:2]
    h, w = photo_a.shape
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    warped = cv2.warpAffine(right.photo, to_b, (w, h), flags=flags)
    valid = cv2.warpAffine(np.ones_like(right.photo), to_b, (w, h), flags=flags, borderValue=0) > 0.99
    valid = cv2.erode(valid.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if valid.sum() < 64:
        return 0.0, 0.0, 1.0, 0
    blur_a = cv2.GaussianBlur(photo_a, (0, 0), 1.0)
    blur_b = cv2.GaussianBlur(warped, (0, 0), 1.0)
    values_a, values_b = blur_a[valid], blur_b[valid]
    rank_a = np.zeros_like(blur_a)
    rank_b = np.zeros_like(blur_b)
    rank_a[valid] = _ranks(values_a)
    rank_b[valid] = _ranks(values_b)
    difference = np.abs(rank_a - rank_b)
    agree = total = disagreeing = outside_agree = outside_total = 0
    cell_differences = []
    hull_photo = (hull * scale_a).astype(np.float32).reshape(-1, 1, 2)
    for gy in range(GRID):
        for gx in range(GRID):
            rows = slice(gy * h // GRID, (gy + 1) * h // GRID)
            cols = slice(gx * w // GRID, (gx + 1) * w // GRID)
            cell_valid = valid[rows, cols]
            if cell_valid.size == 0 or cell_valid.mean() < 0.6:
                continue
            total += 1
            centre = ((gx + 0.5) * w / GRID, (gy + 0.5) * h / GRID)
            outside = len(hull_photo) < 3 or cv2.pointPolygonTest(hull_photo, centre, False) < 0
            cell_difference = float(difference[rows, cols][cell_valid].mean())
            cell_differences.append(cell_difference)
            ok = cell_difference < CELL_AGREES
            agree += ok
            disagreeing += not ok
            outside_total += outside
            outside_agree += outside and ok
    if not total:
        return 0.0, 0.0, 1.0, 0
    edits = 0
    if abs(float(values_a.mean()) - float(values_b.mean())) > BRIGHTNESS_LEVELS:
        edits |= EDIT_BRIGHTNESS
    spread_a, spread_b = float(values_a.std()) + 1e-3, float(values_b.std()) + 1e-3
    if max(spread_a / spread_b, spread_b / spread_a) > CONTRAST_RATIO:
        edits |= EDIT_CONTRAST
    if disagreeing / total >= COVERED_SHARE:
        edits |= EDIT_COVERED
    # Too few cells outside the hull to judge: the matched points already cover the picture.
    outside_share = outside_agree / outside_total if outside_total >= 4 else 1.0
    return agree / total, outside_share, float(np.median(cell_differences)), edits


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), np.float32)
    ranks[order] = np.arange(len(values), dtype=np.float32) / max(1, len(values) - 1)
    return ranks


CONFIRM_BLOCK = 256  # pairs measured at a time (their views loaded together, in parallel)
# Bytes of views held at most (View.nbytes: ~3,500 views of the 77 KB a photo's view takes). Past it the least
# recently used are dropped (and loaded again when a pair needs them); view_order keeps that rare. Measured on
# bench_pair_search's 200k clustered pairs in that order, with a cap of 4,096 views: 1.00 M loads for 196k pictures
# (dropping those needed last instead: 0.86 M, but knowing that takes ~40 bytes a pair).
VIEW_BUDGET_BYTES = 256 * 2**20


def confirm_pairs(
    paths: Sequence[str],
    left: np.ndarray,
    right: np.ndarray,
    turns: np.ndarray,
    framed: np.ndarray,
    *,
    workers: int,
    tick: Callable[[int], None],
    stash: ViewStash | None = None,
) -> Iterator[Measure]:
    """Measure every pair (left[k], right[k]) of images given by path, left turned by turns[k] (Pairs.turn), framed[k]
    when the candidate came from whole-picture hashes; views are loaded once per image (from `stash` if kept there).

    Pairs go a block at a time (in the given order: candidates come sorted by their first image, so a group's
    reference is loaded once for all its copies) and a view is dropped as soon as no later pair needs it: memory
    holds the views of the pairs in flight, not of every picture measured (at 100k images, gigabytes), and never
    more than VIEW_BUDGET_BYTES of them. The measures come out a block at a time, in the pairs' order, for the caller
    to keep as compactly as it likes."""
    need_mirror = set(left[np.isin(turns, list(_MIRRORED))].tolist())
    pending = np.bincount(left, minlength=len(paths)) + np.bincount(right, minlength=len(paths))
    views: OrderedDict[int, View | None] = OrderedDict()
    held = 0  # their bytes
    loaded_before = np.zeros(len(paths), bool)

    def one(k: int) -> Measure:
        a, b = views[int(left[k])], views[int(right[k])]
        if a is None or b is None:
            return Measure(Verdict.HASH_ONLY)
        try:
            return measure(a, b, int(turns[k]), bool(framed[k]))
        except Exception:  # e.g. an OpenCV error on an odd picture: this pair keeps its hash-only decision
            log.exception("unexpected error measuring %s and %s", paths[int(left[k])], paths[int(right[k])])
            return Measure(Verdict.HASH_ONLY)

    def several(ks: range) -> list[Measure]:
        return [one(k) for k in ks]

    step = max(1, workers)  # a block's pairs in one task per worker, not one per pair (a future costs a small pair)
    with ThreadPoolExecutor(step, thread_name_prefix="confirm") as pool:
        for start in range(0, len(left), CONFIRM_BLOCK):
            block = range(start, min(len(left), start + CONFIRM_BLOCK))
            both = np.concatenate([left[start : block.stop], right[start : block.stop]]).tolist()
            new = sorted({i for i in both if i not in views})  # not set - views.keys(): that copies every key
            loaded = pool.map(lambda i: load_view(paths[i], mirrored=i in need_mirror, stash=stash), new)
            for i, view in zip(new, loaded, strict=True):
                views[i] = view
                held += _size(view)
            tick(len(new) - int(loaded_before[new].sum()))  # a view loaded again is no new progress
            loaded_before[new] = True
            measures: list[Measure] = [None] * len(block)  # type: ignore[list-item]
            for w, part in enumerate(pool.map(several, [block[w::step] for w in range(step)])):
                measures[w::step] = part
            tick(len(block))
            for image in both:
                pending[image] -= 1
                if not pending[image]:
                    held -= _size(views.pop(image, None))
                elif image in views:
                    views.move_to_end(image)
            while held > VIEW_BUDGET_BYTES:  # the least recently used go
                held -= _size(views.popitem(last=False)[1])
            yield from measures


def _size(view: View | None) -> int:
    return view.nbytes if view is not None else 0
