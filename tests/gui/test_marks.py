from dupfinder.core.models import Group, Member
from dupfinder.gui.marks import MarkSet, all_marked, follow_keeper


def _group(*images: int, keeper: int) -> Group:
    return Group(tuple(Member(i, 0, 100.0, False) for i in images), keeper=keeper)


def test_marking_the_keeper_moves_it_to_the_best_unmarked_member():
    group = _group(3, 5, 7, keeper=3)
    rank = [0] * 10
    rank[5], rank[7] = 2, 1
    assert follow_keeper(group, {3}, rank).keeper == 7
    assert follow_keeper(group, {3, 7}, rank).keeper == 5
    assert follow_keeper(group, {5}, rank) is group


def test_every_member_marked_leaves_the_keeper_for_the_core_to_refuse():
    group = _group(1, 2, keeper=1)
    assert follow_keeper(group, {1, 2}, [0, 0, 1]).keeper == 1
    assert all_marked(group, {1, 2})
    assert not all_marked(group, {2})


def test_mark_set_reports_what_changed(qtbot):
    marks = MarkSet()
    with qtbot.waitSignal(marks.changed) as blocker:
        marks.replace({1, 2})
    assert blocker.args == [frozenset({1, 2})]
    with qtbot.waitSignal(marks.changed) as blocker:
        marks.set_marked(2, False)
    assert blocker.args == [frozenset({2})]
    assert 1 in marks and 2 not in marks and len(marks) == 1
    with qtbot.assertNotEmitted(marks.changed):
        marks.set_marked(1, True)
