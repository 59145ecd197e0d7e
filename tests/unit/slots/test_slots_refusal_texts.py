"""What the slot engine tells a caller it refuses: the field (a 4xx's `fields` key) and the
words the provider reads (a 409's or 422's message)."""

import time as time_module
from datetime import datetime, time, timedelta

import pytest
import pytz

from p2p.slots import (
    Interval,
    Match,
    SlotsError,
    StateRule,
    decide_time,
    search_week,
    slot_label,
    unacknowledged,
    weekly_hours_from_strings,
    weekly_hours_to_strings,
)

from .factories import at, case, request, reviewer, utc
from .test_slots_decision import MONDAY_9, booking

OH_CONSENT = StateRule("OH", False, False, requires_member_consent=True)
PA_CONSENT = StateRule("PA", False, False, requires_member_consent=True)


@pytest.mark.parametrize(
    ("weekly_hours", "field", "message"),
    [
        pytest.param(
            [["08:00", "12:00"]],
            "weekly_hours",
            "weekly_hours maps a day name to its intervals.",
            id="not a mapping",
        ),
        pytest.param(
            {"monday": []},
            "weekly_hours.monday",
            "'monday' is not one of mon, tue, wed, thu, fri, sat, sun.",
            id="unknown day",
        ),
        pytest.param(
            {"tue": "08:00"},
            "weekly_hours.tue",
            "A day holds a list of [start, end] pairs.",
            id="a day that is not a list",
        ),
        pytest.param(
            {"wed": [8]},
            "weekly_hours.wed[0]",
            "An interval is a [start, end] pair.",
            id="an interval that is not a list",
        ),
        pytest.param(
            {"wed": ["08:00-12:00"]},
            "weekly_hours.wed[0]",
            "An interval is a [start, end] pair.",
            id="an interval written as one string",
        ),
        pytest.param(
            {"wed": [["08:00", "12:00"], ["13:00"]]},
            "weekly_hours.wed[1]",
            "An interval is a [start, end] pair.",
            id="an interval of one time",
        ),
        pytest.param(
            {"wed": [["24:00", "24:00"]]},
            "weekly_hours.wed[0]",
            "An interval cannot start at 24:00.",
            id="starting at midnight's end",
        ),
        pytest.param(
            {"mon": [["8:00", "12:00"]]},
            "weekly_hours.mon[0]",
            "'8:00' is not a time written HH:MM.",
            id="not HH:MM",
        ),
        pytest.param(
            {"tue": [["23:00", "24:15"]]},
            "weekly_hours.tue[0]",
            "'24:15' is past 24:00.",
            id="past midnight",
        ),
    ],
)
def test_weekly_hours_refusals_say_what_is_wrong(weekly_hours, field, message):
    with pytest.raises(SlotsError) as raised:
        weekly_hours_from_strings(weekly_hours)
    assert (raised.value.field, raised.value.message) == (field, message)


@pytest.mark.parametrize(
    ("day_hours", "message"),
    [
        pytest.param(((time(8),),), "An interval is a (start, end) pair.", id="one time"),
        pytest.param(
            ((time(8), time(9), time(10)),), "An interval is a (start, end) pair.", id="three"
        ),
        pytest.param(
            (("08:00", "12:00"),), "Weekly hours are naive datetime.time values.", id="strings"
        ),
        pytest.param(
            ((time(8, tzinfo=pytz.utc), time(12)),),
            "Weekly hours are naive datetime.time values.",
            id="an aware time",
        ),
        pytest.param(
            ((time(8), time(12, 0, 30)),), "12:00:30 is not on the quarter hour.", id="seconds"
        ),
    ],
)
def test_the_engines_weekly_hours_refusals_say_what_is_wrong(day_hours, message):
    with pytest.raises(SlotsError) as raised:
        reviewer(weekly_hours={0: ((time(7), time(7, 30)), *day_hours)})
    assert (raised.value.field, raised.value.message) == ("weekly_hours.mon[1]", message)


def test_the_engine_reads_minutes_past_the_hour():
    assert reviewer(weekly_hours={0: ((time(8, 15), time(12, 45)),)}).working_minutes[0] == (
        (495, 765),
    )


def test_hours_from_midnight_are_shown_from_00_00():
    shown = weekly_hours_to_strings({0: ((time(0, 0), time(8, 0)),), 6: ((time(22), time(0)),)})
    assert shown["mon"] == [["00:00", "08:00"]]
    assert shown["sun"] == [["22:00", "24:00"]]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda start: slot_label(start, "America/New_York"), id="slot_label"),
        pytest.param(lambda start: decide_time(reviewer(), booking(), start), id="decide_time"),
    ],
)
def test_a_naive_start_is_refused_by_name(call):
    with pytest.raises(SlotsError) as raised:
        call(datetime(2026, 11, 23, 9, 0))
    assert raised.value.field == "start"
    assert "start" in raised.value.message


