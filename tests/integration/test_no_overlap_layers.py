"""The second of the two no-overlap layers, reached on purpose.

Why two: the service reads the reviewer's busy time before it writes, so an ordinary
refusal is decided before anything is written and tells a taken time (409) from one never
offered (422); but what it read may be stale by the time it writes (a concurrent
transaction's reservation it could not see), and only the database can refuse that
(migration 0002: triggers on SQLite, an exclusion constraint on PostgreSQL). In one process
either layer alone gives the same answers (taking the Python check away passes the suite:
the database still refuses), and on SQLite requests take the write lock in turn, so the
Python check answers every 409 and the database's refusal is never reached by the rest of
the suite, on SQLite not even by the race tests.

These tests take the first layer away through one narrow seam: `scheduling.calendar_rows`,
the read of the reviewers' reservations and time off, answers the time off alone, so the
service believes the time is free. What remains is the database's refusal, which must come back as
409 `slot_unavailable` (not a 500) with nothing written, for booking, holds and reschedule.
"""

import pytest
from sqlalchemy import text

from p2p.extensions import db
from p2p.services import scheduling
from tests.integration.booking_helpers import book, booking_body, place_hold

TIME_OFF = 1  # calendar_rows' kind of a time-off row (0: a booking or live hold, 2: expired)
# A 15-minute call at 09:15, and a 30-minute call for two cases at 09:00 that runs into it.
AT_9_15 = "2026-11-25T09:15:00-05:00"
AT_9 = "2026-11-25T09:00:00-05:00"
WRITTEN = (
    "reservations",
    "holds",
    "appointments",
    "appointment_cases",
    "appointment_events",
    "outbox_messages",
    "idempotency_keys",
)


def _contents(app) -> dict[str, list]:
    """Every row the booking use cases write (an update shows as well as an insert)."""
    with app.app_context():
        return {
            table: sorted(map(repr, db.session.execute(text(f"SELECT * FROM {table}"))))  # noqa: S608
            for table in WRITTEN
        }


@pytest.fixture
def taken(app, client, portal, booking_world, monkeypatch) -> dict:
    """An appointment at 09:15 (booked with both layers on), then the service blind to it."""
    response = book(client, portal, booking_body(AT_9_15))
    assert response.status_code == 201, response.json
    read = scheduling.calendar_rows

    def time_off_only(*args, **kwargs):
        return [row for row in read(*args, **kwargs) if row[3] == TIME_OFF]

    monkeypatch.setattr(scheduling, "calendar_rows", time_off_only)
    return response.json


def _refused(response) -> None:
    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "slot_unavailable"


def test_booking_into_a_taken_time_is_refused_by_the_database_as_409(
    app, client, portal, taken
):
    before = _contents(app)
    body = booking_body(AT_9, case_refs=["A1", "A2"])
    _refused(book(client, portal, body, **{"Idempotency-Key": "blind-1"}))
    assert _contents(app) == before


def test_holding_a_taken_time_is_refused_by_the_database_as_409(app, client, portal, taken):
    before = _contents(app)
    _refused(place_hold(client, portal, AT_9_15))
    assert _contents(app) == before


def test_rescheduling_into_a_taken_time_is_refused_by_the_database_as_409(
    app, client, portal, taken
):
    other = book(client, portal, booking_body("2026-11-25T11:00:00-05:00"))
    assert other.status_code == 201, other.json
    before = _contents(app)
    _refused(
        client.post(
            f"/api/v1/appointments/{other.json['id']}/reschedule",
            json={"start": AT_9_15},
            headers=portal,
        )
    )
    assert _contents(app) == before
