"""The images as columns: every ImageRecord comes back as it went in, whatever its values."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.core.image_table import DIGEST_BYTES, FileTable, FingerprintColumns, ImageTable
from dupfinder.core.models import FileEntry, Fingerprint, ImageRecord, Pairs, ScanResult


def _records() -> list[ImageRecord]:
    return [
        ImageRecord(
            FileEntry("/photos/a.jpg", 1000, -5, 2**64 - 1, 7, False, 3),
            Fingerprint(4000, 3000, "JPEG", 1, 2**64 - 1, 3, 4, "2021-07-04 10:20:30", detail=12.5),
            b"\x00" * (DIGEST_BYTES - 1) + b"\x01",
        ),
        ImageRecord(
            FileEntry("/photos/\udcff odd \u4e2d\u6587 \ud800.png", 2**40, 10**18, 1, 2, True, 0),
            Fingerprint(1, 1, "PNG", 0, 0, 0, 0, "2021:07:04", (1, 2), (3,), (4, 5, 6), (7,), None),
            b"short",
        ),
        ImageRecord(
            FileEntry("", 0, 0, 0, 0),
            Fingerprint(16, 9, "HEIF", 5, 6, 7, 8, None, detail=0.0),
        ),
    ]


def test_every_record_comes_back_equal_field_by_field():
    records = _records()
    table = ImageTable.of(records)
    assert len(table) == 3
    assert [table[i] for i in range(3)] == records
    assert list(table) == records
    assert table[-1] == records[-1]
    assert table == records and table == ImageTable.of(records)
    assert table != records[:2]
    assert table[1].fingerprint.turned_phash == (1, 2) and table[1].fingerprint.window_dhash == (7,)
    assert table[1].fingerprint.taken == "2021:07:04" and table[2].fingerprint.taken is None
    assert table.digests[:] == [r.digest for r in records]
    assert [table.path(i) for i in range(3)] == [r.path for r in records]
    with pytest.raises(IndexError):
        table[3]


def test_columns_read_one_field_of_every_image():
    table = ImageTable.of(_records())
    assert table.column("phash").tolist() == [2**64 - 1, 0, 6]
    assert np.isnan(table.column("detail")[1]) and table.column("detail")[0] == 12.5
    assert table.files.column("protected").tolist() == [False, True, False]
    assert table.files.identities() == {(2**64 - 1, 7), (1, 2), (0, 0)}
    assert [table.format_names[c] for c in table.column("format")] == ["JPEG", "PNG", "HEIF"]
    assert [len(h) for h in table.hashes("window_phash")] == [0, 3, 0]


def test_take_keeps_rows_with_their_rare_values():
    records = _records()
    table = ImageTable.of(records)
    assert list(table.take([2, 1])) == [records[2], records[1]]
    assert list(table[1:]) == records[1:]
    files = FileTable.of([r.file for r in records])
    assert list(files.take(np.array([1]))) == [records[1].file] and files[0] == records[0].file


def test_fingerprints_gathered_in_any_order_make_a_table_of_those_found():
    records = _records()
    files = FileTable.of([r.file for r in records])
    gathered = FingerprintColumns(len(files))
    gathered[2] = records[2].fingerprint
    gathered[1] = records[1].fingerprint
    assert 1 in gathered and 0 not in gathered and len(gathered) == 2
    assert gathered.missing().tolist() == [0] and gathered.rows().tolist() == [1, 2]
    table = gathered.images(files)
    assert [r.fingerprint for r in table] == [records[1].fingerprint, records[2].fingerprint]
    assert [r.file for r in table] == [records[1].file, records[2].file]


def test_a_scan_result_keeps_its_images_as_a_table():
    records = _records()
    result = ScanResult(("/",), (), tuple(records), (), Pairs.empty(), "phash", 64, 10)
    assert isinstance(result.images, ImageTable) and list(result.images) == records
