"""API.md's weekly hours: parsing, validation, and back."""

from datetime import time

import pytest

from p2p.slots import SlotsError, weekly_hours_from_strings, weekly_hours_to_strings

from .factories import reviewer


def test_parses_api_shape_sorted_and_leaves_out_empty_days():
    parsed = weekly_hours_from_strings(
        {"mon": [["13:00", "17:00"], ["08:00", "12:00"]], "tue": [], "wed": [["08:00", "24:00"]]}
    )
    assert parsed == {
        0: ((time(8), time(12)), (time(13), time(17))),
        2: ((time(8), time(0)),),
    }


def test_round_trip_names_every_day():
    shown = weekly_hours_to_strings(
        weekly_hours_from_strings({"mon": [["08:00", "12:00"]], "sun": [["22:00", "24:00"]]})
    )
    assert shown == {
        "mon": [["08:00", "12:00"]],
        "tue": [],
        "wed": [],
        "thu": [],
        "fri": [],
        "sat": [],
        "sun": [["22:00", "24:00"]],
    }


@pytest.mark.parametrize(
    ("weekly_hours", "field"),
    [
        ({"monday": [["08:00", "12:00"]]}, "weekly_hours.monday"),
        ({"mon": [["8:00", "12:00"]]}, "weekly_hours.mon[0]"),
        ({"mon": [["08:00", "12:00"], ["08:10", "09:00"]]}, "weekly_hours.mon[1]"),
        ({"mon": [["12:00", "08:00"]]}, "weekly_hours.mon[0]"),
        ({"mon": [["08:00", "08:00"]]}, "weekly_hours.mon[0]"),
        ({"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}, "weekly_hours.mon[1]"),
        ({"tue": [["24:00", "24:00"]]}, "weekly_hours.tue[0]"),
        ({"tue": [["23:00", "24:15"]]}, "weekly_hours.tue[0]"),
        ({"tue": [["23:00", "25:00"]]}, "weekly_hours.tue[0]"),
        ({"tue": [["08:00"]]}, "weekly_hours.tue[0]"),
        ({"tue": ["08:00-12:00"]}, "weekly_hours.tue[0]"),
        ({"tue": "08:00"}, "weekly_hours.tue"),
        ({"wed": [[8, 12]]}, "weekly_hours.wed[0]"),
    ],
)
def test_refuses_bad_hours_naming_the_field(weekly_hours, field):
    with pytest.raises(SlotsError) as raised:
        weekly_hours_from_strings(weekly_hours)
    assert raised.value.field == field


def test_touching_intervals_are_one_stretch_for_the_engine():
    # 08:00-12:00 and 12:00-17:00: a 30-minute call at 11:45 runs across noon.
    joined = reviewer(
        weekly_hours=weekly_hours_from_strings({"mon": [["08:00", "12:00"], ["12:00", "17:00"]]})
    )
    assert joined.working_minutes[0] == ((480, 1020),)


def test_reviewer_validates_time_values_too():
    with pytest.raises(SlotsError) as raised:
        reviewer(weekly_hours={0: ((time(8, 10), time(12)),)})
    assert raised.value.field == "weekly_hours.mon[0]"
    with pytest.raises(SlotsError):
        reviewer(weekly_hours={7: ((time(8), time(12)),)})
    with pytest.raises(SlotsError):
        reviewer(weekly_hours={0: ((time(8), time(12, 0, 30)),)})
