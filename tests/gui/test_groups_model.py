import dataclasses
import os

from PySide6.QtCore import Qt

from dupfinder.core.models import FileEntry, Fingerprint, Group, ImageRecord, Member, Pairs, ScanResult
from dupfinder.gui.group_delegate import ROW_HEIGHT, GroupDelegate
from dupfinder.gui.groups_model import FactsRole, GroupRole, GroupsModel, SortKey, ThumbPathsRole
from dupfinder.gui.groups_view import GroupListView
from dupfinder.gui.thumbnails import ThumbnailLoader


def fake_result(n_groups: int, folder: str = "/nonexistent") -> tuple[ScanResult, list[Group]]:
    """n_groups groups of three images with growing sizes; no image I/O needed."""
    images, groups = [], []
    for g in range(n_groups):
        base = len(images)
        for k in range(3):
            entry = FileEntry(os.path.join(folder, f"g{g}_{k}.jpg"), 1000 * (g + 1) + k, 0, 1, base + k)
            images.append(ImageRecord(entry, Fingerprint(100 - k, 100, "JPEG", 0, 0, 0, 0)))
        near = 3 + g % 7
        members = (
            Member(base, 0, 100.0, False),
            Member(base + 1, near, 100 - near / 1.28, False),
            Member(base + 2, 0 if g == 0 else 9, 100.0 if g == 0 else 93.0, g == 0),  # group 0: identical bytes
        )
        groups.append(Group(members, keeper=base))
    result = ScanResult(("/",), (), tuple(images), (), Pairs.empty(), "phash+dhash", 128, 32)
    return result, groups


def test_model_contract_and_roles(qtmodeltester):
    result, groups = fake_result(5)
    model = GroupsModel(marks={1})
    model.set_groups(result, groups)
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    top = model.index(0)
    assert model.data(top, GroupRole) is model.group(0)
    facts = model.data(top, FactsRole)
    assert facts.photos == 3 and not facts.identical
    assert model.data(model.index(4), FactsRole).identical
    assert facts.reclaimable_bytes == 5001 + 5002  # largest group first; the keeper does not count
    assert len(model.data(top, ThumbPathsRole)) == 3
    assert "3 photos" in model.data(top, Qt.ItemDataRole.DisplayRole)
    assert model.data(model.index(4), FactsRole).marked == 1  # image 1 is in the smallest group


def test_sorting_keeps_the_selection(qtbot):
    result, groups = fake_result(10)
    model = GroupsModel(marks=set())
    model.set_groups(result, groups)
    view = GroupListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setCurrentIndex(model.index(3))
    chosen = model.group(3)
    model.set_sort_key(SortKey.SIMILARITY)
    assert model.group(view.currentIndex().row()) is chosen
    similarities = [model.facts(r).best_similarity for r in range(model.rowCount())]
    assert similarities == sorted(similarities, reverse=True)


def test_ten_thousand_groups_paint_only_visible_thumbnails(qtbot):
    result, groups = fake_result(10_000)
    model = GroupsModel(marks=set())
    model.set_groups(result, groups)
    loader = ThumbnailLoader()
    view = GroupListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(GroupDelegate(loader, view))
    view.resize(400, 20 * ROW_HEIGHT)
    view.show()
    view.scrollToBottom()
    view.grab()
    requested = len(loader._pending) + len(loader._failed)
    assert 0 < requested <= 3 * 22  # three thumbnails per visible row, never all 30,000
    loader.reset()
    loader.wait_idle()


def test_every_sort_orders_by_its_figure_and_keeps_the_image_rows():
    result, groups = fake_result(12)
    groups[5] = Group((*groups[5].members, Member(36, 4, 97.0, False)), keeper=groups[5].keeper)  # four photos
    result = dataclasses.replace(
        result,
        images=(*result.images, ImageRecord(FileEntry("/x.jpg", 1, 0, 1, 99), Fingerprint(9, 9, "JPEG", 0, 0, 0, 0))),
    )
    model = GroupsModel(marks=set())
    model.set_groups(result, groups)
    figures = {
        SortKey.RECLAIMABLE: lambda r: -model.facts(r).reclaimable_bytes,
        SortKey.SIMILARITY: lambda r: (-model.facts(r).best_similarity, -model.facts(r).reclaimable_bytes),
        SortKey.SIZE: lambda r: -model.facts(r).photos,
    }
    for key in (SortKey.SIZE, SortKey.SIMILARITY, SortKey.RECLAIMABLE):
        model.set_sort_key(key)
        keys = [figures[key](r) for r in range(model.rowCount())]
        assert keys == sorted(keys)
        assert all(model.row_of(i) == r for r in range(model.rowCount()) for i in model.group(r).images)
    assert model.group(model.row_of(36)).members[-1].image == 36
    assert model.row_of(37) == -1  # in no group


def test_a_mark_repaints_only_the_rows_of_its_images():
    result, groups = fake_result(1000)
    model = GroupsModel(marks=set())
    model.set_groups(result, groups)
    changed = []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.row())))
    model.refresh_rows(model.rows_of({model.group(700).images[1]}))
    assert changed == [(700, 700)]
