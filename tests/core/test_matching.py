"""The default scan's matching (core/matching): what must be grouped is, what must not is not, and the label says
how each copy differs. Pictures are generated, with real texture from tests/data/astronaut.jpg for keypoints."""

from __future__ import annotations

import math
import os
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from dupfinder.core import report
from dupfinder.core.grouping import FAR_PLAIN_BITS, cluster, regroup, usable_pairs
from dupfinder.core.matching.differences import difference
from dupfinder.core.matching.windows import CROP_WINDOWS, WINDOWS, picture_detail, window_hashes
from dupfinder.core.models import Pairs, Route, Verdict
from dupfinder.core.options import DEFAULT_HASH, Preset, ScanOptions, preset_distance
from dupfinder.core.scanner import run_scan

ASTRONAUT = Path(__file__).parent.parent / "data" / "astronaut.jpg"
NORMAL = preset_distance(Preset.NORMAL, DEFAULT_HASH)
STRICT = preset_distance(Preset.STRICT, DEFAULT_HASH)


def astronaut(size=(640, 480)) -> Image.Image:
    with Image.open(ASTRONAUT) as im:
        return im.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def shapes(seed: int, size=(640, 480)) -> Image.Image:
    """A busy picture of random shapes: many corners, unrelated for different seeds."""
    rng = random.Random(seed)
    im = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(im)
    for _ in range(160):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(8, 90), rng.randrange(8, 90)
        box = (x, y, x + w, y + h)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=colour)
    return im


def sticker(im: Image.Image, share: float = 0.15, where=(0.62, 0.6)) -> Image.Image:
    """An opaque round sticker with a star covering `share` of the picture (like the bench corpus's)."""
    out = im.copy()
    w, h = out.size
    d = int(math.sqrt(share * w * h * 4 / math.pi))
    x, y = int(where[0] * (w - d)), int(where[1] * (h - d))
    draw = ImageDraw.Draw(out)
    draw.ellipse((x, y, x + d, y + d), fill=(255, 255, 255))
    draw.ellipse((x + d * 0.06, y + d * 0.06, x + d * 0.94, y + d * 0.94), fill=(200, 40, 60))
    star = [
        (x + d / 2 + d * (0.36 if i % 2 == 0 else 0.15) * math.sin(i * math.pi / 5),
         y + d / 2 - d * (0.36 if i % 2 == 0 else 0.15) * math.cos(i * math.pi / 5))
        for i in range(10)
    ]  # fmt: skip
    draw.polygon(star, fill=(255, 220, 0))
    return out


def crop_share(im: Image.Image, share: float, left: float, top: float) -> Image.Image:
    """Remove `share` of the width and of the height, `left`/`top` of it from those borders."""
    w, h = im.size
    dw, dh = round(w * share), round(h * share)
    x, y = round(dw * left), round(dh * top)
    return im.crop((x, y, x + w - dw, y + h - dh))


def rotate_crop(im: Image.Image, degrees: float) -> Image.Image:
    w, h = im.size
    s, c = abs(math.sin(math.radians(degrees))), math.cos(math.radians(degrees))
    wr, hr = (w * c - h * s) / (c * c - s * s), (h * c - w * s) / (c * c - s * s)
    r = im.rotate(degrees, resample=Image.Resampling.BICUBIC)
    return r.crop((math.ceil((w - wr) / 2), math.ceil((h - hr) / 2), int((w + wr) / 2), int((h + hr) / 2)))


def screenshot(seed: int) -> Image.Image:
    """An app window: the same title bar, toolbar and sidebar every time, different content."""
    rng = random.Random(seed)
    im = Image.new("RGB", (800, 600), (246, 246, 247))
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=14)
    draw.rectangle((0, 0, 800, 36), fill=(45, 45, 48))
    draw.text((12, 10), "Photos — Library", fill=(230, 230, 230), font=font)
    for k in range(8):
        draw.rounded_rectangle((12 + 44 * k, 46, 48 + 44 * k, 76), 6, fill=(210, 212, 216))
    draw.rectangle((0, 86, 160, 600), fill=(232, 233, 236))
    for k in range(12):
        draw.text((14, 100 + 36 * k), f"Album {k + 1}", fill=(60, 60, 60), font=font)
    content = shapes(1000 + seed, (600, 480))
    im.paste(content, (180, 100))
    words = " ".join(rng.choice(["holiday", "beach", "family", "2019", "sunset", "mountain"]) for _ in range(6))
    draw.text((180, 585 - 8), words, fill=(40, 40, 40), font=font)
    return im


