"""The slot engine's smaller public pieces, called directly: the free parts of a span set,
who is trained and how they match (exported for the use cases), the reordering after a
call a reviewer could not hold, a reviewer with a fresh calendar, and the expansion of one
reviewer's starts."""

from datetime import timedelta

import pytest

from p2p.slots import (
    Match,
    PriorityGroup,
    ReviewerSlots,
    RuleBreach,
    StateRule,
    WeekResult,
    decide_time,
    group_of_first,
    is_trained,
    match_for,
    rule_breaches,
    search_week,
)
from p2p.slots.availability import offered_starts
from p2p.slots.matching import Qualification
from p2p.slots.spans import SpanSet

from .factories import MSK, at, case, request, reviewer, utc
from .test_slots_decision import MONDAY_9, booking

# SpanSet.outside --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "low", "high", "free"),
    [
        pytest.param([], 0, 100, [(0, 100)], id="nothing covered"),
        pytest.param([(10, 20), (30, 40)], 0, 50, [(0, 10), (20, 30), (40, 50)], id="gaps"),
        pytest.param([(0, 10)], 0, 30, [(10, 30)], id="covered from low"),
        pytest.param([(20, 30)], 0, 30, [(0, 20)], id="covered up to high"),
        pytest.param([(0, 100)], 10, 20, [], id="all covered"),
        pytest.param([(5, 15), (25, 35)], 10, 30, [(15, 25)], id="spans cut at both ends"),
        pytest.param([(10, 20)], 20, 30, [(20, 30)], id="a span ending at low leaves low free"),
        pytest.param([(30, 40)], 10, 30, [(10, 30)], id="a span starting at high is outside"),
        pytest.param([(10, 20)], 30, 40, [(30, 40)], id="spans before low do not count"),
        pytest.param(
            [(10, 20), (20, 25), (40, 60)], 0, 100, [(0, 10), (25, 40), (60, 100)],
            id="touching spans are one stretch",
        ),
        pytest.param([(10, 20), (30, 40), (50, 60)], 15, 55, [(20, 30), (40, 50)], id="three"),
        pytest.param([(10, 20)], 10, 10, [], id="an empty range"),
    ],
)
def test_outside_is_the_free_part_of_the_range(spans, low, high, free):
    assert list(SpanSet(spans).outside(low, high)) == free


def test_outside_and_inside_tile_the_range():
    spans = SpanSet([(3, 7), (9, 12), (15, 30), (40, 41)])
    pieces = sorted([*spans.inside(5, 35), *spans.outside(5, 35)])
    assert pieces[0][0] == 5 and pieces[-1][1] == 35
    assert all(left[1] == right[0] for left, right in zip(pieces, pieces[1:], strict=False))


def test_a_span_set_is_false_when_empty_and_shows_its_spans():
    assert not SpanSet()
    assert not SpanSet([(5, 5)])  # an empty span is dropped
    assert SpanSet([(1, 2)])
    assert repr(SpanSet([(3, 4), (1, 2)])) == "SpanSet([(1, 2), (3, 4)])"


# is_trained, match_for, rule_breaches -----------------------------------------------------


def test_trained_means_active_and_every_case_type():
    both = reviewer(case_types=(MSK, "Radiology"))
    assert is_trained(both, [MSK])
    assert is_trained(both, [MSK, "Radiology"])  # exactly its types
    assert not is_trained(both, [MSK, "Cardiology"])
    assert not is_trained(reviewer(case_types=(MSK,), active=False), [MSK])


def test_match_for_needs_every_case_matched():
    who = reviewer(specialties=("orthopedic_surgery",), states=("NY",))
    assert match_for(who, [case(state="NY")]) == Match(specialty=True, state_license=True)
    assert match_for(who, [case(state="NY"), case("A2", state="TX")]) == Match(True, False)
    assert match_for(who, [case(specialty="radiology", state="NY")]) == Match(False, True)


def test_rule_breaches_lists_each_unmet_rule_per_case():
    texas = StateRule("TX", requires_state_license=True, requires_same_specialty=True)
    who = reviewer(specialties=("orthopedic_surgery",), states=("NY",))
    cases = [case("A1", state="TX"), case("A2", specialty="radiology", state="TX")]
    assert rule_breaches(who, cases, [texas]) == (
        RuleBreach("A1", "TX", "state_license"),
        RuleBreach("A2", "TX", "state_license"),
        RuleBreach("A2", "TX", "same_specialty"),
    )
    assert rule_breaches(who, cases, []) == ()
    assert rule_breaches(reviewer(states=("TX",)), [case("A1", state="TX")], [texas]) == ()


# group_of_first ---------------------------------------------------------------------------


def _entry(reviewer_id):
    return ReviewerSlots(reviewer(reviewer_id), Match(True, True), (), ())


def _ids(result):
    return [[e.reviewer.reviewer_id for e in group.reviewers] for group in result.groups]


WEEK = WeekResult(
    "America/New_York",
    MONDAY_9.date(),
    MONDAY_9.date() + timedelta(days=6),
    (),
    (
        PriorityGroup(1, "1st Priority by Skill", (_entry("a"), _entry("b"))),
        PriorityGroup(2, "2nd Priority by Skill", (_entry("c"), _entry("d"), _entry("e"))),
        PriorityGroup(3, "3rd Priority by Skill", (_entry("f"),)),
    ),
    None,
)


