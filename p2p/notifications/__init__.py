"""Emails about appointments, through an outbox table and real SMTP (issue 4, item 6).

- `appointment_email(appointment, kind, recipient_role)`: pure; the subject and text body
  one side reads, in that side's time zone, with no member name or date of birth.
- `enqueue_appointment_emails(appointment, kind, now, ics=..., ics_method=...)`: adds the
  provider's and the reviewer's messages to the caller's transaction (no commit); enqueuing
  the same thing twice adds nothing.
- `deliver_due(now, settings, limit=50)`: sends what is due over SMTP, each message claimed by one
  deliverer only, retried with backoff, never deleted. See `delivery` for the at-least-once
  boundary.
"""

from p2p.notifications.delivery import deliver_due, retry_delay
from p2p.notifications.emails import (
    KINDS,
    RECIPIENT_ROLES,
    appointment_email,
    missed_call_email,
    waitlist_offer_email,
)
from p2p.notifications.outbox import dedupe_key, enqueue_appointment_emails, enqueue_message
from p2p.notifications.transport import SECURITY_MODES, SmtpSettings

__all__ = [
    "KINDS",
    "RECIPIENT_ROLES",
    "SECURITY_MODES",
    "SmtpSettings",
    "appointment_email",
    "dedupe_key",
    "deliver_due",
    "enqueue_appointment_emails",
    "enqueue_message",
    "missed_call_email",
    "retry_delay",
    "waitlist_offer_email",
]
