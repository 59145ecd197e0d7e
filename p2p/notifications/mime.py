"""The MIME message for one outbox row. Pure: the same row always gives the same message,
apart from the Date header.

Layout, as calendar clients expect an invitation:

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8                       the body
        text/calendar; method=REQUEST|CANCEL; charset=utf-8
      text/calendar; method=...; name/filename invite.ics   (attachment, base64)

The Message-ID comes from the outbox row (its id and a digest of its dedupe key), so every
attempt to send one row carries the same Message-ID: a receiver that got a message whose
`sent` status was never recorded (see `delivery`) sees the retry as the same message.
"""

import hashlib
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

# Non-ASCII text (a reviewer's accented name) goes quoted-printable or base64 rather than raw
# 8-bit, so a relay without 8BITMIME carries it unchanged.
_POLICY = policy.SMTP.clone(cte_type="7bit")
ATTACHMENT_NAME = "invite.ics"


def sender_address(mail_from: str) -> str:
    """The bare address of a From header: "P2P Scheduler <p2p@localhost>" -> "p2p@localhost"."""
    address = parseaddr(mail_from)[1]
    if "@" not in address:
        raise ValueError("P2P_MAIL_FROM needs an address: 'Name <user@domain>'.")
    return address


def message_id(outbox_id: int, dedupe_key: str, mail_from: str) -> str:
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:16]
    domain = sender_address(mail_from).rpartition("@")[2]
    return f"<p2p-outbox.{outbox_id}.{digest}@{domain}>"


def outbox_email(
    *,
    outbox_id: int,
    dedupe_key: str,
    mail_from: str,
    recipient: str,
    subject: str,
    body: str,
    ics: str | None,
    ics_method: str | None,
    date: datetime,
) -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    message["From"] = mail_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(outbox_id, dedupe_key, mail_from)
    # RFC 3834: machine-sent, so auto-responders stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if ics is not None:
        params = {"method": ics_method or "REQUEST"}
        message.add_alternative(ics, subtype="calendar", params=params)
        message.add_attachment(
            ics,
            subtype="calendar",
            filename=ATTACHMENT_NAME,
            params={**params, "name": ATTACHMENT_NAME},
            cte="base64",
        )
    return message
