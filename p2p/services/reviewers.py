"""Reviewers (medical directors): the registry, time off, and the secret of their calendar
feed. (Their appointments are read by `appointments.queries`.)"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from p2p.config import Scheduling
from p2p.database import transaction
from p2p.errors import NotFound
from p2p.extensions import db
from p2p.models import Reviewer, ReviewerCaseType, TimeOff
from p2p.services.appointments import waitlist
from p2p.timestamps import utc

FIELDS = (
    "name",
    "credentials",
    "specialties",
    "case_types",
    "licensed_states",
    "time_zone",
    "weekly_hours",
    "active",
    "email",
)
def find_reviewer(reviewer_id: str) -> Reviewer | None:
    return db.session.get(Reviewer, reviewer_id)


def reviewer_document(reviewer: Reviewer) -> dict:
    """A stored reviewer as plain values (API.md, Reviewers)."""
    return {
        "reviewer_id": reviewer.reviewer_id,
        **{name: getattr(reviewer, name) for name in FIELDS},
        "created_at": reviewer.created_at,
        "updated_at": reviewer.updated_at,
    }


def reviewer_details(reviewer_id: str) -> dict:
    return reviewer_document(get_reviewer(reviewer_id))


def get_reviewer(reviewer_id: str) -> Reviewer:
    reviewer = find_reviewer(reviewer_id)
    if reviewer is None:
        raise NotFound(f"No reviewer {reviewer_id!r}.")
    return reviewer


def _store(reviewer_id: str, document: dict, now: datetime) -> tuple[Reviewer, bool]:
    reviewer = find_reviewer(reviewer_id)
    created = reviewer is None
    if created:
        reviewer = Reviewer(reviewer_id=reviewer_id, created_at=now)
        db.session.add(reviewer)
    for name in FIELDS:
        setattr(reviewer, name, document[name])
    # Sets, kept sorted so the stored JSON is stable.
    reviewer.specialties = sorted(set(document["specialties"]))
    reviewer.case_types = sorted(set(document["case_types"]))
    kept = {link.case_type: link for link in reviewer.trained_for}
    reviewer.trained_for = [
        kept.get(case_type) or ReviewerCaseType(case_type=case_type)
        for case_type in reviewer.case_types
    ]
    reviewer.licensed_states = sorted(set(document["licensed_states"]))
    reviewer.updated_at = now
    return reviewer, created


def put_reviewer(
    reviewer_id: str, document: dict, now: datetime, settings: Scheduling
) -> tuple[dict, bool]:
    """Create or replace a reviewer. Time it opens (hours added, made active, trained for
    more) goes to the earlier-slot waitlist in the same transaction."""
    with transaction():
        reviewer, created = _store(reviewer_id, document, now)
        db.session.flush()
        waitlist.offer_opened(reviewer_id, now, settings)
        stored = reviewer_document(reviewer)
    return stored, created


def add_time_off(reviewer_id: str, document: dict, now: datetime) -> dict:
    with transaction():
        get_reviewer(reviewer_id)
        time_off = TimeOff(
            reviewer_id=reviewer_id,
            start_at=document["start"],
            end_at=document["end"],
            reason=document["reason"],
            created_at=now,
        )
        db.session.add(time_off)
        db.session.flush()
        stored = {
            "id": time_off.id,
            "reviewer_id": reviewer_id,
            "start": utc(time_off.start_at),
            "end": utc(time_off.end_at),
            "reason": time_off.reason,
        }
    return stored


def import_reviewers(
    rows: Iterable[tuple[str, dict]], now: datetime, settings: Scheduling
) -> dict[str, int]:
    """Load or update many reviewers in one transaction (the waitlist offered what they
    open, as `put_reviewer` does)."""
    counts = {"created": 0, "updated": 0}
    with transaction():
        stored = []
        for reviewer_id, document in rows:
            _, created = _store(reviewer_id, document, now)
            counts["created" if created else "updated"] += 1
            stored.append(reviewer_id)
        db.session.flush()
        for reviewer_id in stored:
            waitlist.offer_opened(reviewer_id, now, settings)
    return counts


# Calendar subscription ------------------------------------------------------------------------


def rotate_calendar_feed(reviewer_id: str, now: datetime) -> str:
    """A new secret for the reviewer's feed URL; the previous one stops working. Only its
    hash is stored, like API keys."""
    secret = secrets.token_urlsafe(32)
    with transaction():
        reviewer = get_reviewer(reviewer_id)
        reviewer.feed_token_hash = hashlib.sha256(secret.encode()).hexdigest()
        reviewer.updated_at = now
    return secret
