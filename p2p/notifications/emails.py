"""What an email about an appointment says, to the requesting provider or to the reviewer.

Pure: reads the appointment it is given and returns text; no database, no clock, no I/O.
Each side reads the time in its own zone (the provider's `appointment.time_zone`, the
reviewer's `reviewer.time_zone`), labelled as on the scheduling page ("Wed 11/25/26 9:00 am
PST"). Member name and date of birth are patient data (ROADMAP: never in emails): nothing
here reads `Case.member_name` or `Case.member_dob`, and subjects carry only the time.
"""

from datetime import datetime

from p2p.appointments import call_details
from p2p.appointments.values import Appointment, CaseInCall
from p2p.slots import slot_label
from p2p.vocabulary import CONSULTATIVE_ONLY

PROVIDER = "provider"
REVIEWER = "reviewer"
RECIPIENT_ROLES = (PROVIDER, REVIEWER)

KINDS = (
    "booked",
    "rescheduled",
    "cancelled",
    "reminder_24h",
    "reminder_1h",
    "case_removed",
    "case_updated",
)

_SUBJECTS = {
    "booked": "P2P consultation booked: {when}",
    "rescheduled": "P2P consultation rescheduled: {when}",
    "cancelled": "P2P consultation cancelled: {when}",
    "reminder_24h": "Reminder (24 hours): P2P consultation {when}",
    "reminder_1h": "Reminder (1 hour): P2P consultation {when}",
    "case_removed": "P2P consultation changed, a case was removed: {when}",
    "case_updated": "P2P consultation changed, a case's level of review: {when}",
}

_OPENINGS = {
    (PROVIDER, "booked"): "Your peer-to-peer (P2P) consultation is booked.",
    (PROVIDER, "rescheduled"): "Your P2P consultation has a new time.",
    (PROVIDER, "cancelled"): "Your P2P consultation is cancelled.",
    (PROVIDER, "reminder_24h"): "A reminder: your P2P consultation is in about 24 hours.",
    (PROVIDER, "reminder_1h"): "A reminder: your P2P consultation is in about 1 hour.",
    (PROVIDER, "case_removed"): "A case was taken out of your P2P consultation.",
    (PROVIDER, "case_updated"): (
        "A case of your P2P consultation changed: its level of review is now as below."
    ),
    (REVIEWER, "booked"): "A peer-to-peer (P2P) consultation is booked with you.",
    (REVIEWER, "rescheduled"): "A P2P consultation with you has a new time.",
    (REVIEWER, "cancelled"): "A P2P consultation with you is cancelled.",
    (REVIEWER, "reminder_24h"): "A reminder: you have a P2P consultation in about 24 hours.",
    (REVIEWER, "reminder_1h"): "A reminder: you have a P2P consultation in about 1 hour.",
    (REVIEWER, "case_removed"): "A case was taken out of a P2P consultation with you.",
    (
        REVIEWER,
        "case_updated",
    ): "A case of a P2P consultation with you changed its level of review.",
}

_CLOSINGS = {
    PROVIDER: "To reschedule or cancel, open My P2P Requests.",
    REVIEWER: "The consultation is in your P2P calendar.",
}

_CONSULTATIVE_NOTE = "consultative only: the original decision cannot be changed"


def appointment_email(
    appointment: Appointment, kind: str, recipient_role: str
) -> tuple[str, str]:
    """(subject, body_text) of the `kind` email for one side of the appointment."""
    if kind not in KINDS:
        raise ValueError(f"Unknown email kind {kind!r}; expected one of {', '.join(KINDS)}.")
    if recipient_role not in RECIPIENT_ROLES:
        raise ValueError(f"Unknown recipient role {recipient_role!r}.")
    zone = appointment.time_zone if recipient_role == PROVIDER else appointment.reviewer.time_zone
    when = slot_label(appointment.start, zone)
    subject = _SUBJECTS[kind].format(when=when)

    lines = [_OPENINGS[recipient_role, kind], ""]
    lines += _summary(appointment, kind, when)
    lines += _cases(appointment.cases)
    if kind != "cancelled":
        lines += _call(appointment, recipient_role)
    lines += ["", _CLOSINGS[recipient_role]]
    return subject, "\n".join(lines) + "\n"


