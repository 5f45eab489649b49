"""decode_for_hashing: every format, orientation, odd modes, and every kind of bad file."""

from __future__ import annotations

import os
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from dupfinder.core import decode
from dupfinder.core.decode import NORMALISED_SIZE, FingerprintError, decode_for_hashing
from dupfinder.core.fingerprint import fingerprint_file
from dupfinder.core.models import ProblemKind


def photo(width: int = 320, height: int = 240, seed: int = 1) -> Image.Image:
    """A smooth, asymmetric RGB picture: a gradient with blurred coloured shapes, like a photo's large forms."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 // width, y * 255 // height, (x + y) * 127 // (width + height)], axis=-1)
    im = Image.fromarray(base.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(im)
    for _ in range(8):
        x0, y0 = int(rng.integers(0, width * 3 // 4)), int(rng.integers(0, height * 3 // 4))
        x1, y1 = x0 + int(rng.integers(width // 8, width // 3)), y0 + int(rng.integers(height // 8, height // 3))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    return im.filter(ImageFilter.GaussianBlur(max(1, width // 160)))


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def opened(path) -> Image.Image:
    """The image as Pillow opens it (header only), with its file closed again."""
    with Image.open(path) as im:
        return im


def phash_of(path) -> int:
    return fingerprint_file(str(path)).phash


def decode_error(path) -> FingerprintError:
    with pytest.raises(FingerprintError) as info:
        decode_for_hashing(str(path))
    assert info.value.detail, "every problem has a readable detail"
    assert "\n" not in info.value.detail
    return info.value


@pytest.fixture
def original(tmp_path):
    path = tmp_path / "original.png"
    photo().save(path)
    return path


@pytest.mark.parametrize(
    ("suffix", "fmt", "save_args"),
    [
        (".jpg", "JPEG", {"quality": 90}),
        (".png", "PNG", {}),
        (".webp", "WEBP", {"quality": 90}),
        (".gif", "GIF", {}),
        (".bmp", "BMP", {}),
        (".tif", "TIFF", {}),
        (".heic", "HEIF", {"quality": 90}),
        (".avif", "AVIF", {"quality": 90}),
    ],
)
def test_each_format_decodes_to_the_same_small_picture(tmp_path, original, suffix, fmt, save_args):
    path = tmp_path / f"picture{suffix}"
    photo().save(path, fmt, **save_args)
    decoded = decode_for_hashing(str(path))
    assert (decoded.width, decoded.height, decoded.format) == (320, 240, fmt)
    assert decoded.image.mode == "L"
    assert decoded.image.size == (NORMALISED_SIZE, NORMALISED_SIZE)
    assert decoded.taken is None
    assert distance(phash_of(path), phash_of(original)) <= 6


def test_large_jpeg_is_draft_decoded_to_small_luma(tmp_path, monkeypatch):
    path = tmp_path / "big.jpg"
    photo(2400, 1600).save(path, quality=85)
    seen = []
    real_to_grey = decode.to_grey

    def spy(im):
        seen.append((im.mode, im.size))
        return real_to_grey(im)

    monkeypatch.setattr(decode, "to_grey", spy)
    decoded = decode_for_hashing(str(path))
    assert (decoded.width, decoded.height) == (2400, 1600)
    assert seen == [("L", (300, 200))], "libjpeg scaled by 1/8 straight to grey, never a full-size decode"


@pytest.mark.parametrize("orientation", [2, 3, 4, 5, 6, 7, 8])
def test_exif_orientation_is_applied(tmp_path, orientation):
    upright = photo(320, 240)
    upright.save(tmp_path / "upright.png")
    # Store the picture so that applying `orientation` gives the upright picture back.
    inverse = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_270,
    }[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored = tmp_path / "stored.png"
    upright.transpose(inverse).save(stored, exif=exif)
    decoded = decode_for_hashing(str(stored))
    expected_size = (240, 320) if orientation >= 5 else (320, 240)
    assert (decoded.width, decoded.height) == (320, 240)
    assert upright.transpose(inverse).size == expected_size
    assert distance(phash_of(stored), phash_of(tmp_path / "upright.png")) <= 2


def test_orientation_6_jpeg_hashes_like_upright_with_swapped_dimensions(tmp_path):
    upright = photo(640, 480)
    upright.save(tmp_path / "upright.jpg", quality=95)
    exif = Image.Exif()
    exif[0x0112] = 6
    upright.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "turned.jpg", quality=95, exif=exif)
    turned = fingerprint_file(str(tmp_path / "turned.jpg"))
    straight = fingerprint_file(str(tmp_path / "upright.jpg"))
    assert (turned.width, turned.height) == (640, 480)
    assert distance(turned.phash, straight.phash) <= 2
    assert distance(turned.dhash, straight.dhash) <= 2
    upright.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "sideways.jpg", quality=95)
    assert distance(fingerprint_file(str(tmp_path / "sideways.jpg")).phash, straight.phash) > 10


@pytest.mark.parametrize(("suffix", "fmt"), [(".jpg", "JPEG"), (".png", "PNG"), (".webp", "WEBP"), (".avif", "AVIF")])
def test_orientation_6_in_each_format(tmp_path, suffix, fmt):
    """EXIF orientation, or AVIF's rotation box that Pillow reports as EXIF orientation, gives the same result.

    HEIF is not here: its rotation lives in irot/imir boxes that libheif applies while decoding, and pillow-heif
    (like the HEIF spec) ignores an EXIF orientation tag, which is all pillow-heif writes.
    """
    upright = photo(320, 240)
    upright.save(tmp_path / "upright.png")
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / f"turned{suffix}"
    upright.transpose(Image.Transpose.ROTATE_90).save(path, fmt, exif=exif, quality=95)
    decoded = decode_for_hashing(str(path))
    assert (decoded.width, decoded.height, decoded.format) == (320, 240, fmt)
    assert distance(phash_of(path), phash_of(tmp_path / "upright.png")) <= 4


def test_exif_date_taken(tmp_path):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2021:07:04 18:30:05"
    photo().save(tmp_path / "dated.jpg", exif=exif)
    assert decode_for_hashing(str(tmp_path / "dated.jpg")).taken == "2021-07-04 18:30:05"

    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"
    photo().save(tmp_path / "placeholder.jpg", exif=exif)
    assert decode_for_hashing(str(tmp_path / "placeholder.jpg")).taken is None


def test_16_bit_grey_is_scaled_not_clipped(tmp_path):
    grey8 = np.asarray(photo().convert("L"), dtype=np.uint16)
    Image.fromarray(grey8 * 257).save(tmp_path / "grey16.png")
    Image.fromarray(grey8.astype(np.uint8)).save(tmp_path / "grey8.png")
    assert opened(tmp_path / "grey16.png").mode == "I;16"
    small = np.asarray(decode_for_hashing(str(tmp_path / "grey16.png")).image)
    assert small.mean() < 200, "a 16-bit grey must not come out white"
    assert distance(phash_of(tmp_path / "grey16.png"), phash_of(tmp_path / "grey8.png")) <= 2


def test_32_bit_integer_grey_is_read_as_16_bit(tmp_path):
    grey8 = np.asarray(photo().convert("L"), dtype=np.int32)
    Image.fromarray(grey8 * 257, "I").save(tmp_path / "grey32.tif")
    Image.fromarray(grey8.astype(np.uint8)).save(tmp_path / "grey8.png")
    assert distance(phash_of(tmp_path / "grey32.tif"), phash_of(tmp_path / "grey8.png")) <= 2


def test_float_grey_is_stretched(tmp_path):
    grey = np.asarray(photo().convert("L"), dtype=np.float32) / 255.0
    Image.fromarray(grey, "F").save(tmp_path / "float.tif")
    photo().convert("L").save(tmp_path / "grey8.png")
    assert distance(phash_of(tmp_path / "float.tif"), phash_of(tmp_path / "grey8.png")) <= 4


def test_transparency_is_composited_on_white(tmp_path):
    picture = photo()
    alpha = Image.new("L", picture.size, 0)
    ImageDraw.Draw(alpha).ellipse((40, 30, 280, 210), fill=255)
    rgba = picture.copy()
    rgba.putalpha(alpha)
    rgba.save(tmp_path / "cutout.png")
    flat = Image.new("RGB", picture.size, "white")
    flat.paste(picture, mask=alpha)
    flat.save(tmp_path / "flat.png")
    assert distance(phash_of(tmp_path / "cutout.png"), phash_of(tmp_path / "flat.png")) <= 2

    rgba.convert("LA").save(tmp_path / "cutout-la.png")
    assert distance(phash_of(tmp_path / "cutout-la.png"), phash_of(tmp_path / "flat.png")) <= 4

    # A palette image whose transparent entry hides what lies under it.
    palette = flat.quantize(64)
    palette.save(tmp_path / "palette-transparent.png", transparency=0)
    assert "transparency" in opened(tmp_path / "palette-transparent.png").info
    small = np.asarray(decode_for_hashing(str(tmp_path / "palette-transparent.png")).image)
    assert small.max() > small.min()


def test_fully_transparent_image_is_the_background(tmp_path):
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    small = np.asarray(decode_for_hashing(str(tmp_path / "clear.png")).image)
    assert (small == 255).all()


def test_cmyk_jpeg_and_palette_gif_look_like_the_rgb_original(tmp_path, original):
    photo().convert("CMYK").save(tmp_path / "cmyk.jpg", quality=95)
    assert opened(tmp_path / "cmyk.jpg").mode == "CMYK"
    assert distance(phash_of(tmp_path / "cmyk.jpg"), phash_of(original)) <= 4
    photo().quantize(256).save(tmp_path / "palette.gif")
    assert opened(tmp_path / "palette.gif").mode == "P"
    assert distance(phash_of(tmp_path / "palette.gif"), phash_of(original)) <= 6


def test_animated_gif_uses_the_first_frame(tmp_path):
    first, second = photo(seed=1), photo(seed=2)
    first.save(tmp_path / "animated.gif", save_all=True, append_images=[second], duration=100)
    first.save(tmp_path / "first.gif")
    second.save(tmp_path / "second.gif")
    with Image.open(tmp_path / "animated.gif") as im:
        assert im.n_frames == 2
    animated = phash_of(tmp_path / "animated.gif")
    assert distance(animated, phash_of(tmp_path / "first.gif")) <= 2
    assert distance(animated, phash_of(tmp_path / "second.gif")) > 10


@pytest.mark.parametrize("name", ["照片.jpg", "Фотография.jpg", "📷 holiday 🌴.jpg"])
def test_unicode_file_names(tmp_path, name):
    photo().save(tmp_path / name)
    decoded = decode_for_hashing(str(tmp_path / name))
    assert (decoded.width, decoded.height, decoded.format) == (320, 240, "JPEG")


def test_empty_file(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert decode_error(tmp_path / "empty.jpg").kind is ProblemKind.EMPTY


def test_text_file_named_jpg(tmp_path):
    (tmp_path / "notes.jpg").write_text("shopping list: milk, eggs\n")
    assert decode_error(tmp_path / "notes.jpg").kind is ProblemKind.NOT_AN_IMAGE


@pytest.mark.parametrize(("fmt", "suffix"), [("JPEG", ".jpg"), ("PNG", ".png")])
def test_truncated_file(tmp_path, fmt, suffix):
    path = tmp_path / f"cut{suffix}"
    photo().save(path, fmt)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    error = decode_error(path)
    assert error.kind is ProblemKind.CORRUPT
    assert "truncated" in error.detail or "broken" in error.detail


def test_bit_flipped_png_header(tmp_path):
    path = tmp_path / "flipped.png"
    photo().save(path)
    data = bytearray(path.read_bytes())
    data[18] ^= 0x10  # a bit of the width in IHDR: the chunk's checksum no longer matches
    path.write_bytes(bytes(data))
    error = decode_error(path)
    assert error.kind is ProblemKind.CORRUPT
    assert "PNG" in error.detail


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose valid IHDR declares width x height, followed by a token of image data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_png_declaring_huge_dimensions_is_too_large(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(100_000, 100_000))
    error = decode_error(path)
    assert error.kind is ProblemKind.TOO_LARGE
    assert "100000 x 100000 pixels (10000 MP)" in error.detail


def test_pillow_pixel_limit_warning_never_fires_the_memory_budget_decides(tmp_path):
    """100 MP is over Pillow's warning limit: its DecompressionBombWarning would reach stderr raw."""
    path = tmp_path / "big.png"
    path.write_bytes(png_claiming(10_000, 10_000))  # within the budget, so decoded: and then found truncated
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = decode_error(path)
    assert error.kind is ProblemKind.CORRUPT and "Warning" not in error.detail


