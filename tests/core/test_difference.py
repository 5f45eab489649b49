"""Aligning a copy onto its original and finding where they differ (the compare view's difference mode)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from dupfinder.core.difference import difference, heat_map

ASTRONAUT = Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg"


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    with Image.open(ASTRONAUT) as im:
        return np.asarray(im.convert("RGB").resize((384, 384)))


def test_a_recompressed_copy_differs_almost_nowhere(photo):
    diff = difference(photo, photo.copy())
    assert diff.matched and diff.covered.all()
    assert diff.changed_share < 0.01


def test_a_sticker_is_where_the_copy_differs(photo):
    edited = Image.fromarray(photo)
    ImageDraw.Draw(edited).rectangle((250, 250, 330, 330), fill=(255, 0, 255))
    diff = difference(photo, np.asarray(edited))
    assert diff.matched
    inside = diff.change[260:320, 260:320]
    outside = diff.change[:200, :200]
    assert inside.mean() > 60 and outside.mean() < 10
    assert 0.02 < diff.changed_share < 0.1


def test_a_crop_lines_up_and_the_cut_away_part_is_not_covered(photo):
    cropped = np.asarray(Image.fromarray(photo).crop((0, 0, 300, 384)).resize((400, 512)))
    diff = difference(photo, cropped)
    assert diff.matched
    assert not diff.covered[:, 340:].any() and diff.covered[:, :280].mean() > 0.98  # edges may round either way
    assert diff.changed_share < 0.05


def test_a_mirrored_copy_is_aligned_by_trying_the_orientations(photo):
    diff = difference(photo, photo[:, ::-1].copy())
    assert diff.matched and diff.changed_share < 0.02


def test_without_shared_points_it_falls_back_to_a_resize_and_says_so():
    flat = np.full((64, 64, 3), 128, np.uint8)
    diff = difference(flat, np.full((32, 32, 3), 120, np.uint8))
    assert not diff.matched and diff.covered.all() and diff.changed_share == 0.0


def test_the_heat_map_shows_change_in_red(photo):
    edited = photo.copy()
    edited[100:150, 100:150] = 0
    picture = heat_map(photo, difference(photo, edited))
    assert picture.shape == photo.shape
    assert picture[110:140, 110:140, 0].mean() > 100 > picture[300:350, 300:350, 0].mean()
