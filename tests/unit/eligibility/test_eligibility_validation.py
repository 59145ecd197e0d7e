"""Facts the rules cannot decide on are refused with a ValueError (EligibilityError) that
names the fact: a time without an offset is a bug, never a guess (API.md, Conventions)."""

from datetime import date, datetime, tzinfo

import pytest
import pytz

from p2p.eligibility import (
    Appeal,
    CaseFacts,
    EligibilityError,
    Policy,
    Reconsideration,
    Window,
    decide,
)

NEW_YORK = pytz.timezone("America/New_York")
AWARE = NEW_YORK.localize(datetime(2026, 11, 20, 15, 4))
NAIVE = datetime(2026, 11, 20, 15, 4)
PLAN = Policy(
    "America/New_York",
    Reconsideration(True, Window(5, "business_days")),
    Appeal("us", Window(180, "calendar_days")),
    None,
)


@pytest.mark.parametrize(
    ("case", "at", "field"),
    [
        pytest.param(CaseFacts("denied", "medicaid", AWARE, None), NAIVE, "at", id="naive at"),
        pytest.param(
            CaseFacts("denied", "medicaid", NAIVE, None),
            AWARE,
            "determination_at",
            id="naive determination",
        ),
        pytest.param(
            CaseFacts("pended", "medicaid", None, NAIVE),
            AWARE,
            "info_due_at",
            id="naive due date",
        ),
        pytest.param(
            CaseFacts("pended", "medicaid", NAIVE, AWARE),
            AWARE,
            "determination_at",
            id="naive determination on a pended case",
        ),
        pytest.param(
            CaseFacts("pended", "medicaid", AWARE, None),
            AWARE,
            "info_due_at",
            id="pended without a due date",
        ),
        *(
            pytest.param(
                CaseFacts(status, "medicaid", None, AWARE),
                AWARE,
                "determination_at",
                id=f"{status} without a determination",
            )
            for status in ("denied", "partially_approved", "approved", "withdrawn")
        ),
        pytest.param(
            CaseFacts("denied", "medicaid", AWARE, None),
            date(2026, 11, 20),
            "at",
            id="a date is not an instant",
        ),
    ],
)
def test_decide_refuses(case, at, field):
    with pytest.raises(ValueError) as raised:
        decide(case, PLAN, at)
    assert isinstance(raised.value, EligibilityError)
    assert raised.value.field == field


def test_an_offset_that_is_none_counts_as_naive():
    class NoOffset(tzinfo):
        def utcoffset(self, dt):
            return None

    odd = datetime(2026, 11, 20, 15, 4, tzinfo=NoOffset())
    with pytest.raises(EligibilityError):
        decide(CaseFacts("denied", "medicaid", AWARE, None), PLAN, odd)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: CaseFacts("open", "medicaid", AWARE, None), id="status"),
        pytest.param(lambda: CaseFacts("denied", "tricare", AWARE, None), id="line of business"),
        pytest.param(lambda: Window(0, "calendar_days"), id="window length 0"),
        pytest.param(lambda: Window(True, "calendar_days"), id="window length bool"),
        pytest.param(lambda: Window(5, "weeks"), id="window unit"),
        pytest.param(lambda: Appeal("eviCore", Window(5, "calendar_days")), id="handled by"),
        pytest.param(lambda: Reconsideration("yes", Window(5, "calendar_days")), id="delegated"),
        pytest.param(lambda: Policy("US/Nowhere", None, None, None), id="deadline zone"),
    ],
)
def test_values_refuse_what_the_rules_do_not_know(build):
    with pytest.raises(EligibilityError):
        build()
