"""Putting emails in the outbox, inside the transaction of the change they tell of: the email
exists if and only if the change was committed.

One message per (appointment, sequence, kind, recipient). The check below finds a message
already queued (in this transaction or an earlier one); the insert itself is
`ON CONFLICT (dedupe_key) DO NOTHING`, so a concurrent transaction queuing the same message
leaves one row and neither transaction fails.
"""

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from p2p.appointments.values import Appointment
from p2p.extensions import db
from p2p.models import OutboxMessage
from p2p.notifications.emails import PROVIDER, REVIEWER, appointment_email

CALENDAR_METHODS = ("REQUEST", "CANCEL")
ASKED_AGAIN = ("reminder_24h", "reminder_1h")


def dedupe_key(appointment: Appointment, kind: str, recipient: str) -> str:
    return f"{appointment.id}:{appointment.sequence}:{kind}:{recipient}"


def enqueue_appointment_emails(
    appointment: Appointment,
    kind: str,
    now: datetime,
    *,
    ics: str | None = None,
    ics_method: str | None = None,
) -> list[int]:
    """Queue the `kind` email to the requesting provider, and to the reviewer when the
    reviewer has an email address, due at `now`. Returns the ids of the messages this call
    added (none when they were queued before). Does not commit."""
    method = _calendar_method(ics, ics_method)
    recipients = [(PROVIDER, appointment.requesting_provider.email)]
    if appointment.reviewer.email:
        recipients.append((REVIEWER, appointment.reviewer.email))

    keys = {role: dedupe_key(appointment, kind, address.strip()) for role, address in recipients}
    queued = set()
    if kind in ASKED_AGAIN:
        # Reminders are asked for every minute: skip composing what is queued already. A
        # change's emails carry a new sequence, so they are new by construction; the insert
        # below ignores a duplicate either way.
        queued = set(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values()))
            )
        )
    rows = []
    for role, address in recipients:
        key = keys[role]
        if key in queued:
            continue
        subject, body = appointment_email(appointment, kind, role)
        rows.append(
            {
                "dedupe_key": key,
                "appointment_id": appointment.id,
                "kind": kind,
                "recipient": address.strip(),
                "subject": subject,
                "body": body,
                "ics": ics,
                "ics_method": method,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    return _insert_unless_queued(rows)


def enqueue_message(
    dedupe_key_: str,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    appointment_id: str | None = None,
) -> list[int]:
    """Queue one email that is not one of an appointment's pair (a missed call's rebooking
    link, a waitlist offer), due at `now`; a message whose key is queued already is not
    queued again. Does not commit."""
    return _insert_unless_queued(
        [
            {
                "dedupe_key": dedupe_key_,
                "appointment_id": appointment_id,
                "kind": kind,
                "recipient": recipient.strip(),
                "subject": subject,
                "body": body,
                "ics": None,
                "ics_method": None,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        ]
    )


def _calendar_method(ics: str | None, ics_method: str | None) -> str | None:
    if ics is None:
        if ics_method is not None:
            raise ValueError("ics_method given without ics.")
        return None
    if ics_method is None:
        # The file says it itself: "METHOD:REQUEST" or "METHOD:CANCEL".
        ics_method = next(
            (line[7:].strip() for line in ics.splitlines() if line.upper().startswith("METHOD:")),
            "REQUEST",
        )
    method = ics_method.upper()
    if method not in CALENDAR_METHODS:
        raise ValueError(f"ics_method must be REQUEST or CANCEL, not {ics_method!r}.")
    return method


def _insert_unless_queued(rows: list[dict]) -> list[int]:
    """Insert the messages in one statement; the ids of the new rows (a message whose dedupe
    key exists already is left out)."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(OutboxMessage).on_conflict_do_nothing(
            index_elements=[OutboxMessage.dedupe_key]
        )
    elif dialect == "sqlite":
        statement = sqlite.insert(OutboxMessage).on_conflict_do_nothing(
            index_elements=[OutboxMessage.dedupe_key]
        )
    else:  # other databases: the unique constraint still refuses a duplicate at commit
        statement = insert(OutboxMessage)
    return list(db.session.execute(statement.values(rows).returning(OutboxMessage.id)).scalars())