def save(im: Image.Image, path: Path, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, **options)


def names(result, groups) -> list[list[str]]:
    return sorted(sorted(os.path.basename(result.images[i].path) for i in g.images) for g in groups)


def labels(result, groups) -> dict[str, str]:
    out = {}
    for group in groups:
        for member in group.members:
            diff = difference(result, group.reference, member.image)
            out[os.path.basename(result.images[member.image].path)] = "reference" if diff is None else diff.label
    return out


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """The astronaut and its edited copies, plus a busy unrelated picture."""
    root = tmp_path_factory.mktemp("copies")
    photo = astronaut()
    save(photo, root / "original.jpg", quality=92)
    save(photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT), root / "mirrored.jpg", quality=90)
    save(photo.transpose(Image.Transpose.ROTATE_270), root / "turned.jpg", quality=90)
    save(crop_share(photo, 0.12, 0.8, 0.25), root / "cropped.jpg", quality=90)
    save(rotate_crop(photo, 3), root / "rotated.jpg", quality=90)
    save(sticker(photo, 0.15, (0.9, 0.15)), root / "stickered.jpg", quality=90)  # in the middle: see README
    save(photo.resize((320, 240), Image.Resampling.LANCZOS), root / "small.png")
    save(shapes(5), root / "unrelated.jpg", quality=90)
    result = run_scan(ScanOptions((str(root),), use_cache=False))
    return result


def test_every_kind_of_copy_is_grouped_at_normal_and_the_unrelated_picture_is_not(copies):
    expected = ["cropped.jpg", "mirrored.jpg", "original.jpg", "rotated.jpg", "small.png", "stickered.jpg"]
    assert names(copies, regroup(copies, NORMAL)) == [sorted([*expected, "turned.jpg"])]


def test_each_copy_says_how_it_differs_from_the_reference(copies):
    groups = regroup(copies, NORMAL)
    said = labels(copies, groups)
    reference = os.path.basename(copies.images[groups[0].reference].path)
    assert reference == "original.jpg"  # the best connected picture, and the largest
    assert said["mirrored.jpg"].startswith("mirrored")
    assert "turned 90° clockwise" in said["turned.jpg"]
    assert "cropped (2" in said["cropped.jpg"]  # 12 % of each side: 22-23 % of the area
    assert "rotated 3°" in said["rotated.jpg"]
    assert "partly covered" in said["stickered.jpg"]
    assert "smaller (50 %)" in said["small.png"]


def test_the_second_measure_is_in_the_json(copies):
    groups = regroup(copies, NORMAL)
    data = report.to_json_dict(copies, groups, set(), threshold_bits=NORMAL, preset="normal")
    members = {os.path.basename(m["path"]): m for m in data["groups"][0]["members"]}
    assert members["original.jpg"]["differs"] is None and members["original.jpg"]["evidence"] is None
    turned = members["turned.jpg"]
    assert turned["evidence"] == "matched points" and turned["matched_points"] >= 30
    assert 0.2 <= turned["matched_share"] <= 1.0 and turned["pixels_agree"] >= 0.6


def test_strict_keeps_only_the_same_framing(copies):
    assert names(copies, regroup(copies, STRICT)) == [["original.jpg", "small.png"]]


def test_the_slider_regroups_from_the_stored_measures_without_decoding(copies, monkeypatch):
    from dupfinder.core.matching import confirm

    monkeypatch.setattr(confirm, "load_view", lambda *a, **k: pytest.fail("regrouping decoded a picture"))
    for bits in range(copies.max_distance_bits + 1):
        regroup(copies, bits)


