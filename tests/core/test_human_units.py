import pytest

from dupfinder.formatting import human_bytes, human_count, human_duration


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 KB"), (3_100_000, "3.1 MB"),
     (340_000_000, "340 MB"), (999_960, "1.0 MB"), (2 * 10**15, "2000 TB")],
)  # fmt: skip
def test_human_bytes(n, text):
    assert human_bytes(n) == text


def test_human_count_and_duration():
    assert human_count(1204) == "1,204"
    assert human_duration(21.4) == "0:21"
    assert human_duration(151) == "2:31"
    assert human_duration(3723) == "1:02:03"
    assert human_duration(-5) == "0:00"
