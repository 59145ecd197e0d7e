"""Reviewers (medical directors): registry, time off, CSV import, and their calendar."""

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pytz
from marshmallow import ValidationError
from sqlalchemy import select

from p2p import slots
from p2p.errors import NotFound
from p2p.extensions import db
from p2p.models import Appointment, Reviewer, ReviewerCaseType, TimeOff
from p2p.schemas.errors import flatten_messages
from p2p.schemas.reviewers import REVIEWER_ID, ReviewerSchema
from p2p.services import transaction

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
CSV_COLUMNS = (
    "reviewer_id",
    "name",
    "credentials",
    "specialties",
    "case_types",
    "licensed_states",
    "time_zone",
    *slots.DAY_NAMES,
    "active",
)


def find_reviewer(reviewer_id: str) -> Reviewer | None:
    return db.session.get(Reviewer, reviewer_id)


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


def put_reviewer(reviewer_id: str, document: dict, now: datetime) -> tuple[Reviewer, bool]:
    with transaction():
        return _store(reviewer_id, document, now)


def add_time_off(reviewer_id: str, document: dict, now: datetime) -> TimeOff:
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
    return time_off


def local_day_range(time_zone: str, first: date, last: date) -> tuple[datetime, datetime]:
    """[00:00 of `first`, 00:00 of the day after `last`) on the wall clock of `time_zone`."""
    zone = pytz.timezone(time_zone)
    after = last + timedelta(days=1)
    return (
        zone.localize(datetime.combine(first, datetime.min.time())),
        zone.localize(datetime.combine(after, datetime.min.time())),
    )


def appointments_of(
    reviewer_id: str, first: date | None, last: date | None, now: datetime
) -> tuple[Reviewer, list[Appointment]]:
    """The reviewer's appointments starting between two dates of their own calendar
    (default: the 7 days from today), cancelled ones included."""
    reviewer = get_reviewer(reviewer_id)
    zone = pytz.timezone(reviewer.time_zone)
    first = first or now.astimezone(zone).date()
    last = last or first + timedelta(days=6)
    start, end = local_day_range(reviewer.time_zone, first, last)
    appointments = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.reviewer_id == reviewer_id,
            Appointment.start_at >= start,
            Appointment.start_at < end,
        )
        .order_by(Appointment.start_at)
    ).all()
    return reviewer, list(appointments)


# CSV import ---------------------------------------------------------------------------------


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _hours(cell: str) -> list[list[str]]:
    pairs = []
    for part in _split(cell):
        start, sep, end = part.partition("-")
        pairs.append([start.strip(), end.strip()] if sep else [part])
    return pairs


def _csv_document(row: dict) -> dict:
    active = (row.get("active") or "true").strip().lower()
    return {
        "name": (row.get("name") or "").strip(),
        "credentials": (row.get("credentials") or "").strip(),
        "specialties": _split(row.get("specialties")),
        "case_types": _split(row.get("case_types")),
        "licensed_states": _split(row.get("licensed_states")),
        "time_zone": (row.get("time_zone") or "").strip(),
        "weekly_hours": {
            day: _hours(row.get(day)) for day in slots.DAY_NAMES if _split(row.get(day))
        },
        "active": active,
        "email": (row.get("email") or "").strip() or None,
    }


def parse_reviewer_csv(text: str) -> tuple[list[tuple[str, dict]], list[str]]:
    """Rows as (reviewer_id, validated document), and every problem as "line N: field: ..."."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"line 1: missing column(s): {', '.join(missing)}"]
    rows, problems, seen = [], [], {}
    schema = ReviewerSchema()
    for row in reader:
        line = reader.line_num
        reviewer_id = (row.get("reviewer_id") or "").strip()
        try:
            REVIEWER_ID(reviewer_id)
        except ValidationError as error:
            problems.append(f"line {line}: reviewer_id: {error.messages[0]}")
        if reviewer_id in seen:
            problems.append(
                f"line {line}: reviewer_id: {reviewer_id!r} is on line {seen[reviewer_id]} too"
            )
        seen.setdefault(reviewer_id, line)
        try:
            document = schema.load(_csv_document(row))
        except ValidationError as error:
            for field, messages in flatten_messages(error.messages).items():
                problems.extend(f"line {line}: {field}: {message}" for message in messages)
            continue
        rows.append((reviewer_id, document))
    return rows, problems


def import_reviewers(rows: Iterable[tuple[str, dict]], now: datetime) -> dict[str, int]:
    """Load or update many reviewers in one transaction."""
    counts = {"created": 0, "updated": 0}
    with transaction():
        for reviewer_id, document in rows:
            _, created = _store(reviewer_id, document, now)
            counts["created" if created else "updated"] += 1
    return counts


# Calendar subscription ------------------------------------------------------------------------

FEED_KEEPS_CANCELLED = timedelta(days=30)


def rotate_calendar_feed(reviewer_id: str, now: datetime) -> str:
    """A new secret for the reviewer's feed URL; the previous one stops working. Only its
    hash is stored, like API keys."""
    secret = secrets.token_urlsafe(32)
    with transaction():
        reviewer = get_reviewer(reviewer_id)
        reviewer.feed_token_hash = hashlib.sha256(secret.encode()).hexdigest()
        reviewer.updated_at = now
    return secret


def feed_appointments(secret: str, now: datetime) -> tuple[Reviewer, list[Appointment]]:
    """The reviewer whose feed this is, with the appointments it shows: every scheduled or
    completed one from 30 days back on, and cancelled ones for 30 days after cancelling."""
    digest = hashlib.sha256(secret.encode()).hexdigest()
    reviewer = db.session.scalar(select(Reviewer).where(Reviewer.feed_token_hash == digest))
    if reviewer is None:
        raise NotFound("No calendar feed at this address.")
    since = now - FEED_KEEPS_CANCELLED
    appointments = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.reviewer_id == reviewer.reviewer_id,
            Appointment.end_at >= since,
            (Appointment.status != "cancelled") | (Appointment.updated_at >= since),
        )
        .order_by(Appointment.start_at)
    ).all()
    return reviewer, list(appointments)
