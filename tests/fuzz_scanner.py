"""Fuzz the scanner with mutated images: it must never crash or hang, and must account for every file.

Not collected by pytest (no test_ prefix): run it by hand, e.g.

    /work/venv/bin/python tests/fuzz_scanner.py --cases 2000 --corpus /work/data/acc-dev

Seeds are real JPEG/PNG/WebP/GIF files from --corpus (the smallest few of each format; TIFF seeds are real photos
re-saved as TIFF) or, without --corpus, pictures generated with Pillow. Each case is one seed with one mutation:
truncation, bit flips (anywhere or in the header), a zero-filled stretch, a copied stretch, a wrong extension,
zero bytes, or gigantic declared dimensions. All cases are scanned with run_scan in one go, then each file is
fingerprinted alone under a time limit. Prints counts by outcome, the slowest files and peak RSS; exits 1 when a
file is unaccounted for, an error was unexpected (a bug caught by the safety net), or a file timed out.
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import random
import resource
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

from dupfinder.core.discovery import discover
from dupfinder.core.fingerprint import fingerprint_files
from dupfinder.core.models import Fingerprint, Problem
from dupfinder.core.options import ScanOptions
from dupfinder.core.scanner import run_scan

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "TIFF": ".tif"}
SEEDS_PER_FORMAT = 6
UNEXPECTED = "unexpected "  # fingerprint.py's prefix for an exception it did not know about

Mutation = Callable[[bytes, str, random.Random], tuple[bytes, str]]


# ------------------------------------------------------------------------------------------------ seeds
def corpus_seeds(corpus: Path) -> list[tuple[str, bytes]]:
    """(format, bytes): the smallest few files of each format (by content, not name), TIFFs re-saved from JPEGs."""
    by_format: dict[str, list[tuple[int, Path]]] = collections.defaultdict(list)
    for path in corpus.rglob("*"):
        if not path.is_file() or path.suffix.lower() not in (".jpg", ".jpeg", ".png", ".webp", ".gif"):
            continue
        try:
            with Image.open(path) as im:
                fmt = im.format
        except (OSError, SyntaxError, ValueError):
            continue
        if fmt in FORMATS and path.stat().st_size >= 4096:
            by_format[fmt].append((path.stat().st_size, path))
    seeds = []
    for fmt, found in by_format.items():
        seeds += [(fmt, p.read_bytes()) for _, p in sorted(found)[:SEEDS_PER_FORMAT]]
    for k, (_, path) in enumerate(sorted(by_format["JPEG"])[:SEEDS_PER_FORMAT]):
        with Image.open(path) as im:
            im.thumbnail((480, 480))
            out = io.BytesIO()
            im.convert("RGB").save(out, "TIFF", compression=(None, "tiff_lzw", "tiff_deflate")[k % 3])
            seeds.append(("TIFF", out.getvalue()))
    return seeds


def generated_seeds(rng: random.Random) -> list[tuple[str, bytes]]:
    """Pictures drawn with Pillow, in the modes and options each format is commonly saved with."""

    def picture(seed: int, size=(160, 120), mode="RGB") -> Image.Image:
        r = random.Random(seed)
        im = Image.new("RGB", size, tuple(r.randrange(256) for _ in range(3)))
        draw = ImageDraw.Draw(im)
        for _ in range(12):
            box = sorted(r.randrange(size[0]) for _ in range(2)), sorted(r.randrange(size[1]) for _ in range(2))
            draw.ellipse((box[0][0], box[1][0], box[0][1], box[1][1]), fill=tuple(r.randrange(256) for _ in range(3)))
        return im.convert(mode)

    def save(im: Image.Image, fmt: str, **options) -> bytes:
        out = io.BytesIO()
        im.save(out, fmt, **options)
        return out.getvalue()

    exif = Image.Exif()
    exif[0x0112] = 6
    seeds = [
        ("JPEG", save(picture(1), "JPEG", quality=90)),
        ("JPEG", save(picture(2), "JPEG", quality=75, progressive=True)),
        ("JPEG", save(picture(3), "JPEG", exif=exif.tobytes())),
        ("JPEG", save(picture(4, mode="L"), "JPEG")),
        ("JPEG", save(picture(5, mode="CMYK"), "JPEG")),
        ("PNG", save(picture(6), "PNG")),
        ("PNG", save(picture(7, mode="RGBA"), "PNG")),
        ("PNG", save(picture(8, mode="P"), "PNG")),
        ("PNG", save(picture(9, mode="L").convert("I;16"), "PNG")),
        ("WEBP", save(picture(10), "WEBP", quality=80)),
        ("WEBP", save(picture(11), "WEBP", lossless=True)),
        ("WEBP", save(picture(12, mode="RGBA"), "WEBP", exif=exif.tobytes())),
        ("GIF", save(picture(13, mode="P"), "GIF")),
        ("GIF", save(picture(14, mode="P"), "GIF", save_all=True, append_images=[picture(15, mode="P")])),
        ("TIFF", save(picture(16), "TIFF")),
        ("TIFF", save(picture(17), "TIFF", compression="tiff_lzw")),
        ("TIFF", save(picture(18, mode="L").convert("I;16"), "TIFF")),
    ]
    rng.shuffle(seeds)
    return seeds


# ------------------------------------------------------------------------------------------------ mutations
def truncate(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    n = rng.randrange(1, len(data))
    return data[:n], f"truncated to {n} of {len(data)} bytes"


def truncate_header(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    n = rng.randrange(1, min(512, len(data)))
    return data[:n], f"cut to the first {n} bytes"


def flip_bits(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    out = bytearray(data)
    k = rng.choice((1, 2, 4, 8, 32, 128))
    for _ in range(k):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out), f"{k} bit flips"


def flip_header_bits(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    out = bytearray(data)
    k = rng.randrange(1, 5)
    for _ in range(k):
        out[rng.randrange(min(256, len(out)))] ^= 1 << rng.randrange(8)
    return bytes(out), f"{k} bit flips in the first 256 bytes"


def zero_stretch(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    start = rng.randrange(len(data))
    n = rng.randrange(1, 4096)
    out = bytearray(data)
    out[start : start + n] = bytes(len(out[start : start + n]))
    return bytes(out), f"{n} bytes zeroed at {start}"


def copy_stretch(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    a, b = sorted(rng.randrange(len(data)) for _ in range(2))
    at = rng.randrange(len(data))
    return data[:at] + data[a:b] + data[at:], f"bytes {a}..{b} inserted at {at}"


def empty(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    return b"", "zero bytes"


def garbage(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    n = rng.randrange(1, 20000)
    return rng.randbytes(n), f"{n} random bytes"


def gigantic(data: bytes, fmt: str, rng: random.Random) -> tuple[bytes, str]:
    """Declare enormous dimensions in the format's own header (CRCs fixed where a reader would check them)."""
    out = bytearray(data)
    big = rng.choice((20_000, 65_000, 65_535, 100_000, 1 << 20, (1 << 31) - 1))
    if fmt == "PNG" and out[12:16] == b"IHDR":
        out[16:24] = struct.pack(">II", big, rng.choice((big, 1, 300)))
        out[29:33] = struct.pack(">I", zlib.crc32(bytes(out[12:29])))
    elif fmt == "JPEG":
        big = min(big, 65_535)
        for sof in (b"\xff\xc0", b"\xff\xc1", b"\xff\xc2"):
            i = out.find(sof)
            if i > 0:
                out[i + 5 : i + 9] = struct.pack(">HH", big, rng.choice((big, 1, 300)))
                break
    elif fmt == "GIF":
        big = min(big, 65_535)
        out[6:10] = struct.pack("<HH", big, big)
        flags = out[10]
        i = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        while i < len(out) and out[i] == 0x21:  # skip extension blocks to the image descriptor
            i += 2
            while i < len(out) and out[i]:
                i += out[i] + 1
            i += 1
        if i + 9 <= len(out) and out[i] == 0x2C:
            out[i + 5 : i + 9] = struct.pack("<HH", big, big)
    elif fmt == "WEBP":
        i = out.find(b"VP8X")
        j = out.find(b"VP8 ")
        k = out.find(b"VP8L")
        side = min(big, 1 << 24) - 1
        if i > 0:
            out[i + 12 : i + 15] = side.to_bytes(3, "little")
            out[i + 15 : i + 18] = side.to_bytes(3, "little")
        if j > 0 and out[j + 11 : j + 14] == b"\x9d\x01\x2a":
            out[j + 14 : j + 18] = struct.pack("<HH", 0x3FFF, 0x3FFF)
        if k > 0:
            out[k + 9 : k + 13] = (
                0x3FFF | (0x3FFF << 14) | (int.from_bytes(out[k + 9 : k + 13], "little") & (0xF << 28))
            ).to_bytes(4, "little")
    elif fmt == "TIFF" and out[:2] in (b"II", b"MM"):
        end = "<" if out[:2] == b"II" else ">"
        offset = struct.unpack(end + "I", out[4:8])[0]
        count = struct.unpack(end + "H", out[offset : offset + 2])[0]
        for n in range(count):
            e = offset + 2 + 12 * n
            tag, kind = struct.unpack(end + "HH", out[e : e + 4])
            if tag in (256, 257):
                value = struct.pack(end + "HH", min(big, 65_535), 0) if kind == 3 else struct.pack(end + "I", big)
                out[e + 8 : e + 12] = value
    return bytes(out), f"declared {big} pixels wide"