def _summary(appointment: Appointment, kind: str, when: str) -> list[str]:
    reviewer = appointment.reviewer
    minutes = int((appointment.end - appointment.start).total_seconds() // 60)
    lines = [f"When: {when} ({minutes} minutes)"]
    if kind == "cancelled" and appointment.cancel_reason:
        lines.append(f"Reason: {appointment.cancel_reason}")
    lines += [
        f"Reviewer: {_joined(reviewer.name, reviewer.credentials)}",
        f"Requesting provider: {appointment.requesting_provider.name} "
        f"(NPI {appointment.requesting_provider.npi})",
        f"Appointment: {appointment.id}",
    ]
    return lines


def _cases(cases: tuple[CaseInCall, ...]) -> list[str]:
    # Case references and level of review only: the appointment value carries no member data.
    kept = [case for case in cases if not case.removed]
    removed = [case for case in cases if case.removed]
    lines = []
    if kept:
        lines += ["", "Cases:"]
        for case in kept:
            detail = case.level_of_review or "level of review not set"
            if case.outcome == CONSULTATIVE_ONLY:
                detail += f" ({_CONSULTATIVE_NOTE})"
            lines.append(f"- {case.case_ref}: {detail}")
    if removed:
        lines += ["", "Taken out of this consultation:"]
        for case in removed:
            lines.append(f"- {case.case_ref}: {case.removed_reason or 'no reason given'}")
    return lines


def _call(appointment: Appointment, recipient_role: str) -> list[str]:
    heading = "The reviewer will call:" if recipient_role == PROVIDER else "Call the provider at:"
    return ["", heading, *call_details.contact_lines(appointment.contact, appointment.performer)]


def _joined(*parts: str | None) -> str:
    return ", ".join(part for part in parts if part)


# After the call -------------------------------------------------------------------------------

_MISSED = {
    "provider_not_reached": (
        "The reviewer called for your P2P consultation and could not reach you."
    ),
    "reviewer_unavailable": (
        "The reviewer could not hold your P2P consultation: the reviewer was unavailable."
    ),
}


def missed_call_email(
    appointment: Appointment, result: str, rebook_url: str, link_expires: datetime,
    now: datetime,
) -> tuple[str, str]:
    """(subject, body) to the provider after a missed call: each case's deadline (the last
    moment a call still changes its decision), and a link that rebooks the same appointment
    (it signs in once, by a button: mail scanners fetch links)."""
    zone = appointment.time_zone
    when = slot_label(appointment.start, zone)
    lines = [_MISSED[result], "", f"Missed call: {when}", f"Appointment: {appointment.id}"]
    open_cases = [case for case in appointment.in_call
                  if case.valid_until is not None and case.valid_until > now]
    if open_cases:
        lines += ["", "Book again before the deadline to keep the call outcome-changing:"]
        for case in open_cases:
            lines.append(f"- {case.case_ref}: a call must start before "
                         f"{slot_label(case.valid_until, zone)}")
    else:
        lines += ["", "The call can now be consultative only; you can still book it again."]
    lines += [
        "",
        "Choose a new time (the link works once, until "
        f"{slot_label(link_expires, zone)}):",
        rebook_url,
    ]
    return f"P2P consultation missed: book again ({when})", "\n".join(lines) + "\n"


def waitlist_offer_email(
    label: str, reviewer_name: str, case_refs: tuple[str, ...], held_until: str,
    book_url: str | None,
) -> tuple[str, str]:
    """(subject, body) of an earlier time offered to a waiting provider, held for them."""
    lines = [
        "An earlier time opened for your P2P consultation, and it is held for you.",
        "",
        f"When: {label}",
        f"Reviewer: {reviewer_name}",
        f"Cases: {', '.join(case_refs)}",
        f"Held for you until: {held_until}",
        "",
    ]
    if book_url:
        lines += ["Book it (the link works once):", book_url]
    else:
        lines += ["Book it from the portal before the hold ends; after that it goes to the "
                  "next provider waiting."]
    return f"An earlier P2P time is held for you: {label}", "\n".join(lines) + "\n"
