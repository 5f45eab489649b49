"""Keep-best order, each tie-break in turn, and protected files."""

from __future__ import annotations

from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member
from dupfinder.core.selection import choose_keeper, keep_best_marks, quality_rank


def _image(path="/p/a.jpg", size=1000, width=100, height=100, fmt="JPEG", mtime_ns=10, protected=False):
    return ImageRecord(
        FileEntry(path, size, mtime_ns, 1, len(path), protected), Fingerprint(width, height, fmt, 0, 0, 0, 0)
    )


def _best(*images):
    rank = quality_rank(images)
    assert sorted(rank) == list(range(len(images)))
    return rank.index(0)


def test_more_pixels_wins_over_a_larger_file():
    assert _best(_image(size=9000), _image(width=200, size=10)) == 1


def test_larger_file_wins_at_equal_pixels():
    assert _best(_image(size=10, fmt="PNG"), _image(size=11, fmt="GIF")) == 1


def test_format_quality_at_equal_pixels_and_size():
    formats = ["GIF", "WEBP", "JPEG", "HEIF", "PNG", "XYZ"]
    rank = quality_rank([_image(fmt=f) for f in formats])
    assert [formats[rank.index(k)] for k in range(len(formats))] == ["PNG", "HEIF", "JPEG", "WEBP", "GIF", "XYZ"]


def test_older_file_then_shorter_path_then_path():
    assert _best(_image(mtime_ns=20), _image(mtime_ns=5)) == 1
    assert _best(_image(path="/p/long-name.jpg"), _image(path="/p/b.jpg")) == 1
    assert _best(_image(path="/p/b.jpg"), _image(path="/p/a.jpg")) == 1


def test_rank_is_deterministic_whatever_the_input_order():
    images = [_image(path=f"/p/{c}.jpg", size=s) for c, s in zip("dcba", (5, 5, 7, 5), strict=True)]
    rank = quality_rank(images)
    assert rank == [3, 2, 0, 1]
    assert quality_rank(images[::-1]) == rank[::-1]


def _group(keeper, *images):
    return Group(tuple(Member(i, 0, 100.0, False) for i in images), keeper)


def test_protected_member_is_keeper_and_never_marked():
    images = [_image(width=400), _image(protected=True), _image(), _image(protected=True, path="/p/z.jpg")]
    rank = quality_rank(images)
    assert choose_keeper([0, 1, 2], images, rank) == 1  # beats the bigger unprotected image
    assert choose_keeper([0, 2], images, rank) == 0
    assert choose_keeper([3, 1], images, rank) == 1  # among protected ones, the better rank
    marks = keep_best_marks([_group(1, 0, 1, 2, 3)], images)
    assert marks == frozenset({0, 2})


def test_marks_everything_but_the_keepers():
    images = [_image() for _ in range(5)]
    assert keep_best_marks([_group(0, 0, 1), _group(4, 2, 3, 4)], images) == frozenset({1, 2, 3})
    assert keep_best_marks([], images) == frozenset()


def test_an_undistorted_copy_beats_a_stretched_one_of_close_size():
    original = _image("/p/original.jpg", width=400, height=300)
    stretched = _image("/p/stretched.jpg", width=400, height=330)  # 10 % taller: more pixels, no more picture
    small = _image("/p/small.jpg", width=200, height=150)
    images = [original, stretched, small]
    assert choose_keeper([0, 1, 2], images, quality_rank(images)) == 0
    assert choose_keeper([0, 1], images, quality_rank(images)) == 0  # a tie of shapes: 4:3 is a photo's


def test_a_much_larger_copy_of_another_shape_still_wins():
    images = [_image("/p/a.jpg", width=400, height=300), _image("/p/b.jpg", width=400, height=300),
              _image("/p/big.jpg", width=1000, height=600)]  # fmt: skip
    assert choose_keeper([0, 1, 2], images, quality_rank(images)) == 2


def test_a_turned_copy_has_its_originals_shape():
    images = [_image("/p/a.jpg", width=400, height=300), _image("/p/turned.jpg", width=300, height=400),
              _image("/p/stretched.jpg", width=400, height=340)]  # fmt: skip
    assert choose_keeper([0, 1, 2], images, quality_rank(images)) in (0, 1)
