"""DOMAIN.md rule 7: the "All Post Decision Options" view [004], always reconsideration,
first-level appeal, second-level appeal, each with its own deadline or its absence."""

from datetime import datetime, timedelta

import pytest
import pytz

from p2p.eligibility import (
    Appeal,
    CaseFacts,
    Policy,
    PostDecisionOption,
    Reconsideration,
    Window,
    decide,
)

NEW_YORK = "America/New_York"
ONE_SECOND = timedelta(seconds=1)


def local(zone_name: str, *fields: int) -> datetime:
    return pytz.timezone(zone_name).localize(datetime(*fields))


THE_HEALTH_PLAN = Policy(  # [000]
    NEW_YORK,
    Reconsideration(True, Window(60, "calendar_days")),
    Appeal("us", Window(180, "calendar_days")),
    None,
)
HEALTH_PARTNERS_PLANS = Policy(  # [004]
    NEW_YORK,
    Reconsideration(True, Window(2, "business_days")),
    Appeal("health_plan", Window(60, "calendar_days")),
    None,
)
NOT_DELEGATED_WITH_SECOND_LEVEL = Policy(
    NEW_YORK,
    Reconsideration(False, Window(30, "calendar_days")),
    Appeal("health_plan", Window(60, "calendar_days")),
    Appeal("health_plan", Window(60, "calendar_days")),
)
MEDICARE = Policy(NEW_YORK, None, Appeal("health_plan", Window(60, "calendar_days")), None)

# Denied Wed 2 Sep 2026 10:00 EDT. Reconsideration [000]: day 60 is Sun 1 Nov, closes
# Mon 2 Nov 00:00 EST. First-level appeal [000]: day 180 is Mon 1 Mar 2027 (Sep 2 + 28 = Sep
# 30, + 31 Oct + 30 Nov + 31 Dec + 31 Jan + 28 Feb = 179 to Feb 28, + 1 = Mar 1); closes
# Tue 2 Mar 2027 00:00 EST.
DETERMINED = local(NEW_YORK, 2026, 9, 2, 10)
RECONSIDERATION_CLOSES = "2026-11-02T00:00:00-05:00"
APPEAL_CLOSES = "2027-03-02T00:00:00-05:00"


def options(availability) -> dict[str, PostDecisionOption]:
    assert [o.option for o in availability.post_decision_options] == [
        "reconsideration",
        "first_level_appeal",
        "second_level_appeal",
    ]
    return {o.option: o for o in availability.post_decision_options}


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def test_inside_the_reconsideration_window_both_options_are_open():
    case = CaseFacts("denied", "commercial", DETERMINED, None)
    shown = options(decide(case, THE_HEALTH_PLAN, local(NEW_YORK, 2026, 9, 10, 9)))

    assert shown["reconsideration"].available
    assert iso(shown["reconsideration"].until) == RECONSIDERATION_CLOSES
    assert shown["reconsideration"].handled_by == "us"
    assert shown["first_level_appeal"].available
    assert iso(shown["first_level_appeal"].until) == APPEAL_CLOSES
    assert shown["first_level_appeal"].handled_by == "us"
    assert shown["second_level_appeal"] == PostDecisionOption(
        "second_level_appeal", False, None, None
    )


@pytest.mark.parametrize(
    ("deadline", "before", "at_and_after"),
    [
        # (reconsideration available, first-level appeal available)
        pytest.param(RECONSIDERATION_CLOSES, (True, True), (False, True), id="reconsideration"),
        pytest.param(APPEAL_CLOSES, (False, True), (False, False), id="first-level appeal"),
    ],
)
def test_each_option_closes_at_its_own_deadline(deadline, before, at_and_after):
    case = CaseFacts("denied", "commercial", DETERMINED, None)
    closes = datetime.fromisoformat(deadline)

    for at, expected in (
        (closes - ONE_SECOND, before),
        (closes, at_and_after),
        (closes + ONE_SECOND, at_and_after),
    ):
        shown = options(decide(case, THE_HEALTH_PLAN, at))
        assert (shown["reconsideration"].available, shown["first_level_appeal"].available) == (
            expected
        )
        # The deadlines are shown whether or not they have passed.
        assert iso(shown["reconsideration"].until) == RECONSIDERATION_CLOSES
        assert iso(shown["first_level_appeal"].until) == APPEAL_CLOSES


