"""Signing in to the pages by handoff (API.md, "Handing a signed-in user to the pages").

The portal (or an admin, or the service itself for a missed call's rebooking) asks for a
link; the link signs one person in, once, within `LINK_LIFETIME`. Using it starts a
server-side session (`web_sessions`) whose identity is what the portal vouched for: a
provider's NPI (and the plans of the key that asked), a reviewer, a staff member. There is
no other way in. Only hashes of the link's and the session's tokens are stored.

Using a link is one conditional UPDATE (unused and unexpired), so two tabs or a replay
race to one session at most.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from p2p.database import transaction
from p2p.errors import NotFound, ValidationFailed
from p2p.extensions import db
from p2p.models import Appointment, Case, Hold, Reviewer, SignInLink, WebSession
from p2p.services.callers import Caller

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=8)
PROVIDER, REVIEWER, STAFF = "provider", "reviewer", "staff"
# Links that may travel by email are used by a POST behind a confirmation page: mail
# scanners fetch links, and a GET must never use one up.
EMAILED_KINDS = (REVIEWER, STAFF)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token() -> str:
    return secrets.token_urlsafe(32)


# Issuing -----------------------------------------------------------------------------------


def provider_link(
    npi: str, name: str, email: str, case_refs: list[str], caller: Caller, now: datetime
) -> str:
    """A link signing a provider in, with these cases already looked up (the portal has the
    member's data; no date of birth is asked for them). Unknown cases, or cases the caller
    may not see, are a 422 naming `case_refs`."""
    with transaction():
        found = {
            case.case_ref: case
            for case in db.session.scalars(select(Case).where(Case.case_ref.in_(case_refs)))
            if caller.covers(case)
        }
        unknown = [ref for ref in case_refs if ref not in found]
        if unknown:
            raise ValidationFailed.on("case_refs", f"Unknown case(s): {', '.join(unknown)}.")
        return _issue(
            PROVIDER, caller, now, npi=npi, name=name, email=email,
            case_refs=list(dict.fromkeys(case_refs)),
        )


def reviewer_link(reviewer_id: str, caller: Caller, now: datetime) -> str:
    with transaction():
        reviewer = db.session.get(Reviewer, reviewer_id)
        if reviewer is None:
            raise ValidationFailed.on("reviewer_id", f"No reviewer {reviewer_id!r}.")
        return _issue(REVIEWER, caller, now, reviewer_id=reviewer_id, name=reviewer.name)


def staff_link(name: str, caller: Caller, now: datetime) -> str:
    with transaction():
        return _issue(STAFF, caller, now, name=name)


def rebooking_link(appointment: Appointment, now: datetime, lifetime: timedelta) -> str:
    """A link for the provider of a missed call, opening on its rebooking (issued inside
    the caller's transaction, which sends it by email: it is an emailed kind, used by POST).
    Its provider session is limited to the appointment's plans."""
    plans = sorted({link.case.health_plan for link in appointment.cases})
    token = _token()
    db.session.add(
        SignInLink(
            token_hash=_hash(token),
            kind=PROVIDER,
            npi=appointment.requesting_provider_npi,
            name=appointment.requesting_provider_name,
            email=appointment.requesting_provider_email,
            case_refs=[link.case.case_ref for link in appointment.cases],
            appointment_id=appointment.id,
            health_plans=plans,
            issued_by="rebooking",
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def offer_link(entry, hold_id: str, now: datetime, lifetime: timedelta) -> str:
    """A link for a waiting provider whose earlier time is held: it signs them in on that
    hold's confirmation (an emailed kind: used by POST). Issued inside the transaction that
    holds the time."""
    token = _token()
    db.session.add(
        SignInLink(
            token_hash=_hash(token),
            kind=PROVIDER,
            npi=entry.npi,
            name=None,
            email=entry.email,
            case_refs=list(entry.case_refs),
            hold_id=hold_id,
            health_plans=entry.health_plans,
            issued_by="waitlist",
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def _issue(kind: str, caller: Caller, now: datetime, **details) -> str:
    token = _token()
    plans = sorted(caller.health_plans) if caller.health_plans is not None else None
    db.session.add(
        SignInLink(
            token_hash=_hash(token),
            kind=kind,
            health_plans=plans,
            issued_by=caller.name,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
            **details,
        )
    )
    return token


# Using a link ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkState:
    """What a link is, without using it (the confirmation page, or why it cannot be used):
    `problem` is None, "used", "expired" or "unknown"."""

    kind: str | None
    name: str | None
    problem: str | None
    by_post: bool  # used by a POST behind a confirmation page (it may come by email)


def look_at(token: str, now: datetime) -> LinkState:
    link = db.session.get(SignInLink, _hash(token)) if token else None
    if link is None:
        return LinkState(None, None, "unknown", True)
    by_post = link.kind in EMAILED_KINDS or link.appointment_id is not None or bool(link.hold_id)
    if link.used_at is not None:
        return LinkState(link.kind, link.name, "used", by_post)
    if link.expires_at <= now:
        return LinkState(link.kind, link.name, "expired", by_post)
    return LinkState(link.kind, link.name, None, by_post)


def use(token: str, now: datetime, replacing: str | None = None) -> str:
    """Use the link: start its session and answer the session's token (for the cookie).
    NotFound when it is unknown, used or expired (`look_at` says which). `replacing`: the
    token of the session the browser held, ended in the same transaction (signing in as
    someone else replaces a session whole; the new one always has a new token)."""
    digest = _hash(token)
    with transaction():
        taken = db.session.execute(
            update(SignInLink)
            .where(
                SignInLink.token_hash == digest,
                SignInLink.used_at.is_(None),
                SignInLink.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            raise NotFound("This sign-in link cannot be used.")
        link = db.session.get(SignInLink, digest)
        if replacing:
            db.session.execute(
                delete(WebSession).where(WebSession.token_hash == _hash(replacing))
            )
        session_token = _token()
        # A missed call's rebooking opens in the zone the provider booked it in.
        opened = db.session.get(Appointment, link.appointment_id) if link.appointment_id else None
        if opened is None and link.hold_id:  # a waitlist offer: in the zone they waited in
            opened = db.session.get(Hold, link.hold_id)
        db.session.add(
            WebSession(
                token_hash=_hash(session_token),
                kind=link.kind,
                npi=link.npi,
                name=link.name,
                email=link.email,
                reviewer_id=link.reviewer_id,
                health_plans=link.health_plans,
                case_refs=list(link.case_refs or []),
                opens_appointment_id=link.appointment_id,
                opens_hold_id=link.hold_id,
                time_zone=opened.time_zone if opened else None,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
    return session_token


# Sessions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A signed-in page session, as the pages read it."""

    kind: str
    name: str | None
    npi: str | None
    email: str | None
    reviewer_id: str | None
    health_plans: frozenset[str] | None
    time_zone: str | None
    case_refs: tuple[str, ...]
    opens_appointment_id: str | None
    expires_at: datetime
    opens_hold_id: str | None = None

    @property
    def caller(self) -> Caller:
        """The use cases' caller: a provider sees only their NPI's appointments."""
        if self.kind == PROVIDER:
            return Caller(f"provider {self.npi}", self.health_plans, npi=self.npi)
        if self.kind == REVIEWER:
            return Caller(f"reviewer {self.reviewer_id}", reviewer_id=self.reviewer_id)
        return Caller(f"staff {self.name}")


def session_for(token: str | None, now: datetime) -> Session | None:
    if not token:
        return None
    row = db.session.get(WebSession, _hash(token))
    if row is None or row.expires_at <= now:
        return None
    return Session(
        kind=row.kind,
        name=row.name,
        npi=row.npi,
        email=row.email,
        reviewer_id=row.reviewer_id,
        health_plans=frozenset(row.health_plans) if row.health_plans is not None else None,
        time_zone=row.time_zone,
        case_refs=tuple(row.case_refs or ()),
        opens_appointment_id=row.opens_appointment_id,
        expires_at=row.expires_at,
        opens_hold_id=row.opens_hold_id,
    )


_KEEP = object()


def update_session(
    token: str,
    *,
    time_zone: str | None = None,
    case_refs: list[str] | None = None,
    opens_appointment_id=_KEEP,
    opens_hold_id=_KEEP,
) -> None:
    with transaction():
        row = db.session.get(WebSession, _hash(token))
        if row is None:
            raise NotFound("No such session.")
        if time_zone is not None:
            row.time_zone = time_zone
        if case_refs is not None:
            row.case_refs = list(dict.fromkeys(case_refs))
        if opens_appointment_id is not _KEEP:
            row.opens_appointment_id = opens_appointment_id
        if opens_hold_id is not _KEEP:
            row.opens_hold_id = opens_hold_id


def end_session(token: str) -> None:
    with transaction():
        db.session.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


# An expired or used link is remembered a day, so that it can still say so.
LINKS_REMEMBERED = timedelta(days=1)


def purge(now: datetime) -> int:
    """Forget links a day after they expired, and expired sessions (a job)."""
    with transaction():
        links = db.session.execute(
            delete(SignInLink).where(SignInLink.expires_at <= now - LINKS_REMEMBERED)
        )
        sessions = db.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return (links.rowcount or 0) + (sessions.rowcount or 0)
