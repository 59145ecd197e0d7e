"""An appointment's status as a state machine: every transition allowed, in one place.

    scheduled --reschedule / change cases--> scheduled
    scheduled --cancel--> cancelled
    scheduled --complete (its time has passed: a job)--> completed
    scheduled or completed --record held--> completed
    scheduled or completed --record provider not reached--> provider_not_reached
    scheduled or completed --record reviewer unavailable--> reviewer_unavailable
    provider_not_reached or reviewer_unavailable --reschedule--> scheduled (rebooked)

An outcome is recorded once, from the call's start on (`outcome_refusal`): a call the job
marked completed still takes its outcome, which may be a miss. Anything else is refused
(the service answers 409 `conflict`); every transition that happens is written to the
audit trail by the service's ceremony (`records.changed`).
"""

from datetime import datetime

from p2p.vocabulary import (
    CANCELLED,
    COMPLETED,
    HELD,
    PROVIDER_NOT_REACHED,
    REVIEWER_UNAVAILABLE,
    SCHEDULED,
)

RESCHEDULE = "reschedule"
CANCEL = "cancel"
CHANGE_CASES = "change_cases"
COMPLETE = "complete"
# Recording a call's outcome: one action per result (API.md, Call outcomes).
RECORD = {
    HELD: "record_held",
    PROVIDER_NOT_REACHED: "record_provider_not_reached",
    REVIEWER_UNAVAILABLE: "record_reviewer_unavailable",
}
RESULT_STATUS = {HELD: COMPLETED, PROVIDER_NOT_REACHED: PROVIDER_NOT_REACHED,
                 REVIEWER_UNAVAILABLE: REVIEWER_UNAVAILABLE}

TRANSITIONS: dict[tuple[str, str], str] = {
    (SCHEDULED, RESCHEDULE): SCHEDULED,
    (SCHEDULED, CHANGE_CASES): SCHEDULED,
    (SCHEDULED, CANCEL): CANCELLED,
    (SCHEDULED, COMPLETE): COMPLETED,
    **{(SCHEDULED, action): RESULT_STATUS[result] for result, action in RECORD.items()},
    **{(COMPLETED, action): RESULT_STATUS[result] for result, action in RECORD.items()},
    (PROVIDER_NOT_REACHED, RESCHEDULE): SCHEDULED,
    (REVIEWER_UNAVAILABLE, RESCHEDULE): SCHEDULED,
}

_DOING = {
    RESCHEDULE: "rescheduled",
    CANCEL: "cancelled",
    CHANGE_CASES: "changed",
    COMPLETE: "completed",
    **{action: "given an outcome" for action in RECORD.values()},
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


def outcome_refusal(
    status: str, recorded_at: datetime | None, start: datetime, now: datetime
) -> str | None:
    """Why no outcome may be recorded now (None: it may): once per call, from its start."""
    if recorded_at is not None:
        return "This call's outcome is recorded already."
    if not recordable(status):
        return refusal(status, RECORD[HELD])
    if now < start:
        return "A call's outcome can be recorded only once the call has started."
    return None


def recordable(status: str) -> bool:
    """A call in this status may have its outcome recorded (once it has started)."""
    return status in (SCHEDULED, COMPLETED)


def is_missed(status: str) -> bool:
    """A missed call (either side): it may be rebooked."""
    return status in (PROVIDER_NOT_REACHED, REVIEWER_UNAVAILABLE)