def scan_names(root: Path, preset: Preset = Preset.NORMAL) -> list[list[str]]:
    result = run_scan(ScanOptions((str(root),), use_cache=False))
    return names(result, regroup(result, preset_distance(preset, DEFAULT_HASH)))


def test_flat_and_blank_pictures_are_matched_only_by_identical_bytes(tmp_path):
    rng = np.random.default_rng(3)
    for k, level in enumerate((128, 129, 131)):
        noise = rng.normal(0, 1.0, (480, 640)).clip(-3, 3)
        save(Image.fromarray((level + noise).astype(np.uint8)), tmp_path / f"grey{k}.jpg", quality=90)
    save(Image.new("RGB", (640, 480), (8, 8, 10)), tmp_path / "black.jpg", quality=90)
    save(Image.new("RGB", (640, 480), (12, 11, 10)), tmp_path / "black2.jpg", quality=80)
    (tmp_path / "black copy.jpg").write_bytes((tmp_path / "black.jpg").read_bytes())
    for preset in Preset:
        assert scan_names(tmp_path, preset) == [["black copy.jpg", "black.jpg"]]


def test_a_sticker_in_the_middle_is_found_by_the_edge_strips(tmp_path):
    """A sticker over the middle spoils the whole-picture hash and every crop window (they all hold the centre);
    the edge strips it leaves untouched propose the pair, and the second measure confirms it."""
    photo = astronaut()
    save(photo, tmp_path / "original.jpg", quality=92)
    save(sticker(photo, 0.15, (0.5, 0.5)), tmp_path / "stickered.jpg", quality=90)
    result = run_scan(ScanOptions((str(tmp_path),), use_cache=False))
    assert len(WINDOWS) > CROP_WINDOWS
    (row,) = np.flatnonzero(usable_pairs(result.pairs, NORMAL))
    assert result.pairs.route[row] == Route.PARTIAL and result.pairs.verdict[row] == Verdict.CONFIRMED
    assert names(result, regroup(result, NORMAL)) == [["original.jpg", "stickered.jpg"]]


def test_the_same_sticker_on_two_different_photos_is_not_a_copy(tmp_path):
    save(sticker(astronaut(), 0.2, (0.5, 0.5)), tmp_path / "a.jpg", quality=92)
    save(sticker(shapes(8), 0.2, (0.5, 0.5)), tmp_path / "b.jpg", quality=92)
    assert scan_names(tmp_path, Preset.LOOSE) == []


def test_two_different_pictures_of_one_periodic_pattern_are_not_copies(tmp_path):
    tile = np.asarray(shapes(21, (64, 64)))
    pattern = np.tile(tile, (12, 16, 1))  # 768 x 1024, the same 64 px tile everywhere
    first = Image.fromarray(pattern[:480, :640].copy())
    second = Image.fromarray(pattern[100:580, 150:790].copy())  # a different part: shifted off the period
    ImageDraw.Draw(first).ellipse((200, 150, 440, 330), fill=(20, 120, 200))
    ImageDraw.Draw(second).rectangle((60, 60, 300, 260), fill=(220, 180, 30))
    save(first, tmp_path / "first.jpg", quality=92)
    save(second, tmp_path / "second.jpg", quality=92)
    assert scan_names(tmp_path, Preset.LOOSE) == []


def test_two_screenshots_sharing_the_window_chrome_are_not_copies(tmp_path):
    save(screenshot(1), tmp_path / "Screenshot 1.png")
    save(screenshot(2), tmp_path / "Screenshot 2.png")
    save(screenshot(1), tmp_path / "Screenshot 1 again.jpg", quality=85)
    assert scan_names(tmp_path, Preset.LOOSE) == [["Screenshot 1 again.jpg", "Screenshot 1.png"]]


def test_two_different_crops_of_one_big_picture_are_not_copies(tmp_path):
    big = astronaut((1200, 900))
    save(big.crop((0, 0, 900, 675)), tmp_path / "left.jpg", quality=92)
    save(big.crop((300, 225, 1200, 900)), tmp_path / "right.jpg", quality=92)
    assert scan_names(tmp_path, Preset.LOOSE) == []