def test_health_partners_plans_medicaid_appeal_goes_to_the_plan():
    # [004] Denied Thu 12 Nov 2026 16:00 EST. Reconsideration: Fri 13 (1), Mon 16 (2), closes
    # Tue 17 Nov 00:00 EST. Appeal to HPP: day 60 is Mon 11 Jan 2027, closes Tue 12 Jan.
    case = CaseFacts("denied", "medicaid", local(NEW_YORK, 2026, 11, 12, 16), None)
    shown = options(decide(case, HEALTH_PARTNERS_PLANS, local(NEW_YORK, 2026, 11, 13, 9)))

    assert shown["reconsideration"] == PostDecisionOption(
        "reconsideration", True, datetime.fromisoformat("2026-11-17T00:00:00-05:00"), "us"
    )
    assert iso(shown["first_level_appeal"].until) == "2027-01-12T00:00:00-05:00"
    assert shown["first_level_appeal"].handled_by == "health_plan"
    assert shown["first_level_appeal"].available


def test_reconsideration_handled_by_the_plan_is_listed_but_not_available_through_us():
    case = CaseFacts("denied", "commercial", DETERMINED, None)
    shown = options(decide(case, NOT_DELEGATED_WITH_SECOND_LEVEL, DETERMINED + ONE_SECOND))

    # Wed 2 Sep 2026 + 30 days = Fri 2 Oct; closes Sat 3 Oct 00:00 EDT.
    assert shown["reconsideration"] == PostDecisionOption(
        "reconsideration",
        False,
        datetime.fromisoformat("2026-10-03T00:00:00-04:00"),
        "health_plan",
    )
    # A second-level appeal opens only after a first-level decision, which is not tracked.
    assert shown["second_level_appeal"] == PostDecisionOption(
        "second_level_appeal", False, None, "health_plan"
    )


def test_medicare_has_no_reconsideration_but_may_have_an_appeal_with_the_plan():
    # [004] Medicare: "eviCore will not process appeals", HPP takes them for 60 calendar days.
    case = CaseFacts("denied", "medicare", DETERMINED, None)
    shown = options(decide(case, MEDICARE, DETERMINED + ONE_SECOND))

    assert shown["reconsideration"] == PostDecisionOption("reconsideration", False, None, None)
    assert shown["first_level_appeal"].available
    assert shown["first_level_appeal"].handled_by == "health_plan"


@pytest.mark.parametrize("flag", ["appeal_filed", "service_rendered", "reconsideration_completed"])
def test_flags_close_the_reconsideration_and_a_filed_appeal_closes_the_appeal(flag):
    case = CaseFacts("denied", "commercial", DETERMINED, None, **{flag: True})
    shown = options(decide(case, THE_HEALTH_PLAN, DETERMINED + ONE_SECOND))

    assert not shown["reconsideration"].available
    assert iso(shown["reconsideration"].until) == RECONSIDERATION_CLOSES
    # [002] after a rendered service, and [001] after a reconsideration, the appeal is the
    # way forward; once filed, it is no longer an option to take.
    assert shown["first_level_appeal"].available is (flag != "appeal_filed")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(CaseFacts("pended", "commercial", None, DETERMINED), id="pended"),
        pytest.param(CaseFacts("approved", "commercial", DETERMINED, None), id="approved"),
        pytest.param(CaseFacts("withdrawn", "commercial", DETERMINED, None), id="withdrawn"),
    ],
)
def test_without_an_adverse_decision_nothing_is_available(case):
    shown = options(decide(case, NOT_DELEGATED_WITH_SECOND_LEVEL, DETERMINED - ONE_SECOND))

    assert shown == {
        "reconsideration": PostDecisionOption("reconsideration", False, None, "health_plan"),
        "first_level_appeal": PostDecisionOption("first_level_appeal", False, None, "health_plan"),
        "second_level_appeal": PostDecisionOption(
            "second_level_appeal", False, None, "health_plan"
        ),
    }


def test_options_are_in_the_deadline_zone_whatever_zone_the_determination_was_written_in():
    written_in_tokyo = DETERMINED.astimezone(pytz.timezone("Asia/Tokyo"))
    case = CaseFacts("denied", "commercial", written_in_tokyo, None)
    shown = options(decide(case, THE_HEALTH_PLAN, DETERMINED + ONE_SECOND))

    assert shown["reconsideration"].until.tzinfo.zone == NEW_YORK
    assert shown["first_level_appeal"].until.tzinfo.zone == NEW_YORK
