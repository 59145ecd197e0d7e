"""Properties that must hold for every determination instant, window and zone."""

from datetime import date, datetime, timedelta

import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

from p2p.eligibility import (
    Appeal,
    CaseFacts,
    Policy,
    Reconsideration,
    Window,
    add_business_days,
    decide,
    is_business_day,
    window_closes_at,
)
from p2p.vocabulary import OUTCOME_CHANGING
from tests.unit.eligibility import business_day_oracle as oracle

ONE_SECOND = timedelta(seconds=1)
ONE_MICROSECOND = timedelta(microseconds=1)
DEADLINE_ZONES = ("America/New_York", "America/Phoenix", "America/Chicago", "Pacific/Honolulu")
ZONES = (
    *DEADLINE_ZONES,
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Atlantic/Azores",
    "America/Havana",
    "UTC",
)

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31)).map(
    pytz.utc.localize
)
zones = st.sampled_from(ZONES).map(pytz.timezone)
deadline_zones = st.sampled_from(DEADLINE_ZONES)
business_windows = st.integers(min_value=1, max_value=30).map(lambda n: Window(n, "business_days"))
windows = st.builds(
    Window,
    st.integers(min_value=1, max_value=400),
    st.sampled_from(("calendar_days", "business_days")),
)
delegated_policies = st.builds(
    Policy,
    deadline_zones,
    st.builds(Reconsideration, st.just(True), windows),
    st.none() | st.builds(Appeal, st.sampled_from(("us", "health_plan")), windows),
    st.none(),
)
policies = st.builds(
    Policy,
    deadline_zones,
    st.none() | st.builds(Reconsideration, st.booleans(), windows),
    st.none() | st.builds(Appeal, st.sampled_from(("us", "health_plan")), windows),
    st.none() | st.builds(Appeal, st.sampled_from(("us", "health_plan")), windows),
)


@given(instants, business_windows, deadline_zones)
def test_the_last_day_inside_a_business_day_window_is_a_business_day(determined, window, zone):
    closes_at = window_closes_at(determined, window, zone)

    last_day = (closes_at - ONE_MICROSECOND).astimezone(pytz.timezone(zone)).date()

    assert oracle.is_business_day(last_day)
    assert last_day == oracle.add_business_days(
        determined.astimezone(pytz.timezone(zone)).date(), window.length
    )


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@settings(max_examples=500)
@given(days)
def test_a_business_day_is_what_a_calendar_of_federal_holidays_says(day):
    assert is_business_day(day) is oracle.is_business_day(day)


@settings(max_examples=300)
@given(days, st.integers(min_value=0, max_value=400))
def test_adding_business_days_agrees_with_counting_them_one_by_one(start, n):
    assert add_business_days(start, n) == oracle.add_business_days(start, n)


@given(st.integers(min_value=2000, max_value=2060), st.integers(min_value=0, max_value=30))
def test_counting_from_the_days_around_new_year_agrees_too(year, n):
    # The observed 1 January that falls on 31 December of the year before.
    for start in (date(year - 1, 12, 29), date(year - 1, 12, 30), date(year - 1, 12, 31)):
        assert add_business_days(start, n) == oracle.add_business_days(start, n)


@given(instants, st.integers(min_value=1, max_value=400), deadline_zones)
def test_a_calendar_window_closes_at_local_midnight_after_day_n(determined, length, zone):
    tz = pytz.timezone(zone)
    closes_at = window_closes_at(determined, Window(length, "calendar_days"), zone)

    determination_date = determined.astimezone(tz).date()
    assert closes_at.astimezone(tz).date() == determination_date + timedelta(days=length + 1)
    assert (closes_at.hour, closes_at.minute, closes_at.second) == (0, 0, 0)
    assert closes_at.utcoffset() == tz.normalize(closes_at).utcoffset()


@given(instants, instants, windows, deadline_zones)
def test_a_later_determination_never_closes_earlier(first, second, window, zone):
    earlier, later = sorted((first, second))

    assert window_closes_at(earlier, window, zone) <= window_closes_at(later, window, zone)


facts = st.fixed_dictionaries(
    {
        "status": st.sampled_from(
            ("pended", "denied", "partially_approved", "approved", "withdrawn")
        ),
        "line_of_business": st.sampled_from(("commercial", "medicare", "medicaid", "chip")),
        "additional_info_received": st.booleans(),
        "appeal_filed": st.booleans(),
        "reconsideration_completed": st.booleans(),
        "service_rendered": st.booleans(),
    }
)


@settings(max_examples=300)
@given(facts, policies, instants, st.integers(min_value=-5, max_value=90 * 86400), zones, zones)
def test_the_answer_does_not_depend_on_the_zone_times_are_written_in(
    flags, policy, determined, offset_seconds, zone_a, zone_b
):
    at = determined + timedelta(seconds=offset_seconds)
    due = determined + timedelta(days=3)

    def written_in(tz):
        case = CaseFacts(
            determination_at=determined.astimezone(tz), info_due_at=due.astimezone(tz), **flags
        )
        return decide(case, policy, at.astimezone(tz))

    a, b = written_in(zone_a), written_in(zone_b)

    assert a == b
    for x, y in (
        (a.valid_until, b.valid_until),
        *(
            (p.until, q.until)
            for p, q in zip(a.post_decision_options, b.post_decision_options, strict=True)
        ),
    ):
        assert (x and x.isoformat()) == (y and y.isoformat())


@given(
    st.sampled_from(("denied", "partially_approved")),
    st.sampled_from(("commercial", "medicaid", "chip")),
    delegated_policies,
    instants,
    zones,
)
def test_outcome_changing_one_second_before_valid_until_and_not_at_it(
    status, line_of_business, policy, determined, zone
):
    case = CaseFacts(status, line_of_business, determined.astimezone(zone), None)
    valid_until = decide(case, policy, determined).valid_until

    assert decide(case, policy, (valid_until - ONE_SECOND).astimezone(zone)).outcome == (
        OUTCOME_CHANGING
    )
    assert decide(case, policy, valid_until.astimezone(zone)).outcome != OUTCOME_CHANGING


@given(st.booleans(), policies, instants, zones)
def test_a_pended_case_is_outcome_changing_until_its_due_instant(received, policy, due, zone):
    case = CaseFacts(
        "pended", "commercial", None, due.astimezone(zone), additional_info_received=received
    )

    assert decide(case, policy, due - ONE_SECOND).outcome == OUTCOME_CHANGING
    assert decide(case, policy, due).outcome != OUTCOME_CHANGING
    assert decide(case, policy, due - ONE_SECOND).valid_until == due
