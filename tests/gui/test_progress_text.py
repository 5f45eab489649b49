from dupfinder.core.progress import ProgressEvent, ScanStage
from dupfinder.formatting import plural, progress_text, similarity_text


def test_progress_line_has_phase_count_rate_and_time_left():
    event = ProgressEvent(ScanStage.FINGERPRINTING, 1204, 2200, rate_per_s=48.2, eta_s=21)
    assert progress_text(event) == "Fingerprinting 1,204 / 2,200 · 48 photos/s · about 0:21 left"


def test_progress_line_without_total_or_rate():
    assert progress_text(ProgressEvent(ScanStage.DISCOVERING, 310, None)) == "Finding files · 310 files so far"
    assert progress_text(ProgressEvent(ScanStage.COMPARING, 5, 5, rate_per_s=2.5)) == "Comparing 5 / 5 · 2.5 files/s"


def test_plural_and_similarity():
    assert plural(1, "photo") == "1 photo"
    assert plural(1204, "copy", "copies") == "1,204 copies"
    assert similarity_text(97.4, False) == "97 % alike"
    assert similarity_text(100.0, True) == "identical bytes"
