"""An appointment's status as a state machine: every transition allowed, in one place.

    scheduled --reschedule / change cases--> scheduled
    scheduled --cancel--> cancelled
    scheduled --complete (its time has passed)--> completed

Anything else is refused (the service answers 409 `conflict`); every transition that
happens is written to the audit trail by the service's ceremony (`records.changed`).
The two missed-call statuses (provider not reached, reviewer unavailable) are states
already, with the call outcomes to lead to them.
"""

from p2p.vocabulary import CANCELLED, COMPLETED, SCHEDULED

RESCHEDULE = "reschedule"
CANCEL = "cancel"
CHANGE_CASES = "change_cases"
COMPLETE = "complete"

TRANSITIONS: dict[tuple[str, str], str] = {
    (SCHEDULED, RESCHEDULE): SCHEDULED,
    (SCHEDULED, CHANGE_CASES): SCHEDULED,
    (SCHEDULED, CANCEL): CANCELLED,
    (SCHEDULED, COMPLETE): COMPLETED,
}

_DOING = {
    RESCHEDULE: "rescheduled",
    CANCEL: "cancelled",
    CHANGE_CASES: "changed",
    COMPLETE: "completed",
}


def next_status(status: str, action: str) -> str | None:
    """The status after `action`, or None when the machine does not allow it."""
    return TRANSITIONS.get((status, action))


def refusal(status: str, action: str) -> str:
    """Why `action` is refused from `status`, in words."""
    return f"The appointment is {status.replace('_', ' ')}; it cannot be {_DOING[action]}."


def actions_from(status: str) -> tuple[str, ...]:
    """What may still happen to an appointment in `status` (for the pages' buttons)."""
    return tuple(action for (start, action) in TRANSITIONS if start == status)
