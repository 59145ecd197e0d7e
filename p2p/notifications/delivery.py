"""Sending the outbox: each due message claimed by one deliverer, sent over SMTP, and its
outcome recorded; retried with backoff, never deleted.

A message's life: `pending` (due at `next_attempt_at`) -> `sent` (with `sent_at`), or ->
`failed` after a permanent refusal or `P2P_MAIL_MAX_ATTEMPTS` attempts. Failed rows stay in
the table with `last_error` (an SMTP reply or error name, never the message's content), so
nothing is lost: an operator can see them and set them back to pending.

Claiming. Each attempt starts with a short transaction of its own that bumps `attempts` and
pushes `next_attempt_at` out by a lease, so no other deliverer sees the message as due while
it is being sent:
- PostgreSQL: `SELECT ... WHERE status = 'pending' AND next_attempt_at <= now ORDER BY
  next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`, then the UPDATE, then commit. Concurrent
  deliverers skip each other's rows instead of waiting on them.
- SQLite (one writer at a time): the due ids are read, then each is claimed with
  `UPDATE ... WHERE id = ? AND status = 'pending' AND attempts = ? AND next_attempt_at <= now`,
  which must change exactly one row; `attempts` works as a version number, so a message
  another deliverer claimed (or finished) in between changes none, and is skipped.
The SMTP conversation happens outside any transaction; the outcome is recorded in a second
short transaction. A deliverer that dies after claiming leaves the message to be picked up
again when the lease runs out.

The at-least-once boundary. Recording `sent` happens after the SMTP server accepted the
message. A crash, a lost connection or a database failure between the server's "250" and the
commit of `sent` leaves the message pending, and it is sent once more when its lease ends.
Every attempt of one row carries the same Message-ID (see `mime`), so a receiver (or a
mailbox that deduplicates on Message-ID) can drop the repeat. Once `sent` is committed the
message is never claimed again: the claim requires `status = 'pending'`.
"""

import logging
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy import select, update

from p2p.database import transaction
from p2p.extensions import db
from p2p.models import OutboxMessage
from p2p.notifications import mime, transport

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
SHORTEST_LEASE = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1 min, 2, 4, ... at most 1 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def claim_lease(timeout: float) -> timedelta:
    """How long a claimed message is left alone: well beyond one SMTP conversation, which
    is a handful of exchanges each bounded by the socket timeout."""
    return max(SHORTEST_LEASE, timedelta(seconds=20 * timeout))


@dataclass(frozen=True)
class Claim:
    """A message this deliverer holds, with `attempts` counting this attempt."""

    id: int
    attempts: int
    dedupe_key: str
    recipient: str
    subject: str
    body: str
    ics: str | None
    ics_method: str | None


_CLAIM_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.attempts,
    OutboxMessage.dedupe_key,
    OutboxMessage.recipient,
    OutboxMessage.subject,
    OutboxMessage.body,
    OutboxMessage.ics,
    OutboxMessage.ics_method,
)


def deliver_due(
    now: datetime, settings: transport.SmtpSettings, *, limit: int = 50
) -> dict[str, int]:
    """Send up to `limit` messages due at `now` through the server `settings` name. Runs its
    own short transactions (call it outside any other). Returns how many were sent, retried
    later, and failed for good."""
    sender = mime.sender_address(settings.mail_from)
    max_attempts = settings.max_attempts
    context = transport.tls_context(settings)
    lease_until = now + claim_lease(settings.timeout)
    counts = {"sent": 0, "retried": 0, "failed": 0}
    for claim in islice(_claims(now, lease_until, limit), limit):
        counts[_attempt(claim, settings, context, sender, now, max_attempts)] += 1
    if any(counts.values()):
        log.info("outbox delivery: %s", counts)
    return counts


# Claiming ---------------------------------------------------------------------------------------


def _due(now: datetime):
    return (OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)


def _claims(now: datetime, lease_until: datetime, limit: int) -> Iterator[Claim]:
    if db.session.get_bind().dialect.name == "postgresql":
        while (claim := _claim_next_skipping_locked(now, lease_until)) is not None:
            yield claim
        return
    with transaction():
        candidates = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts)
            .where(*_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
    for message_id, attempts in candidates:
        claim = _claim_if_unchanged(message_id, attempts, now, lease_until)
        if claim is not None:
            yield claim


def _claim_next_skipping_locked(now: datetime, lease_until: datetime) -> Claim | None:
    with transaction():
        row = db.session.execute(
            select(*_CLAIM_COLUMNS)
            .where(*_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(attempts=row.attempts + 1, next_attempt_at=lease_until)
            .execution_options(synchronize_session=False)
        )
    return Claim(**{**row._asdict(), "attempts": row.attempts + 1})


def _claim_if_unchanged(
    message_id: int, attempts: int, now: datetime, lease_until: datetime
) -> Claim | None:
    with transaction():
        changed = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.attempts == attempts,
                *_due(now),
            )
            .values(attempts=attempts + 1, next_attempt_at=lease_until)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            return None
        row = db.session.execute(
            select(*_CLAIM_COLUMNS).where(OutboxMessage.id == message_id)
        ).one()
    return Claim(**row._asdict())


# Sending and recording --------------------------------------------------------------------------


def _attempt(
    claim: Claim,
    settings: transport.SmtpSettings,
    context: ssl.SSLContext | None,
    sender: str,
    now: datetime,
    max_attempts: int,
) -> str:
    try:
        message = mime.outbox_email(
            outbox_id=claim.id,
            dedupe_key=claim.dedupe_key,
            mail_from=settings.mail_from,
            recipient=claim.recipient,
            subject=claim.subject,
            body=claim.body,
            ics=claim.ics,
            ics_method=claim.ics_method,
            date=now,
        )
        transport.send(settings, message, sender, claim.recipient, context)
    except transport.SendFailure as failure:
        return _record_failure(claim, now, failure.summary, failure.permanent, max_attempts)
    except (ValueError, TypeError) as error:  # a message that cannot be built
        return _record_failure(claim, now, f"build: {type(error).__name__}", True, max_attempts)
    except Exception as error:  # a bug must not send the message round forever: count it
        log.exception("outbox message %s: unexpected error while sending", claim.id)
        return _record_failure(
            claim, now, f"unexpected: {type(error).__name__}", False, max_attempts
        )
    _record_sent(claim, now)
    return "sent"


def _record_sent(claim: Claim, now: datetime) -> None:
    # Not conditional on the claim still being ours: the server has the message, so it is
    # sent whoever holds the row now.
    with transaction():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claim.id, OutboxMessage.status == "pending")
            .values(status="sent", sent_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        )
    log.info("outbox message %s sent (attempt %s)", claim.id, claim.attempts)


def _record_failure(
    claim: Claim, now: datetime, error: str, permanent: bool, max_attempts: int
) -> str:
    gives_up = permanent or claim.attempts >= max_attempts
    values = {"last_error": error[: transport.ERROR_LENGTH]}
    if gives_up:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = now + retry_delay(claim.attempts)
    with transaction():
        # Only while the claim is still ours: after a lease ran out, the newer claim decides.
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.status == "pending",
                OutboxMessage.attempts == claim.attempts,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    outcome = "failed" if gives_up else "retried"
    log.warning(
        "outbox message %s %s after attempt %s: %s", claim.id, outcome, claim.attempts, error
    )
    return outcome
