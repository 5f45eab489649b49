from dupfinder.gui.marks import MarkSet


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