def test_hash_only_scans_keep_the_old_behaviour(tmp_path):
    photo = astronaut()
    save(photo, tmp_path / "original.jpg", quality=92)
    save(photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT), tmp_path / "mirrored.jpg", quality=90)
    result = run_scan(ScanOptions((str(tmp_path),), use_cache=False, confirm=False))
    assert not result.pairs.measured and regroup(result, NORMAL) == ()


def test_window_hashes_are_the_pillow_crops_phash():
    import imagehash

    from dupfinder.core.decode import decode_for_hashing

    small = decode_for_hashing(str(ASTRONAUT)).image
    phashes, dhashes = window_hashes(small)
    assert len(phashes) == len(dhashes) == len(WINDOWS)
    for k in (0, 13, len(WINDOWS) - 1):
        x0, y0, x1, y1 = (v * small.width for v in WINDOWS[k])
        crop = small.resize((32, 32), Image.Resampling.LANCZOS, box=(x0, y0, x1, y1))
        expected = int(str(imagehash.phash(crop, hash_size=8, highfreq_factor=4)), 16)
        assert (phashes[k] ^ expected).bit_count() <= 4


def test_picture_detail_tells_blank_from_photo():
    assert picture_detail(Image.new("L", (64, 64), 40)) == 0.0
    assert picture_detail(astronaut().convert("L").resize((64, 64))) > 30


def _pairs(**columns) -> Pairs:
    n = len(columns["distance_bits"])
    base = dict(
        left=np.zeros(n, np.int32), right=np.arange(1, n + 1, dtype=np.int32), identical=np.zeros(n, bool),
        verdict=np.zeros(n, np.uint8), route=np.zeros(n, np.uint8), turn=np.zeros(n, np.uint8),
        inliers=np.zeros(n, np.uint16), coverage=np.zeros(n, np.float32), kept_left=np.ones(n, np.float32),
        kept_right=np.ones(n, np.float32), angle=np.zeros(n, np.float32), edits=np.zeros(n, np.uint8),
        agreement=np.zeros(n, np.float32),
    )  # fmt: skip
    base.update({k: np.asarray(v, dtype=base[k].dtype if k in base else np.uint8) for k, v in columns.items()})
    return Pairs(**base)


def test_usable_pairs_follow_the_verdicts():
    pairs = _pairs(
        distance_bits=[4, 10, 10, 2, 10, 3, 10],
        verdict=[
            Verdict.CONFIRMED,
            Verdict.CONFIRMED,
            Verdict.NO_EVIDENCE,
            Verdict.NO_EVIDENCE,
            Verdict.REFUTED,
            Verdict.FLAT,
            Verdict.CONFIRMED,
        ],
        route=[Route.PLAIN, Route.WINDOW, Route.PLAIN, Route.PLAIN, Route.PLAIN, Route.PLAIN, Route.TURNED],
        kept_left=[1.0, 0.8, 1, 1, 1, 1, 1],
    )
    assert usable_pairs(pairs, STRICT).tolist() == [True, False, False, True, False, False, False]
    assert usable_pairs(pairs, NORMAL).tolist() == [True, True, False, True, False, False, True]


def test_far_plain_pairs_group_only_when_confirmed():
    """Plain pairs past FAR_PLAIN_BITS (measured only between pictures with detail): matched points in one geometry
    group them at normal and loose; pixels that agree as framed, or no evidence, never do."""
    LOOSE = preset_distance(Preset.LOOSE, DEFAULT_HASH)
    far = FAR_PLAIN_BITS + 2
    pairs = _pairs(
        distance_bits=[far, far, far, FAR_PLAIN_BITS],
        verdict=[Verdict.CONFIRMED, Verdict.PIXELS, Verdict.NO_EVIDENCE, Verdict.PIXELS],
        route=[Route.PLAIN] * 4,
        kept_left=[0.9, 1, 1, 1],
    )
    assert usable_pairs(pairs, STRICT).tolist() == [False, False, False, False]
    assert usable_pairs(pairs, NORMAL).tolist() == [True, False, False, True]
    assert usable_pairs(pairs, LOOSE).tolist() == [True, False, False, True]


