"""Inputs the engine refuses (SlotsError, with the field named)."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from p2p.slots import (
    CaseNeed,
    Interval,
    Preferences,
    SearchRequest,
    SlotsError,
    StateRule,
    search_week,
)

from .factories import at, case, request, reviewer, utc


def refused(field, build):
    with pytest.raises(SlotsError) as raised:
        build()
    assert raised.value.field == field


def test_intervals_are_aware_and_forward_and_kept_in_utc():
    refused("start", lambda: Interval(datetime(2026, 1, 1), utc(2026, 1, 2)))
    refused("end", lambda: Interval(utc(2026, 1, 2), utc(2026, 1, 1)))
    refused("end", lambda: Interval(utc(2026, 1, 1), utc(2026, 1, 1)))
    interval = Interval(at("America/New_York", 2026, 1, 1, 9), at("Asia/Tokyo", 2026, 1, 2, 0))
    assert interval.start == utc(2026, 1, 1, 14) and interval.start.utcoffset() == timedelta(0)


def test_reviewer_inputs():
    refused("time_zone", lambda: reviewer(zone="US/Nowhere"))
    refused("specialties", lambda: replace(reviewer(), specialties="orthopedic_surgery"))
    refused("busy", lambda: replace(reviewer(), busy=((utc(2026, 1, 1), utc(2026, 1, 2)),)))
    # Lists are taken and frozen.
    taken = replace(reviewer(), licensed_states=["TX"], busy=[])
    assert taken.licensed_states == frozenset({"TX"}) and taken.busy == ()


def test_case_inputs():
    refused("outcome", lambda: case(outcome="maybe"))
    refused(
        "valid_until", lambda: case(outcome="outcome_changing", valid_until=datetime(2026, 1, 1))
    )
    assert CaseNeed("A", "t", "s", "TX", "unavailable").valid_until is None


def test_preferences_inputs():
    refused("time_zone", lambda: Preferences("Pacific/Atlantis"))
    refused("days", lambda: Preferences("UTC", days=frozenset({7})))
    refused("hours", lambda: Preferences("UTC", hours=frozenset({24})))
    assert Preferences("UTC").days == frozenset(range(5))
    assert Preferences("UTC").hours == frozenset(range(7, 19))
    assert Preferences.any_time("UTC").hours == frozenset(range(24))


def test_search_request_inputs():
    preferences = Preferences("UTC")
    now = utc(2026, 1, 1)
    refused("cases", lambda: SearchRequest((), preferences, date(2026, 1, 1), now))
    refused("cases", lambda: SearchRequest((case(), case()), preferences, date(2026, 1, 1), now))
    refused("week_of", lambda: SearchRequest((case(),), preferences, now, now))
    refused(
        "now", lambda: SearchRequest((case(),), preferences, date(2026, 1, 1), datetime(2026, 1, 1))
    )
    refused(
        "minimum_notice",
        lambda: SearchRequest((case(),), preferences, date(2026, 1, 1), now, timedelta(hours=-1)),
    )
    refused(
        "minutes_per_case",
        lambda: SearchRequest((case(),), preferences, date(2026, 1, 1), now, timedelta(0), 0),
    )


def test_a_reviewer_twice_is_refused():
    refused("reviewers", lambda: search_week([reviewer(), reviewer()], request()))


def test_busy_given_as_posix_seconds_is_the_same_as_intervals():
    """The seconds form (for callers reading many bookings) means exactly what Intervals do."""
    from dataclasses import replace

    from p2p.slots import search_week
    from tests.unit.slots.factories import request as search_request
    from tests.unit.slots.factories import reviewer, slots_of, utc

    busy = [
        (utc(2026, 11, 24, 14), utc(2026, 11, 24, 14, 30)),
        (utc(2026, 11, 25, 16, 15), utc(2026, 11, 25, 17)),
    ]
    off = [(utc(2026, 11, 26, 5), utc(2026, 11, 27, 5))]
    as_intervals = reviewer(busy=busy, time_off=off)
    as_seconds = replace(
        reviewer(),
        busy_seconds=tuple((int(s.timestamp()), int(e.timestamp())) for s, e in busy),
        time_off_seconds=tuple((int(s.timestamp()), int(e.timestamp())) for s, e in off),
    )
    wanted = search_request()
    expected = slots_of(search_week([as_intervals], wanted))
    assert expected  # the week has slots, and fewer than with no bookings at all
    assert len(expected) < len(slots_of(search_week([reviewer()], wanted)))
    assert slots_of(search_week([as_seconds], wanted)) == expected


def test_busy_seconds_are_checked():
    from dataclasses import replace

    import pytest

    from p2p.slots import SlotsError
    from tests.unit.slots.factories import reviewer

    for bad in [((10, 5),), ((1.5, 9),), ((1,),), ((True, 9),)]:
        with pytest.raises(SlotsError):
            replace(reviewer(), busy_seconds=bad)


def test_with_calendar_replaces_the_calendar_and_keeps_the_profile():
    eastern_nine = int(at("America/New_York", 2026, 11, 24, 9).timestamp())
    profile = reviewer(busy=[(utc(2026, 11, 24, 20), utc(2026, 11, 24, 21))])
    assert len(profile.busy_spans) == 1  # cached on the profile
    booked = profile.with_calendar([(eastern_nine, eastern_nine + 900)], [(0, 60)])
    assert (booked.reviewer_id, booked.weekly_hours, booked.working_minutes) == (
        profile.reviewer_id,
        profile.weekly_hours,
        profile.working_minutes,
    )
    # The new calendar only: the old busy interval and its cached spans are gone.
    assert list(booked.busy_spans) == [(eastern_nine, eastern_nine + 900)]
    assert list(booked.blocked_spans) == [(0, 60), (eastern_nine, eastern_nine + 900)]
    assert booked.busy == () and len(profile.busy_spans) == 1
    slots = search_week([booked], request(case(), block_hours=range(24)))
    first = slots.groups[0].reviewers[0].slots
    assert at("America/New_York", 2026, 11, 24, 9) not in [slot.start for slot in first]
    assert at("America/New_York", 2026, 11, 24, 9, 15) in [slot.start for slot in first]
    for bad in ([(5, 5)], [(5, 4)], [(1, 2, 3)], [(True, 9)], [(1.0, 2)], [None]):
        refused("busy_seconds", lambda bad=bad: profile.with_calendar(bad))
    refused("time_off_seconds", lambda: profile.with_calendar((), [(9, 1)]))


def test_the_answer_key_holds_every_field_but_now_and_notice():
    """A field added to SearchRequest must go into `answer_key` (or be shown here to count
    only through `earliest_start`): the search memo relies on it."""
    from dataclasses import fields

    assert {f.name for f in fields(SearchRequest)} == {
        "cases",
        "preferences",
        "week_of",
        "now",
        "minimum_notice",
        "minutes_per_case",
        "state_rules",
    }
    base = request(case(), now=utc(2026, 11, 24, 15, 1), notice=timedelta(hours=2))
    assert base.earliest_start == int(utc(2026, 11, 24, 17, 15).timestamp())
    same = replace(base, now=utc(2026, 11, 24, 14, 0, 1), minimum_notice=timedelta(hours=3))
    assert same.answer_key() == base.answer_key()
    for changed in (
        replace(base, now=utc(2026, 11, 24, 15, 15, 1)),  # the next quarter hour
        replace(base, cases=(case("B2"),)),
        replace(base, preferences=Preferences("America/Phoenix")),
        replace(base, week_of=date(2026, 11, 30)),
        replace(base, minutes_per_case=30),
        replace(base, state_rules=(StateRule("TX", True, True),)),
    ):
        assert changed.answer_key() != base.answer_key()
