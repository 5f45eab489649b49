"""Results as JSON and CSV for scripts: the same facts the CLI prints and the GUI shows.

The JSON schema is documented in the README ("JSON output"); bump SCHEMA_VERSION when a field changes meaning.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Collection, Iterable, Sequence

from dupfinder import __version__
from dupfinder.core.matching.differences import difference
from dupfinder.core.models import Group, ImageRecord, Member, ScanResult

SCHEMA_VERSION = 2  # 2: members say how they differ (differs, evidence, matched_points, matched_share, pixels_agree)

CSV_COLUMNS = (
    "group", "path", "keep", "best", "width", "height", "size_bytes", "format", "similarity", "distance_bits",
    "identical", "differs", "evidence", "matched_points", "matched_share", "pixels_agree", "protected", "taken",
    "modified",
)  # fmt: skip


def reclaimable_bytes(result: ScanResult, groups: Sequence[Group], marks: Collection[int]) -> int:
    """Bytes freed by trashing the marked images, counting each real file once."""
    files = result.images.files
    dev, ino, size = files.column("dev"), files.column("ino"), files.column("size_bytes")
    seen: set[tuple[int, int]] = set()
    total = 0
    for group in groups:
        for image in group.images:
            identity = (int(dev[image]), int(ino[image]))
            if image in marks and identity not in seen:
                seen.add(identity)
                total += int(size[image])
    return total


def _iso_mtime(image: ImageRecord) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(image.file.mtime_ns / 1e9))


def member_facts(result: ScanResult, group: Group, member: Member, marks: Collection[int]) -> dict:
    """Everything worth knowing about one group member, as JSON-ready values."""
    image = result.images[member.image]
    fp = image.fingerprint
    diff = difference(result, group.reference, member.image)
    return {
        "path": image.path,
        "width": fp.width,
        "height": fp.height,
        "size_bytes": image.file.size_bytes,
        "format": fp.format,
        "similarity": round(member.similarity, 2),
        "distance_bits": member.distance_bits,
        "identical": member.identical,
        "differs": None if diff is None else diff.label,
        "evidence": None if diff is None else diff.evidence,
        "matched_points": None if diff is None else diff.matched_points,
        "matched_share": None if diff is None else diff.matched_share,
        "pixels_agree": None if diff is None else diff.pixels_agree,
        "reference": member.image == group.reference,
        "best": member.image == group.keeper,
        "keep": member.image not in marks,
        "protected": image.file.protected,
        "taken": fp.taken,
        "modified": _iso_mtime(image),
    }


def to_json_dict(
    result: ScanResult, groups: Sequence[Group], marks: Collection[int], *, threshold_bits: int, preset: str | None
) -> dict:
    groups_out = [
        {
            "id": number,
            "reclaimable_bytes": reclaimable_bytes(result, [group], marks),
            "members": [member_facts(result, group, member, marks) for member in group.members],
        }
        for number, group in enumerate(groups, 1)
    ]
    stats = result.stats
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": f"dupfinder {__version__}",
        "roots": list(result.roots),
        "protected_roots": list(result.protected_roots),
        "hash": result.hash_name,
        "hash_bits": result.hash_bits,
        "threshold_bits": threshold_bits,
        "matched_turned": result.matched_turned,
        "preset": preset,
        "summary": {
            "files_seen": stats.files_seen,
            "images_fingerprinted": stats.images_fingerprinted,
            "images_from_cache": stats.images_from_cache,
            "skipped": stats.skipped,
            "groups": len(groups),
            "duplicates": sum(len(g.members) - 1 for g in groups),
            "marked_for_trash": sum(1 for g in groups for m in g.members if m.image in marks),
            "reclaimable_bytes": reclaimable_bytes(result, groups, marks),
            "elapsed_s": round(stats.elapsed_s, 3),
        },
        "groups": groups_out,
        "problems": [{"path": p.path, "kind": p.kind.name.lower(), "reason": p.reason} for p in result.problems],
        "warnings": list(result.warnings),
    }


def json_text(data: dict) -> str:
    """Readable UTF-8 JSON; file names that are not valid UTF-8 fall back to escaped ASCII."""
    try:
        text = json.dumps(data, ensure_ascii=False, indent=1)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=1)
    return text + "\n"


def csv_text(result: ScanResult, groups: Sequence[Group], marks: Collection[int]) -> str:
    """One row per group member, in group order; names that are not valid UTF-8 are written with escapes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for number, group in enumerate(groups, 1):
        for member in group.members:
            facts = member_facts(result, group, member, marks)
            writer.writerow([number] + [_csv_value(facts[column]) for column in CSV_COLUMNS[1:]])
    return out.getvalue().encode("utf-8", "backslashreplace").decode("utf-8")


def path_list_bytes(paths: Iterable[str]) -> tuple[bytes, int]:
    """One path per line, as the file system spells it (bytes, so names that are not UTF-8 survive); names with a
    line break cannot be listed that way and are left out (their count is returned)."""
    lines, left_out = [], 0
    for path in paths:
        raw = os.fsencode(path)
        if b"\n" in raw or b"\r" in raw:
            left_out += 1
        else:
            lines.append(raw + b"\n")
    return b"".join(lines), left_out


def _csv_value(value):
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value
