"""What the provider reads. Plain English, dates only: never member data."""

from datetime import datetime

# [001][002][004] the seeds' sentence for a consultative-only P2P.
CONSULTATIVE_ONLY_AFTER_DECISION = (
    "You may continue to schedule a Peer to Peer discussion for this case but it will be "
    "considered consultative only and the original decision cannot be modified."
)
# The same sentence for a pended case, which has no decision yet to modify.
CONSULTATIVE_ONLY_BEFORE_DECISION = (
    "You may continue to schedule a Peer to Peer discussion for this case but it will be "
    "considered consultative only and cannot change the determination."
)


def format_deadline(instant: datetime) -> str:
    """`instant` on its own wall clock as the seeds print it, "11/11/2020 12:00:00 AM", plus
    the zone's abbreviation. Same as strftime("%m/%d/%Y %I:%M:%S %p %Z") in the C locale,
    built by hand so that a process locale can never change %p (and it is faster)."""
    hour = instant.hour % 12 or 12
    half = "AM" if instant.hour < 12 else "PM"
    return (
        f"{instant.month:02d}/{instant.day:02d}/{instant.year:04d} "
        f"{hour:02d}:{instant.minute:02d}:{instant.second:02d} {half} {instant.tzname()}"
    )


def pre_decision(due_at: datetime, additional_info_received: bool) -> str:
    message = (
        "A Pre-Decision Clinical Consultation must take place before the due date for "
        f"additional information, {format_deadline(due_at)}."
    )
    if additional_info_received:
        # [004] "we proceed with our determination and are not obligated to hold the case"
        message += (
            " Additional information has already been received, so the reviewer may proceed "
            "to a determination without waiting for the consultation."
        )
    return message


def pre_decision_due_date_passed(due_at: datetime) -> str:
    return (
        f"The due date for additional information, {format_deadline(due_at)}, has passed. "
        + CONSULTATIVE_ONLY_BEFORE_DECISION
    )


def reconsideration_window_open(closes_at: datetime) -> str:
    return (
        f"Reconsideration allowed until {format_deadline(closes_at)}. "
        "A Peer to Peer discussion held before then can change the decision."
    )


def reconsideration_window_closed(closed_at: datetime) -> str:
    return (
        f"The reconsideration period for this case ended {format_deadline(closed_at)}. "
        + CONSULTATIVE_ONLY_AFTER_DECISION
    )


MEDICARE_NO_RECONSIDERATION = (
    "Medicare cases do not include a reconsideration option; a Peer to Peer discussion can "
    "explain the reason for the denial, but the decision cannot be overturned. "
    + CONSULTATIVE_ONLY_AFTER_DECISION
)
SERVICE_RENDERED = (
    "The service has already been rendered, so the denial can only be addressed through an "
    "appeal or a claim. " + CONSULTATIVE_ONLY_AFTER_DECISION
)
APPEAL_FILED = (
    "An appeal has been filed for this case, so a Peer to Peer discussion cannot re-open the "
    "decision. " + CONSULTATIVE_ONLY_AFTER_DECISION
)
RECONSIDERATION_COMPLETED = (
    "Post-decision options for this case have been exhausted: a reconsideration has already "
    "been decided. " + CONSULTATIVE_ONLY_AFTER_DECISION
)
RECONSIDERATION_HANDLED_BY_HEALTH_PLAN = (
    "Reconsideration for this case is not delegated to us; it is handled by the health plan. "
    + CONSULTATIVE_ONLY_AFTER_DECISION
)
NO_RECONSIDERATION = (
    "This health plan offers no reconsideration for this case. " + CONSULTATIVE_ONLY_AFTER_DECISION
)
APPROVED = (
    "This case was approved in full, so there is no decision to discuss and no Peer to Peer "
    "discussion is available."
)
WITHDRAWN = (
    "This case was withdrawn, so there is no decision to discuss and no Peer to Peer "
    "discussion is available."
)
