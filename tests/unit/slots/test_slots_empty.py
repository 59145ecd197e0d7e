"""When the week offers nothing: why, and where to look next (API.md, Slots)."""

from datetime import date, timedelta

from p2p.slots import (
    FULLY_BOOKED,
    NO_OVERLAP_WITH_PREFERENCES,
    NO_TRAINED_REVIEWER,
    search_week,
)

from .factories import MSK, at, case, hours, request, reviewer, utc, weekdays


def test_no_trained_reviewer():
    result = search_week(
        [reviewer(case_types=("Radiology",)), reviewer("r2", active=False)],
        request(case("A1", outcome="outcome_changing", valid_until=utc(2026, 12, 1))),
    )
    assert result.groups == ()
    assert result.empty.reason == NO_TRAINED_REVIEWER
    assert result.empty.message == "No reviewer is currently trained for MSK Spine Surgery."
    assert result.empty.first_week_with_slots is None
    assert result.cases[0].slot_before_deadline is False


def test_no_trained_reviewer_for_two_case_types_together():
    result = search_week(
        [reviewer("a", case_types=(MSK,)), reviewer("b", case_types=("Radiology",))],
        request(case("A1"), case("A2", case_type="Radiology")),
    )
    assert result.empty.reason == NO_TRAINED_REVIEWER
    assert result.empty.message == (
        "No reviewer is currently trained for MSK Spine Surgery and Radiology together."
    )


def test_no_overlap_with_preferences():
    # Weekend-only reviewer, weekday provider: never any overlap.
    weekend = reviewer(weekly_hours=hours(sat=[["08:00", "12:00"]]))
    result = search_week([weekend], request())
    assert result.groups == ()
    assert result.empty.reason == NO_OVERLAP_WITH_PREFERENCES
    assert result.empty.message == (
        "The reviewers for MSK Spine Surgery work no hours on the days and times you chose."
    )
    assert result.empty.first_week_with_slots is None


def test_no_overlap_this_week_but_after_the_clocks_change():
    # A Phoenix reviewer 08:00-09:00 MST (15:00-16:00 UTC); a Los Angeles provider takes
    # block 7 only. Week of 26 Oct (PDT): block 7 is 14:00-15:00 UTC, no overlap. From
    # 1 Nov (PST) block 7 is 15:00-16:00 UTC: the week of 2 Nov has slots.
    phoenix = reviewer(zone="America/Phoenix", weekly_hours=weekdays("08:00", "09:00"))
    result = search_week([phoenix], request(week_of=date(2026, 10, 26), block_hours=[7]))
    assert result.empty.reason == NO_OVERLAP_WITH_PREFERENCES
    assert result.empty.first_week_with_slots == date(2026, 11, 2)
    assert result.empty.message == (
        "The reviewers for MSK Spine Surgery work no hours on the days and times you chose."
        " The first week with an open time is 11/2/2026 - 11/8/2026."
    )
    following = search_week([phoenix], request(week_of=date(2026, 11, 2), block_hours=[7]))
    assert following.groups[0].reviewers[0].slots[0].label == "Mon 11/2/26 7:00 am PST"


def test_fully_booked_names_the_next_week_with_a_slot():
    ny = "America/New_York"
    booked = reviewer(busy=[(at(ny, 2026, 11, 23, 0, 0), at(ny, 2026, 11, 30, 0, 0))])
    result = search_week([booked], request())
    assert result.empty.reason == FULLY_BOOKED
    assert result.empty.first_week_with_slots == date(2026, 11, 30)
    assert result.empty.message == (
        "The reviewers for MSK Spine Surgery have no free time on the days and times you chose"
        " in the week of 11/23/2026 - 11/29/2026."
        " The first week with an open time is 11/30/2026 - 12/6/2026."
    )


def test_fully_booked_by_time_off_and_nothing_within_twelve_weeks():
    away = reviewer(time_off=[(utc(2026, 11, 1), utc(2027, 3, 1))])
    result = search_week([away], request())
    assert result.empty.reason == FULLY_BOOKED
    assert result.empty.first_week_with_slots is None


def test_first_week_with_slots_counts_twelve_weeks_at_most():
    # Away until the Monday 12 weeks after 23 Nov (15 Feb 2027): still found; a week later: not.
    ny = "America/New_York"
    within = reviewer(time_off=[(utc(2026, 11, 1), at(ny, 2027, 2, 15, 0, 0))])
    assert search_week([within], request()).empty.first_week_with_slots == date(2027, 2, 15)
    beyond = reviewer(time_off=[(utc(2026, 11, 1), at(ny, 2027, 2, 22, 0, 0))])
    assert search_week([beyond], request()).empty.first_week_with_slots is None


def test_a_week_in_the_past_is_fully_booked_too_soon():
    result = search_week([reviewer()], request(now=at("America/New_York", 2026, 12, 2, 9, 0)))
    assert result.empty.reason == FULLY_BOOKED
    # The week of now (30 Nov) still has slots from Wednesday on.
    assert result.empty.first_week_with_slots == date(2026, 11, 30)
    assert result.empty.message == (
        "Nothing in the week of 11/23/2026 - 11/29/2026 can still be booked: the earliest"
        " start is Wed 12/2/26 6:00 am PST."
        " The first week with an open time is 11/30/2026 - 12/6/2026."
    )


def test_notice_alone_can_empty_a_week():
    # Friday 20 Nov 4 pm PST with three days' notice: nothing before Monday 4 pm PST, so
    # this week is too soon, and the next week has slots from Tuesday (Monday's end at 2 pm).
    result = search_week(
        [reviewer()],
        request(
            now=at("America/Los_Angeles", 2026, 11, 20, 16, 0),
            notice=timedelta(days=3),
            week_of=date(2026, 11, 16),
        ),
    )
    assert result.empty.reason == FULLY_BOOKED
    assert result.empty.first_week_with_slots == date(2026, 11, 23)
