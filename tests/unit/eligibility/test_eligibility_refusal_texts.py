"""What a refusal tells the caller: the field it names (the API turns it into the 4xx's
`fields` key) and a message that says what was wrong and what would do. Also the window
arithmetic itself, called directly: `window_closes_at` memoises it, so a test that goes
through `decide` may read an answer computed before."""

from datetime import date, datetime

import pytest
import pytz

from p2p.eligibility import (
    Appeal,
    CaseFacts,
    EligibilityError,
    Policy,
    PostDecisionOption,
    Reconsideration,
    Window,
    add_business_days,
    decide,
    is_business_day,
    window_closes_at,
)
from p2p.eligibility.deadlines import closes_at, last_day_inside

NEW_YORK = pytz.timezone("America/New_York")
AWARE = NEW_YORK.localize(datetime(2026, 11, 20, 15, 4))


@pytest.mark.parametrize(
    ("build", "field", "says"),
    [
        pytest.param(
            lambda: CaseFacts("open", "medicaid", AWARE, None),
            "status",
            ("pended, denied, partially_approved, approved, withdrawn", "'open'"),
            id="status",
        ),
        pytest.param(
            lambda: CaseFacts("denied", "tricare", AWARE, None),
            "line_of_business",
            ("commercial, medicare, medicaid, chip", "'tricare'"),
            id="line of business",
        ),
        pytest.param(
            lambda: Window(0, "calendar_days"), "window.length", (">= 1", "0"), id="length 0"
        ),
        pytest.param(
            lambda: Window(5, "weeks"),
            "window.unit",
            ("calendar_days, business_days", "'weeks'"),
            id="unit",
        ),
        pytest.param(
            lambda: Appeal("eviCore", Window(5, "calendar_days")),
            "handled_by",
            ("us, health_plan", "'eviCore'"),
            id="handled by",
        ),
        pytest.param(
            lambda: Reconsideration("yes", Window(5, "calendar_days")),
            "delegated",
            ("true or false", "'yes'"),
            id="delegated",
        ),
        pytest.param(
            lambda: Policy("US/Nowhere", None, None, None),
            "deadline_time_zone",
            ("'US/Nowhere'",),
            id="deadline zone",
        ),
    ],
)
def test_a_refused_value_names_its_field_and_what_would_do(build, field, says):
    with pytest.raises(EligibilityError) as raised:
        build()
    assert raised.value.field == field
    for text in says:
        assert text in raised.value.message


def test_a_one_day_window_is_the_shortest_accepted():
    assert Window(1, "calendar_days").length == 1


@pytest.mark.parametrize(
    ("status", "determination_at", "info_due_at", "field"),
    [
        ("pended", None, None, "info_due_at"),
        ("denied", None, AWARE, "determination_at"),
    ],
)
def test_a_missing_date_is_named_with_the_status_that_needs_it(
    status, determination_at, info_due_at, field
):
    plan = Policy("America/New_York", None, None, None)
    with pytest.raises(EligibilityError) as raised:
        decide(CaseFacts(status, "medicaid", determination_at, info_due_at), plan, AWARE)
    assert raised.value.field == field
    assert raised.value.message == f"A {status} case needs {field}."


def test_window_closes_at_names_a_naive_determination():
    with pytest.raises(EligibilityError) as raised:
        window_closes_at(datetime(2026, 11, 20, 15, 4), Window(5, "calendar_days"), "UTC")
    assert raised.value.field == "determination_at"
    assert "determination_at" in raised.value.message


def test_closes_at_names_an_unknown_deadline_zone():
    with pytest.raises(EligibilityError) as raised:
        closes_at(AWARE, Window(5, "calendar_days"), "Mars/Olympus")
    assert raised.value.field == "deadline_time_zone"
    assert "'Mars/Olympus'" in raised.value.message


@pytest.mark.parametrize(
    ("window", "last_day"),
    [
        # [000] "within 60 calendar days of the determination date" includes day 60.
        (Window(60, "calendar_days"), date(2026, 3, 2)),
        (Window(1, "calendar_days"), date(2026, 1, 2)),
        # Friday 2 Jan 2026: business day 1 is Monday 5 Jan, day 5 is Friday 9 Jan.
        (Window(5, "business_days"), date(2026, 1, 9)),
        (Window(1, "business_days"), date(2026, 1, 5)),
    ],
)
def test_the_last_day_inside_a_window(window, last_day):
    determination = date(2026, 1, 2) if window.unit == "business_days" else date(2026, 1, 1)
    assert last_day_inside(determination, window) == last_day


def test_a_business_day_window_skips_a_federal_holiday():
    # Wednesday 24 Dec 2025: Thursday 25 Dec is Christmas, so business day 1 is Friday 26.
    assert last_day_inside(date(2025, 12, 24), Window(1, "business_days")) == date(2025, 12, 26)


def test_business_days_refuse_a_negative_count_with_the_count():
    with pytest.raises(ValueError, match=r">= 0, got -1"):
        add_business_days(date(2026, 1, 2), -1)


def test_business_days_refuse_a_datetime_by_its_type():
    with pytest.raises(TypeError, match="expected a date, got datetime"):
        is_business_day(datetime(2026, 1, 2, 9, 0))


def test_a_plan_without_a_first_level_appeal_shows_it_unavailable():
    plan = Policy("America/New_York", Reconsideration(True, Window(5, "business_days")), None, None)
    options = decide(CaseFacts("denied", "medicaid", AWARE, None), plan, AWARE)
    first_level = [o for o in options.post_decision_options if o.option == "first_level_appeal"]
    assert first_level == [PostDecisionOption("first_level_appeal", False, None, None)]


def test_a_plan_without_a_reconsideration_says_so():
    plan = Policy("America/New_York", None, Appeal("us", Window(180, "calendar_days")), None)
    ruling = decide(CaseFacts("denied", "commercial", AWARE, None), plan, AWARE)
    assert ruling.outcome == "consultative_only"
    assert ruling.message.startswith("This health plan offers no reconsideration for this case.")