def test_an_unjudged_copy_of_a_twin_groups_with_the_reference():
    """Images 0 and 1 show the same pixels (confirmed, same framing); 2 is a copy nobody could judge (too few
    keypoints, as on a periodic texture), 5 bits from 1 but 8 from 0. With 0 as the reference, 2 must still join:
    its closeness to 0's twin stands for its closeness to 0. Not at strict (8 bits is past it), not when 0 and 1
    are not twins, and never when the pair with the reference was refuted."""
    unjudged = dict(left=[0, 0, 1], right=[1, 2, 2], route=[Route.PLAIN] * 3, kept_left=[1.0, 1.0, 1.0])
    pairs = _pairs(  # rows: (0, 1), (0, 2), (1, 2)
        **unjudged, distance_bits=[3, 8, 5], verdict=[Verdict.CONFIRMED, Verdict.NO_EVIDENCE, Verdict.NO_EVIDENCE]
    )
    assert usable_pairs(pairs, NORMAL).tolist() == [True, True, True]
    assert usable_pairs(pairs, STRICT).tolist() == [True, False, True]
    assert [[m.image for m in g] for g in cluster(pairs, [0, 1, 2], NORMAL, 64)] == [[0, 1, 2]]
    cropped_twin = _pairs(**{**unjudged, "kept_left": [0.9, 1.0, 1.0]}, distance_bits=[3, 8, 5],
                          verdict=[Verdict.CONFIRMED, Verdict.NO_EVIDENCE, Verdict.NO_EVIDENCE])  # fmt: skip
    assert usable_pairs(cropped_twin, NORMAL).tolist() == [True, False, True]
    refuted = _pairs(**unjudged, distance_bits=[3, 8, 5],
                     verdict=[Verdict.CONFIRMED, Verdict.REFUTED, Verdict.NO_EVIDENCE])  # fmt: skip
    assert usable_pairs(refuted, NORMAL).tolist() == [True, False, True]


class _DictStore:
    """A measure store in memory, as the fingerprint cache will offer it."""

    def __init__(self) -> None:
        self.rows: dict[bytes, tuple] = {}
        self.looked_up = 0
        self.largest_call = 0

    def lookup_measures(self, keys):
        self.looked_up += len(keys)
        self.largest_call = max(self.largest_call, len(keys))
        return {k: self.rows[k] for k in keys if k in self.rows}

    def store_measures(self, items):
        self.largest_call = max(self.largest_call, len(items))
        self.rows.update(items)


