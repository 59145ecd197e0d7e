"""The one label format: "Mon 11/23/26 3:15 pm PST" in the provider's zone."""

import pytest

from p2p.slots import slot_label

from .factories import at, utc


@pytest.mark.parametrize(
    ("start", "zone", "label"),
    [
        (utc(2026, 11, 23, 23, 15), "America/Los_Angeles", "Mon 11/23/26 3:15 pm PST"),
        (utc(2026, 5, 18, 22, 30), "America/New_York", "Mon 5/18/26 6:30 pm EDT"),
        (utc(2026, 11, 23, 5, 0), "America/New_York", "Mon 11/23/26 12:00 am EST"),
        (utc(2026, 11, 23, 17, 0), "America/New_York", "Mon 11/23/26 12:00 pm EST"),
        (utc(2026, 7, 1, 15, 5), "America/Phoenix", "Wed 7/1/26 8:05 am MST"),
        (utc(2026, 1, 4, 2, 0), "Pacific/Honolulu", "Sat 1/3/26 4:00 pm HST"),
        (utc(2026, 12, 31, 23, 45), "America/Anchorage", "Thu 12/31/26 2:45 pm AKST"),
        (utc(2026, 11, 1, 6, 30), "America/New_York", "Sun 11/1/26 1:30 am EST"),
        (utc(2026, 11, 1, 5, 30), "America/New_York", "Sun 11/1/26 1:30 am EDT"),
    ],
)
def test_label(start, zone, label):
    assert slot_label(start, zone) == label


def test_label_of_an_instant_written_in_another_zone():
    start = at("Asia/Tokyo", 2026, 11, 24, 8, 15)  # 23:15 UTC on the 23rd
    assert slot_label(start, "America/Los_Angeles") == "Mon 11/23/26 3:15 pm PST"
