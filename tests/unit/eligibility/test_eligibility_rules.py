"""DOMAIN.md's eligibility rules, case by case.

A case with a deadline is asked at one second before, exactly at, and one second after
`valid_until` (the window is half-open: [003] it must hold when the consultation occurs).
A case without one is asked at a few instants, from just after the decision to a year on.
Every question is asked with the case's times and `at` written in several zones: the same
instants must give the same answer.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
import pytz

from p2p.eligibility import (
    Appeal,
    CaseFacts,
    Policy,
    Reconsideration,
    Window,
    decide,
)
from p2p.vocabulary import (
    CONSULTATIVE_ONLY,
    CONSULTATIVE_P2P,
    OUTCOME_CHANGING,
    PRE_DECISION_P2P,
    RECONSIDERATION_P2P,
    UNAVAILABLE,
)

NEW_YORK = "America/New_York"
PHOENIX = "America/Phoenix"
WRITTEN_IN = ("America/New_York", "America/Phoenix", "Pacific/Honolulu", "Asia/Tokyo", "UTC")
ONE_SECOND = timedelta(seconds=1)


def local(zone_name: str, *fields: int) -> datetime:
    return pytz.timezone(zone_name).localize(datetime(*fields))


def policy(reconsideration=None, first_level_appeal=None, deadline_time_zone=NEW_YORK):
    return Policy(deadline_time_zone, reconsideration, first_level_appeal, None)


# The seeds' plans (p2p/defaults/policies.json), plus two the seeds only imply.
THE_HEALTH_PLAN = policy(  # [000] Commercial, Medicaid, CHIP
    Reconsideration(True, Window(60, "calendar_days")), Appeal("us", Window(180, "calendar_days"))
)
THE_HEALTH_PLAN_MEDICARE = policy()  # [000] no reconsideration, appeals not processed by us
AETNA_BETTER_HEALTH = policy(Reconsideration(True, Window(5, "business_days")))  # [001]
HEALTH_PARTNERS_PLANS = policy(  # [004]
    Reconsideration(True, Window(2, "business_days")),
    Appeal("health_plan", Window(60, "calendar_days")),
)
HEALTH_PARTNERS_PLANS_MEDICARE = policy(None, Appeal("health_plan", Window(60, "calendar_days")))
NOT_DELEGATED = policy(  # [003] "EviCore may not be delegated for the re-open"
    Reconsideration(False, Window(30, "calendar_days")),
    Appeal("health_plan", Window(60, "calendar_days")),
)
NO_RECONSIDERATION = policy(None, Appeal("health_plan", Window(60, "calendar_days")))
ARIZONA_MEDICAID = policy(Reconsideration(True, Window(5, "business_days")), None, PHOENIX)


def denied(line_of_business, determination_at, status="denied", **flags):
    return CaseFacts(status, line_of_business, determination_at, None, **flags)


def pended(info_due_at, **flags):
    return CaseFacts("pended", "commercial", None, info_due_at, **flags)


@dataclass(frozen=True)
class Answer:
    outcome: str
    level_of_review: str | None
    reason: str


RECONSIDERATION_OPEN = Answer(OUTCOME_CHANGING, RECONSIDERATION_P2P, "reconsideration_window_open")
RECONSIDERATION_CLOSED = Answer(
    CONSULTATIVE_ONLY, CONSULTATIVE_P2P, "reconsideration_window_closed"
)
PRE_DECISION = Answer(OUTCOME_CHANGING, PRE_DECISION_P2P, "pre_decision")
DUE_DATE_PASSED = Answer(CONSULTATIVE_ONLY, CONSULTATIVE_P2P, "pre_decision_due_date_passed")


def consultative(reason: str) -> Answer:
    return Answer(CONSULTATIVE_ONLY, CONSULTATIVE_P2P, reason)


def unavailable(reason: str) -> Answer:
    return Answer(UNAVAILABLE, None, reason)


def in_zone(value: datetime | None, zone_name: str) -> datetime | None:
    return None if value is None else value.astimezone(pytz.timezone(zone_name))


def written_in(case: CaseFacts, zone_name: str) -> CaseFacts:
    return replace(
        case,
        determination_at=in_zone(case.determination_at, zone_name),
        info_due_at=in_zone(case.info_due_at, zone_name),
    )


def answer(availability) -> Answer:
    return Answer(availability.outcome, availability.level_of_review, availability.reason)


# --- cases with a deadline ----------------------------------------------------------------
# (case, policy, expected valid_until, answer before it, answer at and after it)
DEADLINE_CASES = [
    # Rule 3, [001]: Medicaid, 5 business days. Denied Mon 23 Nov 2026 09:30 EST: Tue 24 (1),
    # Wed 25 (2), Thu 26 Thanksgiving, Fri 27 (3), weekend, Mon 30 (4), Tue 1 Dec (5).
    pytest.param(
        denied("medicaid", local(NEW_YORK, 2026, 11, 23, 9, 30)),
        AETNA_BETTER_HEALTH,
        "2026-12-02T00:00:00-05:00",
        RECONSIDERATION_OPEN,
        RECONSIDERATION_CLOSED,
        id="Medicaid denied, 5 business days over Thanksgiving and the weekend after",
    ),
    # Rule 3, [004]: Medicaid, 2 business days. Denied Thu 12 Nov 2026 16:00 EST: Fri 13 (1),
    # weekend, Mon 16 (2); closes Tue 17 Nov 00:00 EST.
    pytest.param(
        denied("medicaid", local(NEW_YORK, 2026, 11, 12, 16)),
        HEALTH_PARTNERS_PLANS,
        "2026-11-17T00:00:00-05:00",
        RECONSIDERATION_OPEN,
        RECONSIDERATION_CLOSED,
        id="Medicaid denied, 2 business days over a weekend",
    ),
    # Rule 3, [000]: Commercial, 60 calendar days. Denied Wed 2 Sep 2026 10:00 EDT; day 60 is
    # Sun 1 Nov (DST ends 02:00 that day); closes Mon 2 Nov 00:00 EST, -05:00.
    pytest.param(
        denied("commercial", local(NEW_YORK, 2026, 9, 2, 10)),
        THE_HEALTH_PLAN,
        "2026-11-02T00:00:00-05:00",
        RECONSIDERATION_OPEN,
        RECONSIDERATION_CLOSED,
        id="Commercial denied, 60 calendar days across the end of DST",
    ),
    # Rule 3, [000]: CHIP like Commercial. Denied Sun 1 Mar 2026 12:00 EST; day 60 is Thu 30
    # Apr; closes Fri 1 May 00:00 EDT, across spring forward (8 Mar).
    pytest.param(
        denied("chip", local(NEW_YORK, 2026, 3, 1, 12)),
        THE_HEALTH_PLAN,
        "2026-05-01T00:00:00-04:00",
        RECONSIDERATION_OPEN,
        RECONSIDERATION_CLOSED,
        id="CHIP denied, 60 calendar days across the start of DST",
    ),
    # Partially approved: the denied codes have the same options [000][001]. Medicaid, 2
    # business days from Fri 6 Mar 2026 17:00 EST: Mon 9 (1), Tue 10 (2); Wed 11 00:00 EDT.
    pytest.param(
        denied("medicaid", local(NEW_YORK, 2026, 3, 6, 17), status="partially_approved"),
        HEALTH_PARTNERS_PLANS,
        "2026-03-11T00:00:00-04:00",
        RECONSIDERATION_OPEN,
        RECONSIDERATION_CLOSED,
        id="Medicaid partially approved, 2 business days across the start of DST",
    ),
    # Arizona as the deadline zone: denied Wed 1 Jul 2026 15:00 MST: Thu 2 (1), Fri 3 is
    # Independence Day observed, weekend, Mon 6 (2) .. Thu 9 (5); closes Fri 10 Jul 00:00 MST.
    pytest.param(
        denied("medicaid", local(PHOENIX, 2026, 7, 1, 15)),
        ARIZONA_MEDICAID,
        "2026-07-10T00:00:00-07:00",
        RECONSIDERATION_OPEN,
        RECONSIDERATION_CLOSED,
        id="Medicaid denied, Arizona deadline zone, over observed Independence Day",
    ),
    # A denial written in Tokyo, far from New York: Tue 24 Nov 2026 10:00 JST is Mon 23 Nov
    # 20:00 EST, so Tue 24 (1), Wed 25 (2); closes Thu 26 Nov 00:00 EST.
    pytest.param(
        denied("medicaid", local("Asia/Tokyo", 2026, 11, 24, 10)),
        HEALTH_PARTNERS_PLANS,
        "2026-11-26T00:00:00-05:00",
        RECONSIDERATION_OPEN,
        RECONSIDERATION_CLOSED,
        id="Medicaid denied in the evening in New York, written in Tokyo",
    ),
    # Rule 1 [002][004]: pended, due Wed 25 Nov 2026 17:00 EST.
    pytest.param(
        pended(local(NEW_YORK, 2026, 11, 25, 17)),
        THE_HEALTH_PLAN,
        "2026-11-25T17:00:00-05:00",
        PRE_DECISION,
        DUE_DATE_PASSED,
        id="pended, before and after its due date",
    ),
    # Rule 1 [004]: the additional information already came in; still outcome-changing until
    # the due date, with a warning.
    pytest.param(
        pended(local(NEW_YORK, 2026, 11, 25, 17), additional_info_received=True),
        THE_HEALTH_PLAN,
        "2026-11-25T17:00:00-05:00",
        Answer(OUTCOME_CHANGING, PRE_DECISION_P2P, "pre_decision_additional_info_received"),
        DUE_DATE_PASSED,
        id="pended with additional information received",
    ),
    # Rule 1 for Medicare [004] ("Pre-Decision Options: Medicare Members"), due on the day DST
    # starts, written in Honolulu: 06:00 HST on Sun 8 Mar 2026 is 12:00 EDT.
    pytest.param(
        replace(pended(local("Pacific/Honolulu", 2026, 3, 8, 6)), line_of_business="medicare"),
        HEALTH_PARTNERS_PLANS_MEDICARE,
        "2026-03-08T12:00:00-04:00",
        PRE_DECISION,
        DUE_DATE_PASSED,
        id="Medicare pended, due on the day DST starts, written in Honolulu",
    ),
    # Pended with an Arizona deadline zone: the due instant is shown on Arizona's clock.
    pytest.param(
        pended(local(NEW_YORK, 2026, 7, 2, 12)),
        ARIZONA_MEDICAID,
        "2026-07-02T09:00:00-07:00",
        PRE_DECISION,
        DUE_DATE_PASSED,
        id="pended, Arizona deadline zone",
    ),
]


@pytest.mark.parametrize("zone_name", WRITTEN_IN)
@pytest.mark.parametrize(("case", "plan", "valid_until", "before", "after"), DEADLINE_CASES)
def test_a_case_with_a_deadline(case, plan, valid_until, before, after, zone_name):
    case = written_in(case, zone_name)
    deadline = datetime.fromisoformat(valid_until)

    one_second_before = decide(case, plan, in_zone(deadline - ONE_SECOND, zone_name))
    exactly_at = decide(case, plan, in_zone(deadline, zone_name))
    one_second_after = decide(case, plan, in_zone(deadline + ONE_SECOND, zone_name))

    assert answer(one_second_before) == before
    assert one_second_before.valid_until.isoformat() == valid_until
    assert one_second_before.valid_until.tzinfo.zone == plan.deadline_time_zone
    assert one_second_before.eligible
    for later in (exactly_at, one_second_after):
        assert answer(later) == after
        assert later.valid_until is None
        assert later.eligible


# --- cases without a deadline -------------------------------------------------------------
DETERMINED = local(NEW_YORK, 2026, 11, 20, 15, 4)  # Fri 20 Nov 2026 15:04 EST
AFTER_DETERMINATION = (ONE_SECOND, timedelta(days=1), timedelta(days=59), timedelta(days=400))

STANDING_CASES = [
    # Rule 2 [000][001][002][004]: Medicare denials cannot be overturned.
    pytest.param(
        denied("medicare", DETERMINED),
        THE_HEALTH_PLAN_MEDICARE,
        consultative("medicare_no_reconsideration"),
        id="Medicare denied",
    ),
    pytest.param(
        denied("medicare", DETERMINED, status="partially_approved"),
        HEALTH_PARTNERS_PLANS_MEDICARE,
        consultative("medicare_no_reconsideration"),
        id="Medicare partially approved",
    ),
    # Even a policy that (wrongly) offers Medicare a reconsideration does not change that.
    pytest.param(
        denied("medicare", DETERMINED),
        THE_HEALTH_PLAN,
        consultative("medicare_no_reconsideration"),
        id="Medicare denied under a bad policy",
    ),
    # Rule 4 [003]: during an appeal.
    pytest.param(
        denied("commercial", DETERMINED, appeal_filed=True),
        THE_HEALTH_PLAN,
        consultative("appeal_filed"),
        id="appeal filed inside the reconsideration window",
    ),
    # Rule 5 [001]: post-decision options exhausted.
    pytest.param(
        denied("medicaid", DETERMINED, reconsideration_completed=True),
        AETNA_BETTER_HEALTH,
        consultative("reconsideration_completed"),
        id="reconsideration already completed",
    ),
    # Rule 6 [002]: the service was already rendered.
    pytest.param(
        denied("commercial", DETERMINED, service_rendered=True),
        THE_HEALTH_PLAN,
        consultative("service_rendered"),
        id="service already rendered",
    ),
    # Rule 4 [003]: re-opening is not delegated to us.
    pytest.param(
        denied("commercial", DETERMINED),
        NOT_DELEGATED,
        consultative("reconsideration_not_delegated"),
        id="reconsideration not delegated",
    ),
    pytest.param(
        denied("medicaid", DETERMINED),
        NO_RECONSIDERATION,
        consultative("reconsideration_not_delegated"),
        id="plan without a reconsideration",
    ),
    # Rule 8: nothing to discuss.
    pytest.param(
        denied("commercial", DETERMINED, status="approved"),
        THE_HEALTH_PLAN,
        unavailable("approved"),
        id="approved",
    ),
    pytest.param(
        denied("medicare", DETERMINED, status="withdrawn"),
        THE_HEALTH_PLAN_MEDICARE,
        unavailable("withdrawn"),
        id="withdrawn",
    ),
    # Precedence: Medicare, service rendered, appeal filed, reconsideration completed, not
    # delegated, window closed.
    pytest.param(
        denied(
            "medicare",
            DETERMINED,
            service_rendered=True,
            appeal_filed=True,
            reconsideration_completed=True,
        ),
        THE_HEALTH_PLAN_MEDICARE,
        consultative("medicare_no_reconsideration"),
        id="precedence: Medicare first",
    ),
    pytest.param(
        denied(
            "commercial",
            DETERMINED,
            service_rendered=True,
            appeal_filed=True,
            reconsideration_completed=True,
        ),
        NOT_DELEGATED,
        consultative("service_rendered"),
        id="precedence: service rendered before appeal filed",
    ),
    pytest.param(
        denied("commercial", DETERMINED, appeal_filed=True, reconsideration_completed=True),
        NOT_DELEGATED,
        consultative("appeal_filed"),
        id="precedence: appeal filed before reconsideration completed",
    ),
    pytest.param(
        denied("commercial", DETERMINED, reconsideration_completed=True),
        NOT_DELEGATED,
        consultative("reconsideration_completed"),
        id="precedence: reconsideration completed before not delegated",
    ),
    # Approved or withdrawn: the other facts do not matter.
    pytest.param(
        denied("medicaid", DETERMINED, status="approved", appeal_filed=True),
        AETNA_BETTER_HEALTH,
        unavailable("approved"),
        id="approved, whatever else is set",
    ),
]


@pytest.mark.parametrize("zone_name", WRITTEN_IN)
@pytest.mark.parametrize(("case", "plan", "expected"), STANDING_CASES)
def test_a_case_without_a_deadline(case, plan, expected, zone_name):
    case = written_in(case, zone_name)
    for delay in AFTER_DETERMINATION:
        availability = decide(case, plan, in_zone(DETERMINED + delay, zone_name))

        assert answer(availability) == expected
        assert availability.valid_until is None
        assert availability.eligible is (expected.outcome != UNAVAILABLE)


def test_a_pended_case_ignores_post_decision_facts():
    # Rule 1 is about a case not yet decided: flags about a decision do not apply to it.
    case = pended(
        local(NEW_YORK, 2026, 11, 25, 17),
        appeal_filed=True,
        service_rendered=True,
        reconsideration_completed=True,
    )
    availability = decide(case, NOT_DELEGATED, local(NEW_YORK, 2026, 11, 24, 9))
    assert answer(availability) == PRE_DECISION


def test_the_window_is_judged_when_the_consultation_occurs_not_when_it_is_booked():
    # [003] Booked on Mon 30 Nov for a call on Wed 2 Dec 09:00: the window (closing Wed 2 Dec
    # 00:00) no longer holds at the call, so the call is consultative only.
    case = denied("medicaid", local(NEW_YORK, 2026, 11, 23, 9, 30))
    booked_at = local(NEW_YORK, 2026, 11, 30, 10)
    held_at = local(NEW_YORK, 2026, 12, 2, 9)
    assert decide(case, AETNA_BETTER_HEALTH, booked_at).outcome == OUTCOME_CHANGING
    assert decide(case, AETNA_BETTER_HEALTH, held_at).outcome == CONSULTATIVE_ONLY