def test_a_label_of_a_start_with_microseconds_is_its_minute():
    start = utc(2026, 11, 23, 23, 15) + timedelta(microseconds=250)
    assert slot_label(start, "America/Los_Angeles") == "Mon 11/23/26 3:15 pm PST"


def test_a_label_in_an_unknown_zone_is_refused_with_a_slots_error():
    start = utc(2026, 11, 23, 23, 15) + timedelta(microseconds=250)
    with pytest.raises(SlotsError, match="'Mars/Olympus'"):
        slot_label(start, "Mars/Olympus")


def test_a_start_exactly_at_the_minimum_notice_is_offered():
    request = booking(now=MONDAY_9 - timedelta(hours=2), notice=timedelta(hours=2))
    assert decide_time(reviewer(), request, MONDAY_9).offered
    assert not decide_time(reviewer(), request, MONDAY_9 - timedelta(minutes=15)).offered


def test_too_long_says_how_long_the_call_is():
    late = MONDAY_9 + timedelta(hours=7, minutes=45)  # 16:45, the day ends at 17:00
    decision = decide_time(reviewer(), booking(case("A1"), case("A2")), late)
    assert decision.message == (
        "The call (30 minutes) would run past the end of the reviewer's hours."
    )


def test_a_taken_time_says_so():
    busy = reviewer(busy=[(MONDAY_9, MONDAY_9 + timedelta(minutes=15))])
    decision = decide_time(busy, booking(), MONDAY_9)
    assert decision.message == "The reviewer is already booked or held at that time."


def test_an_offer_carries_the_reviewer_and_the_match():
    who = reviewer(states=("NY",))
    offer = decide_time(who, booking(case(state="TX")), MONDAY_9).offer
    assert offer.reviewer == who
    assert offer.match == Match(specialty=True, state_license=False)
    assert (offer.priority, offer.priority_label) == (2, "2nd Priority by Skill")


def test_consent_in_two_states_names_both():
    decision = decide_time(
        reviewer(states=("OH", "PA")),
        booking(case("A1", state="PA"), case("A2", state="OH"), rules=(OH_CONSENT, PA_CONSENT)),
        MONDAY_9,
    )
    missing = unacknowledged(decision, False, ())
    assert missing.fields == {
        "call_notes.oh_member_consent": [
            "Member consent must be obtained for a member in OH, PA."
        ]
    }


def test_no_trained_reviewer_names_three_case_types_in_order():
    result = search_week(
        [reviewer()],
        request(case("A1"), case("A2", case_type="Radiology"), case("A3", case_type="Cardiology")),
    )
    assert result.empty.message == (
        "No reviewer is currently trained for MSK Spine Surgery, Radiology and Cardiology "
        "together."
    )


def test_a_week_ending_exactly_at_the_earliest_start_is_too_soon():
    # Now is Monday 30 Nov 00:00 in the provider's zone: the week of 23 Nov is over.
    result = search_week([reviewer()], request(now=at("America/Los_Angeles", 2026, 11, 30, 0, 0)))
    assert result.empty.reason == "fully_booked"
    assert result.empty.message.startswith(
        "Nothing in the week of 11/23/2026 - 11/29/2026 can still be booked: the earliest "
        "start is Mon 11/30/26 12:00 am PST."
    )


def test_an_interval_is_kept_in_utc_and_names_a_naive_end():
    ny = at("America/New_York", 2026, 11, 23, 9, 0)
    kept = Interval(ny, ny + timedelta(hours=1))
    assert (kept.start, kept.end) == (utc(2026, 11, 23, 14, 0), utc(2026, 11, 23, 15, 0))
    assert kept.start.utcoffset() == kept.end.utcoffset() == timedelta(0)
    with pytest.raises(SlotsError) as raised:
        Interval(utc(2026, 11, 23, 14, 0), datetime(2026, 11, 23, 15, 0))
    assert raised.value.field == "end"
    assert "end" in raised.value.message


def test_a_search_refuses_the_same_reviewer_twice():
    with pytest.raises(SlotsError) as raised:
        search_week([reviewer("r1"), reviewer("r1")], request())
    assert (raised.value.field, raised.value.message) == (
        "reviewers", "A reviewer appears twice in the search.",
    )


def test_an_interval_is_utc_whatever_the_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Chicago")
    time_module.tzset()
    try:
        ny = at("America/New_York", 2026, 11, 23, 9, 0)
        kept = Interval(ny, ny + timedelta(hours=1))
        assert kept.start.utcoffset() == kept.end.utcoffset() == timedelta(0)
    finally:
        monkeypatch.undo()
        time_module.tzset()


def test_an_interval_that_does_not_end_after_it_starts_says_so():
    with pytest.raises(SlotsError) as raised:
        Interval(utc(2026, 11, 23, 14, 0), utc(2026, 11, 23, 14, 0))
    assert (raised.value.field, raised.value.message) == (
        "end", "An interval ends after it starts.",
    )