def test_a_rescan_with_a_measure_store_decodes_nothing_and_groups_the_same(copies, monkeypatch):
    from dupfinder.core.matching import confirm
    from dupfinder.core.matching.pipeline import matched_pairs

    store = _DictStore()
    first = matched_pairs(copies.images, copies.max_distance_bits, store=store)
    assert store.rows
    monkeypatch.setattr(confirm, "load_view", lambda *a, **k: pytest.fail("a known pair was decoded again"))
    second = matched_pairs(copies.images, copies.max_distance_bits, store=store)
    for name in ("left", "right", "verdict", "inliers", "kept_left", "angle", "edits"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name


def test_measures_are_recalled_and_stored_a_block_at_a_time_with_the_same_figures(copies, monkeypatch):
    from dupfinder.core.matching import pipeline

    whole = _DictStore()
    first = pipeline.matched_pairs(copies.images, copies.max_distance_bits, store=whole)
    assert whole.largest_call > 3
    monkeypatch.setattr(pipeline, "RECALL_BLOCK", 3)
    monkeypatch.setattr(pipeline, "STORE_BATCH", 2)
    blocks = _DictStore()
    second = pipeline.matched_pairs(copies.images, copies.max_distance_bits, store=blocks)
    assert blocks.rows == whole.rows and blocks.largest_call <= 3  # never every key at once
    third = pipeline.matched_pairs(copies.images, copies.max_distance_bits, store=blocks)  # all recalled
    for name in ("left", "right", "verdict", "inliers", "coverage", "kept_left", "kept_right", "angle", "edits",
                 "agreement"):  # fmt: skip
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
        assert np.array_equal(getattr(first, name), getattr(third, name)), name


def test_tiny_and_odd_pictures_never_stop_the_scan(tmp_path):
    save(Image.new("RGB", (1, 1), (200, 10, 10)), tmp_path / "dot.png")
    save(Image.new("RGB", (1, 1), (200, 10, 12)), tmp_path / "dot2.png")
    save(Image.new("RGB", (3, 200), (20, 90, 10)), tmp_path / "line.png")
    save(Image.new("RGB", (3, 200), (22, 90, 10)), tmp_path / "line2.jpg", quality=90)
    save(astronaut((8, 6)), tmp_path / "speck.png")
    save(astronaut((8, 6)).transpose(Image.Transpose.FLIP_LEFT_RIGHT), tmp_path / "speck-mirrored.png")
    result = run_scan(ScanOptions((str(tmp_path),), use_cache=False))
    assert len(result.images) == 6 and not result.problems
    for preset in Preset:
        regroup(result, preset_distance(preset, DEFAULT_HASH))


def test_the_fingerprint_cache_is_the_measure_store_a_warm_rescan_decodes_nothing(copies, tmp_path, monkeypatch):
    from dupfinder.core import fingerprint
    from dupfinder.core.matching import confirm

    cache = str(tmp_path / "cache.sqlite3")
    roots = tuple(sorted({os.path.dirname(im.path) for im in copies.images}))
    first = run_scan(ScanOptions(roots, cache_path=cache))
    assert first.pairs.measured
    monkeypatch.setattr(confirm, "load_view", lambda *a, **k: pytest.fail("a known pair was decoded again"))
    monkeypatch.setattr(fingerprint, "fingerprint_file", lambda *a, **k: pytest.fail("a known file was decoded"))
    second = run_scan(ScanOptions(roots, cache_path=cache))
    assert second.stats.images_from_cache == len(second.images) and second.stats.images_fingerprinted == 0
    assert [im.fingerprint for im in second.images] == [im.fingerprint for im in first.images]
    for name in ("left", "right", "verdict", "inliers", "route", "turn", "kept_left", "angle", "edits"):
        assert np.array_equal(getattr(first.pairs, name), getattr(second.pairs, name)), name


def test_the_second_measure_drops_a_view_once_no_later_pair_needs_it(monkeypatch):
    from dupfinder.core.matching import confirm

    class FakeView:
        live = 0
        nbytes = 1000

        def __init__(self) -> None:
            FakeView.live += 1

        def __del__(self) -> None:
            FakeView.live -= 1

    most = []
    monkeypatch.setattr(confirm, "load_view", lambda path, mirrored, stash: FakeView())
    monkeypatch.setattr(confirm, "CONFIRM_BLOCK", 8)

    def fake_measure(a, b, turn, framed):
        most.append(FakeView.live)
        return confirm.Measure(Verdict.CONFIRMED)

    monkeypatch.setattr(confirm, "measure", fake_measure)
    # 200 groups of a reference and four copies, pairs sorted by their first image as candidates come
    left = np.repeat(np.arange(0, 1000, 5), 4)
    right = left + np.tile(np.arange(1, 5), 200)
    loaded = []
    measures = list(confirm.confirm_pairs([f"/p/{i}.jpg" for i in range(1000)], left, right,
                                          np.zeros(800, np.uint8), np.ones(800, bool), workers=2,
                                          tick=loaded.append))  # fmt: skip
    assert len(measures) == 800 and all(m.verdict == Verdict.CONFIRMED for m in measures)
    assert sum(loaded) == 1000 + 800  # each picture loaded once, each pair measured once
    assert max(most) <= 2 * 8 + 2  # the views of the pairs in flight, not all 1,000
    assert FakeView.live == 0


def test_the_second_measure_never_holds_more_than_its_budget_of_views_and_measures_every_pair(monkeypatch):
    """Pairs among random images (no order keeps few views live): past VIEW_BUDGET_BYTES the views used least recently
    are dropped
    and loaded again when their pair comes, so every pair still meets both its pictures."""
    from dupfinder.core.matching import confirm

    class FakeView:
        live = 0
        nbytes = 1000

        def __init__(self, path: str) -> None:
            self.path = path
            FakeView.live += 1

        def __del__(self) -> None:
            FakeView.live -= 1

    most, met = [], []
    loads = []

    def fake_load(path, mirrored, stash):
        loads.append(path)
        return FakeView(path)

    def fake_measure(a, b, turn, framed):
        most.append(FakeView.live)
        met.append((a.path, b.path))
        return confirm.Measure(Verdict.CONFIRMED)

    monkeypatch.setattr(confirm, "load_view", fake_load)
    monkeypatch.setattr(confirm, "measure", fake_measure)
    monkeypatch.setattr(confirm, "CONFIRM_BLOCK", 8)
    monkeypatch.setattr(confirm, "VIEW_BUDGET_BYTES", 40 * FakeView.nbytes)
    rng = np.random.default_rng(3)
    left = np.sort(rng.integers(0, 500, 3000))
    right = rng.integers(500, 1000, 3000)
    paths = [f"/p/{i}.jpg" for i in range(1000)]
    progress = []
    measures = list(confirm.confirm_pairs(paths, left, right, np.zeros(3000, np.uint8), np.ones(3000, bool),
                                          workers=2, tick=progress.append))  # fmt: skip
    assert len(measures) == 3000
    assert max(most) <= 40 + 2 * 8  # the cap, plus the block in flight
    assert sorted(met) == sorted((paths[a], paths[b]) for a, b in zip(left.tolist(), right.tolist(), strict=True))
    assert len(loads) > len(set(loads))  # some views were loaded again
    assert sum(progress) == len(set(loads)) + 3000  # a reload is no progress: done ends at the total


def test_breadth_first_order_takes_each_cluster_together():
    from dupfinder.core.matching.view_order import breadth_first_order

    rng = np.random.default_rng(4)
    cluster = rng.permutation(np.repeat(np.arange(50), 20))  # 50 clusters of 20, images shuffled
    members = [np.flatnonzero(cluster == c) for c in range(50)]
    pairs = np.array([sorted(rng.choice(m, 2, replace=False)) for m in members for _ in range(60)])
    order = breadth_first_order(pairs[:, 0], pairs[:, 1], 1000)
    assert sorted(order.tolist()) == list(range(len(pairs)))
    taken = cluster[pairs[order, 0]]
    assert int((taken[1:] != taken[:-1]).sum()) == 49  # one stretch per cluster


def test_a_views_size_counts_its_photo_and_both_sets_of_points(tmp_path):
    from dupfinder.core.matching.confirm import load_view

    save(astronaut(), tmp_path / "a.jpg")
    view = load_view(str(tmp_path / "a.jpg"), mirrored=True)
    parts = [view.photo, view.upright.points, view.upright.descriptors, view.mirrored.points, view.mirrored.descriptors]
    assert view.nbytes == sum(a.nbytes for a in parts) > view.photo.nbytes


def test_measure_keys_made_from_the_columns_are_those_of_the_files():
    """The rescan's recall makes each key from the file columns; it must be the key measure_key stored."""
    from dupfinder.core.image_table import FileTable
    from dupfinder.core.matching.pipeline import _file_parts, _key, measure_key
    from dupfinder.core.models import FileEntry

    entries = [FileEntry("/p/\udcff 照片.jpg", 10, -3, 1, 2, False, 7), FileEntry("/p/b.jpg", 2**40, 10**18, 1, 3)]
    files = FileTable.of(entries)
    part = _file_parts(files, np.array([0, 1]))
    assert _key(part[0], part[1], 3, True) == measure_key(entries[0], entries[1], 3, True)
    assert _key(part[0], part[1], 3, False) != measure_key(entries[0], entries[1], 3, True)
