"""Regenerate the nasty corpus in this folder: `python tests/data/nasty/make_nasty.py`.

Each file is named for what is wrong with it; tests/safety/test_nasty_corpus.py says what the scanner must make of
each. The bytes depend on Pillow's encoders, so the committed files are the reference, not this script's output.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent.parent))
from conftest import synthetic_photo  # noqa: E402

SIZE = (64, 48)


def encoded(fmt: str, **options) -> bytes:
    im = synthetic_photo(7, SIZE)
    out = io.BytesIO()
    (im.convert("P") if fmt == "GIF" else im).save(out, fmt, **options)
    return out.getvalue()


def png_with_ihdr(png: bytes, width: int, height: int) -> bytes:
    out = bytearray(png)
    out[16:24] = struct.pack(">II", width, height)
    out[29:33] = struct.pack(">I", zlib.crc32(bytes(out[12:29])))
    return bytes(out)


def tiff_with_tag(tiff: bytes, tags: dict[int, int]) -> bytes:
    """A little-endian TIFF with the given one-value tags (ImageWidth 256, StripOffsets 273, ...) overwritten."""
    out = bytearray(tiff)
    offset = struct.unpack("<I", out[4:8])[0]
    for n in range(struct.unpack("<H", out[offset : offset + 2])[0]):
        entry = offset + 2 + 12 * n
        tag, kind, count = struct.unpack("<HHI", out[entry : entry + 8])
        if tag in tags and count == 1:
            value = tags[tag]
            out[entry + 8 : entry + 12] = (
                struct.pack("<HH", min(value, 65535), 0) if kind == 3 else struct.pack("<I", value)
            )
    return bytes(out)


def main() -> None:
    rng = random.Random(1)
    jpg, png, webp, gif, tif = (
        encoded("JPEG", quality=85),
        encoded("PNG"),
        encoded("WEBP", quality=80),
        encoded("GIF"),
        encoded("TIFF"),
    )
    files = {
        "zero.jpg": b"",
        "zero.webp": b"",
        "only-magic.jpg": b"\xff\xd8\xff",
        "truncated-header.jpg": jpg[:40],
        "truncated.jpg": jpg[: len(jpg) // 2],
        "truncated.png": png[: len(png) // 2],
        "truncated.webp": webp[: len(webp) // 2],
        "truncated.gif": gif[: len(gif) // 2],
        "truncated.tiff": tif[: len(tif) // 2],
        "text-as.gif": b"This is not a picture, just words saved with the wrong name.\n" * 3,
        "html-as.jpg": b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n",
        "random-bytes.png": rng.randbytes(3000),
        "zeros-4k.tiff": bytes(4096),
        "png-as.jpg": png,
        "jpeg-as.webp": jpg,
        "huge-dimensions.png": png_with_ihdr(png, 100_000, 100_000),
        "huge-dimensions.tiff": tiff_with_tag(tif, {256: 1_000_000, 257: 1_000_000}),
        "bad-strip-offset.tiff": tiff_with_tag(tif, {273: 0x7FFFFFF0}),
    }
    b = bytearray(png)
    b[18] ^= 0x10  # a bit of the IHDR width: the CRC no longer matches
    files["bitflip-header.png"] = bytes(b)
    b = bytearray(jpg)
    for _ in range(8):
        b[rng.randrange(len(b) // 2, len(b) - 10)] ^= 1 << rng.randrange(8)
    files["bitflip-data.jpg"] = bytes(b)
    b = bytearray(jpg)
    sof = b.find(b"\xff\xc0")
    b[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    files["huge-dimensions.jpg"] = bytes(b)
    b = bytearray(gif)
    b[6:10] = struct.pack("<HH", 65535, 65535)
    descriptor = b.find(b"\x2c", 13 + 3 * 256)
    b[descriptor + 5 : descriptor + 9] = struct.pack("<HH", 65535, 65535)
    files["huge-dimensions.gif"] = bytes(b)
    out = io.BytesIO()
    synthetic_photo(7, SIZE).save(out, "WEBP", quality=80, exif=b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00")
    b = bytearray(out.getvalue())
    vp8x = b.find(b"VP8X")
    b[vp8x + 12 : vp8x + 18] = (16383).to_bytes(3, "little") * 2  # canvas 16384 x 16384
    files["huge-dimensions.webp"] = bytes(b)
    frames = [synthetic_photo(s, SIZE).convert("P") for s in (3, 4)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    animated = out.getvalue()
    files["animated-second-frame-cut.gif"] = animated[: len(animated) - len(animated) // 4]
    exif = b"Exif\x00\x00" + rng.randbytes(24)
    files["garbage-exif.jpg"] = jpg[:2] + b"\xff\xe1" + struct.pack(">H", 2 + len(exif)) + exif + jpg[2:]
    b = bytearray(png)
    idat = b.find(b"IDAT")
    b[idat + 4 + struct.unpack(">I", b[idat - 4 : idat])[0]] ^= 0xFF
    files["bad-idat-crc.png"] = bytes(b)
    b = bytearray(png)
    for k in range(idat + 40, idat + 60):
        b[k] ^= 0x5A
    files["corrupt-zlib.png"] = bytes(b)
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"{len(files)} files, {sum(map(len, files.values()))} bytes")


if __name__ == "__main__":
    main()