def test_jpeg_over_the_jpeg_limit_is_too_large(tmp_path):
    path = tmp_path / "huge.jpg"
    photo(64, 48).save(path)
    data = bytearray(path.read_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)  # height, width
    path.write_bytes(bytes(data))
    error = decode_error(path)
    assert error.kind is ProblemKind.TOO_LARGE
    assert "60000 x 60000" in error.detail


def test_jpeg_over_pillow_limit_but_within_ours_is_not_refused(tmp_path, monkeypatch):
    path = tmp_path / "wide.jpg"
    photo(1600, 1200).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)  # Pillow would refuse 1.9 MP at twice this
    assert decode_for_hashing(str(path)).width == 1600
    photo(1600, 1200).save(tmp_path / "wide.png")
    assert decode_for_hashing(str(tmp_path / "wide.png")).width == 1600  # the memory budget is the limit


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_permission(tmp_path):
    path = tmp_path / "secret.jpg"
    photo().save(path)
    path.chmod(0)
    try:
        assert decode_error(path).kind is ProblemKind.PERMISSION
    finally:
        path.chmod(0o644)


def test_permission_error_is_reported_as_such(tmp_path, monkeypatch):
    """Runs as root too: the OS refusal is simulated where decode opens the file."""

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(decode, "open_photo", refuse)
    error = decode_error(tmp_path / "any.jpg")
    assert (error.kind, error.detail) == (ProblemKind.PERMISSION, "Permission denied")


def test_folder_and_missing_file(tmp_path):
    assert decode_error(tmp_path).kind is ProblemKind.UNREADABLE
    assert decode_error(tmp_path / "gone.jpg").kind is ProblemKind.MISSING


def test_pillow_warnings_never_become_crashes(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "odd-exif.jpg"
    photo().save(path, exif=exif)
    data = bytearray(path.read_bytes())
    ifd = data.index(b"MM\x00*") if b"MM\x00*" in data else data.index(b"II*\x00")
    data[ifd + 4 : ifd + 8] = b"\xff\xff\xff\x00"  # IFD offset far past the end of the EXIF block
    path.write_bytes(bytes(data))
    with pytest.warns(UserWarning, match="EXIF"):
        decoded = decode_for_hashing(str(path))
    assert (decoded.width, decoded.height) == (320, 240), "broken EXIF reads as no EXIF"

    photo().quantize(16).save(tmp_path / "palette-transparent.png", transparency=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert decode_for_hashing(str(tmp_path / "palette-transparent.png")).format == "PNG"
        error = decode_error(path)  # warnings made errors by the caller: a Problem, still no crash
        assert error.kind is ProblemKind.CORRUPT
        assert error.detail.startswith("warning: Corrupt EXIF")
