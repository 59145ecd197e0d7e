"""What the provider reads: the seeds' wording, dates on the deadline zone's clock, and no
member data."""

from datetime import datetime, timedelta

import pytest
import pytz

from p2p.eligibility import Appeal, CaseFacts, Policy, Reconsideration, Window, decide
from p2p.eligibility.messages import format_deadline

NEW_YORK = "America/New_York"
SEED_SENTENCE = (
    "You may continue to schedule a Peer to Peer discussion for this case but it will be "
    "considered consultative only and the original decision cannot be modified."
)


def local(zone_name: str, *fields: int) -> datetime:
    return pytz.timezone(zone_name).localize(datetime(*fields))


MEDICAID = Policy(
    NEW_YORK,
    Reconsideration(True, Window(5, "business_days")),
    Appeal("health_plan", Window(60, "calendar_days")),
    None,
)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        pytest.param(local(NEW_YORK, 2026, 11, 28), "11/28/2026 12:00:00 AM EST", id="midnight"),
        pytest.param(local(NEW_YORK, 2026, 7, 3, 12), "07/03/2026 12:00:00 PM EDT", id="noon"),
        pytest.param(
            local("America/Phoenix", 2026, 7, 3, 17, 5, 9),
            "07/03/2026 05:05:09 PM MST",
            id="Arizona",
        ),
        pytest.param(
            local("Pacific/Honolulu", 2026, 1, 2, 23, 59, 59),
            "01/02/2026 11:59:59 PM HST",
            id="Honolulu",
        ),
    ],
)
def test_format_deadline_is_the_seeds_format(instant, expected):
    assert format_deadline(instant) == expected
    assert format_deadline(instant) == instant.strftime("%m/%d/%Y %I:%M:%S %p %Z")


def test_outcome_changing_reconsideration():
    # Denied Fri 20 Nov 2026 15:04 EST (written in Tokyo): Mon 23 (1), Tue 24 (2), Wed 25 (3),
    # Thu 26 Thanksgiving, Fri 27 (4), Mon 30 (5); closes Tue 1 Dec 00:00 EST.
    determined = local("Asia/Tokyo", 2026, 11, 21, 5, 4)
    case = CaseFacts("denied", "medicaid", determined, None)

    availability = decide(case, MEDICAID, determined + timedelta(hours=1))

    assert availability.message == (
        "Reconsideration allowed until 12/01/2026 12:00:00 AM EST. "
        "A Peer to Peer discussion held before then can change the decision."
    )


def test_window_closed_names_the_instant_and_ends_with_the_seeds_sentence():
    case = CaseFacts("denied", "medicaid", local(NEW_YORK, 2026, 11, 20, 15, 4), None)

    availability = decide(case, MEDICAID, local(NEW_YORK, 2026, 12, 1))

    assert availability.message == (
        "The reconsideration period for this case ended 12/01/2026 12:00:00 AM EST. "
        + SEED_SENTENCE
    )


@pytest.mark.parametrize(
    ("line_of_business", "flags", "first_sentence"),
    [
        ("medicare", {}, "Medicare cases do not include a reconsideration option"),
        ("medicaid", {"service_rendered": True}, "The service has already been rendered"),
        ("medicaid", {"appeal_filed": True}, "An appeal has been filed for this case"),
        (
            "medicaid",
            {"reconsideration_completed": True},
            "Post-decision options for this case have been exhausted",
        ),
    ],
)
def test_consultative_only_gives_the_reason_then_the_seeds_sentence(
    line_of_business, flags, first_sentence
):
    determined = local(NEW_YORK, 2026, 11, 20, 15, 4)
    case = CaseFacts("denied", line_of_business, determined, None, **flags)

    message = decide(case, MEDICAID, determined + timedelta(hours=1)).message

    assert message.startswith(first_sentence)
    assert message.endswith(SEED_SENTENCE)


def test_not_delegated():
    determined = local(NEW_YORK, 2026, 11, 20, 15, 4)
    case = CaseFacts("denied", "commercial", determined, None)
    plan = Policy(NEW_YORK, Reconsideration(False, Window(5, "business_days")), None, None)

    message = decide(case, plan, determined).message

    assert message.startswith("Reconsideration for this case is not delegated to us")
    assert message.endswith(SEED_SENTENCE)


def test_pre_decision():
    due = local(NEW_YORK, 2026, 11, 25, 17)
    case = CaseFacts("pended", "medicare", None, due)

    assert decide(case, MEDICAID, due - timedelta(days=1)).message == (
        "A Pre-Decision Clinical Consultation must take place before the due date for "
        "additional information, 11/25/2026 05:00:00 PM EST."
    )


def test_pre_decision_with_information_received_warns_the_case_may_be_decided_first():
    due = local(NEW_YORK, 2026, 11, 25, 17)
    case = CaseFacts("pended", "medicare", None, due, additional_info_received=True)

    message = decide(case, MEDICAID, due - timedelta(days=1)).message

    assert message.startswith("A Pre-Decision Clinical Consultation must take place before")
    assert message.endswith(
        "05:00:00 PM EST. Additional information has already been received, so the reviewer "
        "may proceed to a determination without waiting for the consultation."
    )


def test_pre_decision_due_date_passed():
    due = local(NEW_YORK, 2026, 11, 25, 17)
    case = CaseFacts("pended", "commercial", None, due)

    message = decide(case, MEDICAID, due).message

    assert message.startswith(
        "The due date for additional information, 11/25/2026 05:00:00 PM EST, has passed."
    )
    assert "consultative only" in message


@pytest.mark.parametrize(
    ("status", "expected"),
    [("approved", "approved in full"), ("withdrawn", "withdrawn")],
)
def test_unavailable_says_why(status, expected):
    determined = local(NEW_YORK, 2026, 11, 20, 15, 4)
    message = decide(
        CaseFacts(status, "commercial", determined, None), MEDICAID, determined
    ).message

    assert expected in message
    assert "no decision to discuss" in message
