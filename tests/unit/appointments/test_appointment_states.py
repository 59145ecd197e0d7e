"""The appointment status machine: every transition allowed, and every other refused; when
an outcome may be recorded."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from p2p.appointments import states
from p2p.vocabulary import (
    APPOINTMENT_STATUSES,
    CANCELLED,
    COMPLETED,
    PROVIDER_NOT_REACHED,
    REVIEWER_UNAVAILABLE,
    SCHEDULED,
)

HELD_, NOT_REACHED, UNAVAILABLE = (
    states.RECORD["held"],
    states.RECORD[PROVIDER_NOT_REACHED],
    states.RECORD[REVIEWER_UNAVAILABLE],
)
ACTIONS = (
    states.RESCHEDULE, states.CANCEL, states.CHANGE_CASES, states.COMPLETE,
    HELD_, NOT_REACHED, UNAVAILABLE,
)
# Written out by hand, not derived from the module: the table is the specification.
ALLOWED = {
    (SCHEDULED, states.RESCHEDULE): SCHEDULED,
    (SCHEDULED, states.CHANGE_CASES): SCHEDULED,
    (SCHEDULED, states.CANCEL): CANCELLED,
    (SCHEDULED, states.COMPLETE): COMPLETED,
    (SCHEDULED, HELD_): COMPLETED,
    (SCHEDULED, NOT_REACHED): PROVIDER_NOT_REACHED,
    (SCHEDULED, UNAVAILABLE): REVIEWER_UNAVAILABLE,
    # A call the job marked completed still gets its outcome (recorded once: see below).
    (COMPLETED, HELD_): COMPLETED,
    (COMPLETED, NOT_REACHED): PROVIDER_NOT_REACHED,
    (COMPLETED, UNAVAILABLE): REVIEWER_UNAVAILABLE,
    # A missed call is rebooked by rescheduling it; it is neither cancelled nor completed.
    (PROVIDER_NOT_REACHED, states.RESCHEDULE): SCHEDULED,
    (REVIEWER_UNAVAILABLE, states.RESCHEDULE): SCHEDULED,
}


PAIRS = list(itertools.product(APPOINTMENT_STATUSES, ACTIONS))


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_every_pair_of_status_and_action(status, action):
    assert states.next_status(status, action) == ALLOWED.get((status, action))


def test_the_machine_lists_exactly_these_transitions():
    assert states.TRANSITIONS == ALLOWED


@pytest.mark.parametrize(
    ("status", "action", "text"),
    [
        (CANCELLED, states.CANCEL, "The appointment is cancelled; it cannot be cancelled."),
        (CANCELLED, states.RESCHEDULE, "The appointment is cancelled; it cannot be rescheduled."),
        (COMPLETED, states.RESCHEDULE, "The appointment is completed; it cannot be rescheduled."),
        (
            PROVIDER_NOT_REACHED,
            states.CANCEL,
            "The appointment is provider not reached; it cannot be cancelled.",
        ),
        (REVIEWER_UNAVAILABLE, states.COMPLETE,
         "The appointment is reviewer unavailable; it cannot be completed."),
        (CANCELLED, HELD_, "The appointment is cancelled; it cannot be given an outcome."),
    ],
)
def test_a_refusal_says_why(status, action, text):
    assert states.next_status(status, action) is None
    assert states.refusal(status, action) == text


def test_what_may_still_happen():
    assert set(states.actions_from(SCHEDULED)) == set(ACTIONS)
    assert states.actions_from(CANCELLED) == ()
    assert states.actions_from(PROVIDER_NOT_REACHED) == (states.RESCHEDULE,)


START = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "recorded_at", "now", "refused"),
    [
        (SCHEDULED, None, START - timedelta(seconds=1), "only once the call has started"),
        (SCHEDULED, None, START, None),
        (COMPLETED, None, START + timedelta(days=3), None),
        (COMPLETED, START, START + timedelta(days=3), "recorded already"),
        (PROVIDER_NOT_REACHED, START, START + timedelta(hours=1), "recorded already"),
        (CANCELLED, None, START, "it cannot be given an outcome"),
        (REVIEWER_UNAVAILABLE, None, START, "it cannot be given an outcome"),
    ],
)
def test_when_an_outcome_may_be_recorded(status, recorded_at, now, refused):
    answer = states.outcome_refusal(status, recorded_at, START, now)
    assert (answer is None) if refused is None else (refused in answer)


def test_the_outcome_refusals_are_whole_sentences_for_the_provider():
    # The API returns these as the 409's message: written out here as the provider reads them.
    assert states.outcome_refusal(COMPLETED, START, START, START + timedelta(hours=1)) == (
        "This call's outcome is recorded already."
    )
    assert states.outcome_refusal(SCHEDULED, None, START, START - timedelta(minutes=5)) == (
        "A call's outcome can be recorded only once the call has started."
    )


@pytest.mark.parametrize("status", APPOINTMENT_STATUSES)
def test_only_a_call_either_side_missed_counts_as_missed(status):
    assert states.is_missed(status) is (status in (PROVIDER_NOT_REACHED, REVIEWER_UNAVAILABLE))