def test_the_reviewer_who_missed_a_call_puts_their_group_first_and_themselves_last():
    moved = group_of_first(WEEK, "c")
    assert [group.priority for group in moved.groups] == [2, 1, 3]
    assert _ids(moved) == [["d", "e", "c"], ["a", "b"], ["f"]]
    assert (moved.time_zone, moved.week_start, moved.cases) == (
        WEEK.time_zone, WEEK.week_start, WEEK.cases,
    )


def test_group_of_first_of_the_last_group_keeps_the_others_in_order():
    assert _ids(group_of_first(WEEK, "f")) == [["f"], ["a", "b"], ["c", "d", "e"]]
    assert _ids(group_of_first(WEEK, "a")) == [["b", "a"], ["c", "d", "e"], ["f"]]


def test_group_of_first_of_a_reviewer_not_offered_changes_nothing():
    assert group_of_first(WEEK, "nobody") == WEEK


# Reviewer.with_calendar -------------------------------------------------------------------


def test_with_calendar_replaces_the_time_off_and_busy_time():
    away = reviewer(
        time_off=[(MONDAY_9, MONDAY_9 + timedelta(hours=1))],
        busy=[(MONDAY_9 + timedelta(hours=2), MONDAY_9 + timedelta(hours=3))],
    )
    assert decide_time(away, booking(), MONDAY_9).reason == "time_off"

    fresh = away.with_calendar()
    assert not fresh.time_off_spans and not fresh.blocked_spans
    assert decide_time(fresh, booking(), MONDAY_9).offered
    assert decide_time(fresh, booking(), MONDAY_9 + timedelta(hours=2)).offered

    later = int((MONDAY_9 + timedelta(hours=4)).timestamp())
    moved = away.with_calendar(time_off_seconds=[(later, later + 900)])
    assert list(moved.time_off_spans) == [(later, later + 900)]
    assert decide_time(moved, booking(), MONDAY_9).offered


# offered_starts ---------------------------------------------------------------------------


def test_offered_starts_lists_every_start_in_the_range_unless_asked_for_the_first():
    ny = reviewer(weekly_hours=None)  # 08:00-17:00 New York, weekdays
    low = int(at("America/New_York", 2026, 11, 23, 8, 0).timestamp())
    high = low + 3600
    whole_day = SpanSet([(int(utc(2026, 11, 23).timestamp()), int(utc(2026, 11, 24).timestamp()))])
    quarter = 900
    assert offered_starts(ny, whole_day, SpanSet(), low, high, quarter) == [
        low, low + 900, low + 1800, low + 2700
    ]
    assert offered_starts(ny, whole_day, SpanSet(), low, high, quarter, first_only=True) == [low]


# slot_before_deadline without a deadline: the week of now and the 12 after it -----------


def _open_case_after_time_off(until):
    now = at("America/Los_Angeles", 2026, 11, 2, 6, 0)  # Monday: week 0 starts 2 Nov
    away = reviewer(time_off=[(utc(2026, 11, 1), until)])
    result = search_week(
        [away], request(case("A1", outcome="outcome_changing", valid_until=None), now=now)
    )
    return result.cases[0].slot_before_deadline


def test_a_first_slot_in_the_twelfth_week_after_now_is_found():
    # Away until Monday 25 Jan 2027, 00:00 UTC: free from the week 12 weeks after now's.
    assert _open_case_after_time_off(utc(2027, 1, 25)) is True


def test_a_first_slot_thirteen_weeks_after_now_is_too_far():
    assert _open_case_after_time_off(utc(2027, 2, 1, 12)) is False


def test_slot_before_deadline_takes_the_earliest_reviewer_not_the_last():
    # Another week is shown, so the week of now is searched for its first start: reviewer
    # "a" is free before Wednesday's deadline, "b" (searched after) only from Thursday.
    ny = "America/New_York"
    free = reviewer("a")
    booked = reviewer("b", busy=[(utc(2026, 11, 1), at(ny, 2026, 11, 19, 12, 0))])
    result = search_week(
        [free, booked],
        request(
            case("A1", outcome="outcome_changing", valid_until=at(ny, 2026, 11, 18, 0, 0)),
            now=at(ny, 2026, 11, 16, 6, 0),
        ),
    )
    assert result.cases[0].slot_before_deadline is True


# SpanSet.covered_seconds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "covered"),
    [
        (0, 100, 25),  # (10, 20) and (30, 45)
        (15, 35, 10),  # 5 of the first, 5 of the second
        (20, 30, 0),  # the gap between them
        (40, 40, 0),  # an empty range
        (45, 40, 0),  # a reversed one
        (12, 13, 1),
        (44, 100, 1),
        (0, 10, 0),
    ],
)
def test_covered_seconds_counts_the_busy_part_of_a_range(low, high, covered):
    assert SpanSet([(30, 45), (10, 20)]).covered_seconds(low, high) == covered


# Qualification.notes_needed ----------------------------------------------------------------


def test_the_notes_a_booking_needs_work_out_the_breaches_when_not_given():
    texas = StateRule("TX", requires_state_license=True, requires_same_specialty=True)
    needs = Qualification([case("A1", state="TX")], [texas]).notes_needed(reviewer(states=("NY",)))
    assert [(n.note, n.case_ref, n.requirement) for n in needs] == [
        ("tx_license_waived", "A1", "state_license")
    ]
