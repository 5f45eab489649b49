"""The views fingerprinting keeps for the second measure (core/matching/stash.py): the same pixels a fresh decode
gives, kept only within the budget, and a scan that uses them measures exactly as one that decodes again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dupfinder.core import scanner
from dupfinder.core.decode import decode_for_hashing, decode_view
from dupfinder.core.matching import confirm
from dupfinder.core.matching.stash import ViewStash
from dupfinder.core.models import Verdict
from dupfinder.core.options import ScanOptions

ASTRONAUT = Path(__file__).parent.parent / "data" / "astronaut.jpg"
SIDE = confirm.VIEW_SIDE


def astronaut(size) -> Image.Image:
    with Image.open(ASTRONAUT) as im:
        return im.convert("RGB").resize(size, Image.Resampling.BILINEAR)


@pytest.mark.parametrize(
    ("size", "name", "orientation"),
    [((2400, 2048), "big.jpg", 1), ((2048, 2400), "turned.jpg", 6), ((900, 700), "picture.png", 1)],
)
def test_the_view_kept_from_hashing_is_decode_views_picture(tmp_path, size, name, orientation):
    """A JPEG DCT-scaled alike for the hashes and the view (both sides >= 8 x 256), EXIF-turned or not, and a
    format decoded whole: the very pixels decode_view gives."""
    path = tmp_path / name
    exif = Image.Exif()
    exif[0x0112] = orientation
    astronaut(size).save(path, exif=exif)
    kept = decode_for_hashing(str(path), view_side=SIDE).view
    assert kept is not None
    assert np.array_equal(np.asarray(kept), np.asarray(decode_view(str(path), SIDE)))


def test_no_view_is_kept_when_the_view_needs_a_finer_decode(tmp_path):
    """A 1600 px JPEG is hashed from a 1/8 decode, but its view needs 1/4: the second measure decodes it again."""
    path = tmp_path / "small.jpg"
    astronaut((1600, 1200)).save(path, quality=90)
    assert decode_for_hashing(str(path), view_side=SIDE).view is None
    assert decode_for_hashing(str(path)).view is None


def test_the_stash_gives_back_what_it_kept_within_its_budget(tmp_path):
    first = Image.fromarray(np.arange(12 * 10, dtype=np.uint8).reshape(10, 12))
    second = Image.fromarray(np.full((10, 12), 7, np.uint8))
    with ViewStash(str(tmp_path), budget_bytes=150) as stash:
        stash.put("a", first)
        stash.put("b", second)  # 240 bytes would be over the 150 allowed
        assert np.array_equal(stash.get("a"), np.asarray(first))
        assert "b" not in stash and stash.get("b") is None
    assert stash.get("a") is None
    stash.put("c", first)  # a late worker after the scan closed it
    assert len(stash) == 0


def test_a_scan_measures_the_kept_views_as_it_would_decoded_ones(tmp_path, monkeypatch):
    """Fingerprinting keeps the views of the big JPEGs; the second measure decodes only the small one, and its
    verdicts and figures equal those of a scan that decodes every picture again."""
    photo = astronaut((2600, 2400))  # its crop too keeps both sides >= 8 x 256: one DCT scale for all three
    photo.save(tmp_path / "original.jpg", quality=92)
    photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(tmp_path / "mirrored.jpg", quality=90)
    w, h = photo.size
    photo.crop((w // 20, h // 25, w - w // 30, h - h // 20)).save(tmp_path / "cropped.jpg", quality=90)
    photo.resize((1600, 1477), Image.Resampling.LANCZOS).save(tmp_path / "smaller.jpg", quality=90)
    decoded: list[str] = []
    real = confirm._decode_view

    def counting(path):
        decoded.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(confirm, "_decode_view", counting)
    options = ScanOptions((str(tmp_path),), use_cache=False)
    kept = scanner.run_scan(options)
    assert sorted(decoded) == ["smaller.jpg"]
    decoded.clear()
    monkeypatch.setattr(scanner, "_view_stash", lambda options, cache: None)
    fresh = scanner.run_scan(options)
    assert sorted(decoded) == ["cropped.jpg", "mirrored.jpg", "original.jpg", "smaller.jpg"]
    assert (kept.pairs.verdict == Verdict.CONFIRMED).sum() >= 3
    for column in ("left", "right", "verdict", "inliers", "coverage", "kept_left", "agreement", "edits"):
        assert np.array_equal(getattr(kept.pairs, column), getattr(fresh.pairs, column)), column
