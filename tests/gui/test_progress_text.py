from dupfinder.core.progress import ProgressEvent, ScanStage
from dupfinder.formatting import plural, progress_text, similarity_text


def test_progress_line_has_phase_count_rate_and_time_left():
    event = ProgressEvent(ScanStage.FINGERPRINTING, 1204, 2200, rate_per_s=48.2, eta_s=21)
    assert progress_text(event) == "Fingerprinting 1,204 / 2,200 · 48 photos/s · about 0:21 left"


def test_progress_line_without_total_or_rate():
    assert progress_text(ProgressEvent(ScanStage.DISCOVERING, 310, None)) == "Finding files · 310 files so far"
    assert (
        progress_text(ProgressEvent(ScanStage.TRASHING, 5, 5, rate_per_s=2.5)) == "Moving to trash 5 / 5 · 2.5 files/s"
    )


def test_comparing_shows_its_share_done_not_a_count_of_files():
    """It counts files digested, then rows of the hash tables: no unit a person would count."""
    event = ProgressEvent(ScanStage.COMPARING, 4_191_000, 10_000_000, rate_per_s=900_000.0, eta_s=7)
    assert progress_text(event) == "Comparing · 41 % done · about 0:07 left"
    assert progress_text(ProgressEvent(ScanStage.COMPARING, 10, 10, rate_per_s=5.0)) == "Comparing · 100 % done"
    assert progress_text(ProgressEvent(ScanStage.COMPARING, 1_200_000, None, rate_per_s=9e5)) == "Comparing"


def test_plural_and_similarity():
    assert plural(1, "photo") == "1 photo"
    assert plural(1204, "copy", "copies") == "1,204 copies"
    assert similarity_text(97.4, False) == "97 % alike"
    assert similarity_text(100.0, True) == "identical bytes"
