"""The appointment status machine: every transition allowed, and every other refused."""

import itertools

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

ACTIONS = (states.RESCHEDULE, states.CANCEL, states.CHANGE_CASES, states.COMPLETE)
ALLOWED = {
    (SCHEDULED, states.RESCHEDULE): SCHEDULED,
    (SCHEDULED, states.CHANGE_CASES): SCHEDULED,
    (SCHEDULED, states.CANCEL): CANCELLED,
    (SCHEDULED, states.COMPLETE): COMPLETED,
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
    ],
)
def test_a_refusal_says_why(status, action, text):
    assert states.next_status(status, action) is None
    assert states.refusal(status, action) == text


def test_what_may_still_happen():
    assert set(states.actions_from(SCHEDULED)) == set(ACTIONS)
    assert states.actions_from(CANCELLED) == ()