MUTATIONS: dict[str, tuple[Mutation, int]] = {  # name -> (mutation, weight)
    "truncate": (truncate, 4),
    "truncate-header": (truncate_header, 2),
    "bit-flips": (flip_bits, 5),
    "header-bit-flips": (flip_header_bits, 3),
    "zero-stretch": (zero_stretch, 2),
    "copy-stretch": (copy_stretch, 2),
    "wrong-extension": (lambda data, fmt, rng: (data, "valid file, another format's extension"), 1),
    "empty": (empty, 1),
    "garbage": (garbage, 1),
    "gigantic": (gigantic, 3),
}


def build_cases(seeds: list[tuple[str, bytes]], count: int, folder: Path, rng: random.Random) -> dict[str, str]:
    """Write `count` mutated files to folder; returns path -> 'mutation: detail'."""
    names = list(MUTATIONS)
    weights = [MUTATIONS[n][1] for n in names]
    cases = {}
    for n in range(count):
        fmt, data = seeds[n % len(seeds)]
        name = rng.choices(names, weights)[0]
        mutated, detail = MUTATIONS[name][0](data, fmt, rng)
        suffix = FORMATS[fmt]
        if name == "wrong-extension":
            suffix = rng.choice([s for f, s in FORMATS.items() if f != fmt])
        path = folder / f"{n:05d}-{fmt.lower()}-{name}{suffix}"
        path.write_bytes(mutated)
        cases[str(path)] = f"{name}: {detail}"
    return cases


