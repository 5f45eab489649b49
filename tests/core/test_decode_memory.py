"""Decoding memory: the estimate read from the header bounds what a decode really takes, the shared budget keeps
parallel decodes from adding up, and a file that needs more than the whole budget is refused with its pixel count."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dupfinder.core import decode_memory
from dupfinder.core.decode import FingerprintError, decode_for_hashing
from dupfinder.core.decode_memory import MemoryBudget, decode_bytes
from dupfinder.core.models import ProblemKind


def picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A smooth picture (noise blown up): compresses like a photo, decodes like any image of its size."""
    noise = np.random.default_rng(3).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    return Image.fromarray(noise, "RGB").resize(size, Image.Resampling.BICUBIC).convert(mode)


def test_a_progressive_jpeg_is_counted_at_full_size_whatever_the_draft_scale(tmp_path):
    picture((4000, 3000)).save(tmp_path / "progressive.jpg", progressive=True, quality=80)
    picture((4000, 3000)).save(tmp_path / "baseline.jpg", quality=80)
    with Image.open(tmp_path / "progressive.jpg") as progressive, Image.open(tmp_path / "baseline.jpg") as baseline:
        for im in (progressive, baseline):
            im.draft("L", (64, 64))
        need_progressive = decode_bytes(progressive, (4000, 3000))
        need_baseline = decode_bytes(baseline, (4000, 3000))
    assert need_progressive >= 4000 * 3000 * 1.5 * 2  # Y at full size, Cb and Cr at a quarter, 2 bytes each
    assert need_baseline < 16 << 20  # decoded at 1/8, straight to grey


def test_a_file_needing_more_than_the_whole_budget_is_too_large_with_its_pixel_count(tmp_path):
    picture((4000, 3000)).save(tmp_path / "progressive.jpg", progressive=True, quality=80)
    picture((4000, 3000)).save(tmp_path / "baseline.jpg", quality=80)
    small_budget = MemoryBudget(30 << 20)

    with pytest.raises(FingerprintError) as refused:
        decode_for_hashing(str(tmp_path / "progressive.jpg"), budget=small_budget)

    assert refused.value.kind is ProblemKind.TOO_LARGE
    assert "4000 x 3000 pixels (12 MP)" in refused.value.detail and "30 MiB" in refused.value.detail
    assert decode_for_hashing(str(tmp_path / "baseline.jpg"), budget=small_budget).width == 4000
    assert small_budget.used_bytes == 0


def test_parallel_decodes_wait_for_the_budget_instead_of_adding_up(tmp_path):
    names = []
    for i in range(4):
        picture((1500, 1000)).save(tmp_path / f"{i}.png")
        names.append(str(tmp_path / f"{i}.png"))
    with Image.open(names[0]) as im:
        need = decode_bytes(im, im.size)
    peak = []

    class WatchedBudget(MemoryBudget):
        @contextmanager
        def take(self, nbytes):
            with super().take(nbytes):
                peak.append(self.used_bytes)
                yield

    budget = WatchedBudget(need + need // 2)  # room for one decode at a time, not two
    threads = [threading.Thread(target=decode_for_hashing, args=(name, None, budget)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(peak) == 4 and max(peak) == need
    assert budget.used_bytes == 0


def test_the_budget_lets_one_through_when_enough_is_free():
    budget = MemoryBudget(100)
    order = []
    with budget.take(70):
        waiter = threading.Thread(target=lambda: budget.take(70).__enter__() or order.append("second"))
        waiter.start()
        waiter.join(0.2)
        assert waiter.is_alive() and order == []  # still waiting: 70 + 70 > 100
        order.append("first done")
    waiter.join()
    assert order == ["first done", "second"]


MEASURE = """
import json, sys
from dupfinder.core.decode import decode_for_hashing

def peak_bytes():  # VmHWM: this process's own peak (ru_maxrss would include the forking parent's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))

decode_for_hashing(sys.argv[2])  # warm up: plugins, numpy, scipy are loaded before the baseline
before = peak_bytes()
decode_for_hashing(sys.argv[1])
print(json.dumps(peak_bytes() - before))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="/proc/self/status")
@pytest.mark.parametrize(
    "name, save",
    [
        ("progressive.jpg", lambda p: picture((5000, 4000)).save(p, progressive=True, quality=80)),
        ("rgb.png", lambda p: picture((5000, 4000)).save(p, compress_level=1)),
        ("rgba.tiff", lambda p: picture((4000, 3000), "RGBA").save(p)),
        ("palette.gif", lambda p: picture((5000, 4000), "P").save(p)),
    ],
)
def test_the_estimate_covers_what_decoding_really_takes(tmp_path, name, save):
    """Measured in a fresh process: the peak RSS a decode adds stays under the estimate it was charged."""
    path = tmp_path / name
    save(path)
    picture((64, 48)).save(tmp_path / "tiny.png")
    with Image.open(path) as im:
        full = im.size
        im.draft("L", (64, 64))
        estimate = decode_bytes(im, full)
    measured = json.loads(
        subprocess.run(
            [sys.executable, "-c", MEASURE, str(path), str(tmp_path / "tiny.png")],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent.parent.parent,
        ).stdout
    )
    assert measured <= estimate, f"{name}: took {measured / 2**20:.0f} MiB, charged {estimate / 2**20:.0f} MiB"
    assert estimate <= 3 * measured + (16 << 20), "the estimate is far too generous"


def test_default_budget_is_shared_by_the_whole_process():
    assert decode_memory.DECODE_BUDGET.total_bytes == decode_memory.DEFAULT_BUDGET_BYTES == 1 << 30