# ------------------------------------------------------------------------------------------------ checks
def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scan_in_one_go(folder: Path, cases: dict[str, str], timeout_s: float) -> tuple[dict[str, str], list[str], float]:
    """run_scan over every case: outcome per path ('ok' or a ProblemKind name) and what went wrong."""
    started = time.monotonic()
    result = run_scan(ScanOptions(roots=(str(folder),), use_cache=False, decode_timeout_s=timeout_s))
    elapsed = time.monotonic() - started
    outcome = {image.path: "ok" for image in result.images}
    errors = []
    for problem in result.problems:
        if problem.path in outcome:
            errors.append(f"{problem.path}: both fingerprinted and a problem")
        outcome[problem.path] = problem.kind.name
        if not problem.detail or problem.detail.startswith(UNEXPECTED):
            errors.append(f"{problem.path} ({cases.get(problem.path)}): {problem.reason}")
    errors += [f"{p} ({c}): neither fingerprinted nor reported" for p, c in cases.items() if p not in outcome]
    return outcome, errors, elapsed


def one_by_one(folder: Path, timeout_s: float) -> dict[str, tuple[Fingerprint | Problem, float]]:
    """Each file alone, as the scanner's worker pool runs it, with its wall time."""
    entries, _ = discover(ScanOptions(roots=(str(folder),)))
    timed = {}
    for entry in entries:
        started = time.monotonic()
        ((_, result),) = list(fingerprint_files([entry], workers=1, timeout_s=timeout_s))
        timed[entry.path] = (result, time.monotonic() - started)
    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, help="folder of real photos to take seeds from (default: generate)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="per-file limit in seconds (default: 10)")
    parser.add_argument("--keep", type=Path, help="write the cases here and keep them (default: a temp folder)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = corpus_seeds(args.corpus) if args.corpus else generated_seeds(rng)
    print(f"{len(seeds)} seeds: {dict(collections.Counter(fmt for fmt, _ in seeds))}")
    with tempfile.TemporaryDirectory(prefix="dupfinder-fuzz-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        cases = build_cases(seeds, args.cases, folder, rng)
        print(f"{len(cases)} cases in {folder}: {dict(collections.Counter(c.split(':')[0] for c in cases.values()))}")

        outcome, errors, elapsed = scan_in_one_go(folder, cases, args.timeout)
        print(f"run_scan: {elapsed:.1f} s for {len(cases)} files, peak RSS {peak_rss_mb():.0f} MB")
        print("outcomes:", dict(sorted(collections.Counter(outcome.values()).items())))
        by_mutation: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for path, what in cases.items():
            by_mutation[what.split(":")[0]][outcome.get(path, "MISSING")] += 1
        for name, counts in sorted(by_mutation.items()):
            print(f"  {name:18} {dict(sorted(counts.items()))}")

        timed = one_by_one(folder, args.timeout)
        slowest = sorted(timed.items(), key=lambda kv: kv[1][1], reverse=True)[:5]
        print(f"one by one: max {slowest[0][1][1]:.2f} s per file; slowest:")
        for path, (result, seconds) in slowest:
            label = "ok" if isinstance(result, Fingerprint) else result.kind.name
            print(f"  {seconds:6.2f} s  {label:12} {os.path.basename(path)} ({cases[path]})")
        for path, (result, _) in timed.items():
            label = "ok" if isinstance(result, Fingerprint) else result.kind.name
            if label == "TIMEOUT":
                errors.append(f"{path} ({cases[path]}): took longer than {args.timeout:g} s")
            elif label != outcome.get(path):
                print(f"  note: {os.path.basename(path)} was {outcome.get(path)} in the scan, {label} alone")
        print(f"peak RSS {peak_rss_mb():.0f} MB")
    if errors:
        print(f"{len(errors)} FAILURES:")
        for line in errors[:50]:
            print("  " + line)
        return 1
    print(f"OK: {len(cases)} cases, every file fingerprinted or reported with a reason, no crash, no hang")
    return 0


if __name__ == "__main__":
    sys.exit(main())
