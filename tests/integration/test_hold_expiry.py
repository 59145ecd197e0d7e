"""The instant a hold expires, to the second: until then it keeps the time (for its holder
alone), from then on it has freed itself (API.md, Holds), in every place that asks.

A hold expires `P2P_HOLD_MINUTES` after it was placed. The fixture places three holds one
second apart and sets the clock to the instant the middle one expires, so one reading of
the clock sees a hold that expired a second ago, one expiring exactly now and one that
still has a second to go. Each test asks one of the places that decide expiry (the slot
search, another caller's booking, the holder's booking, the sweep job) about all three."""

from datetime import datetime, timedelta

import pytest

from p2p import jobs
from p2p.extensions import db
from p2p.models import Appointment, Hold, Reservation
from p2p.services import api_keys
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import book, booking_body, place_hold

# Reviewer ny's Wednesday, New York time; placed in this order, one second apart.
HELD = {
    "expired_a_second_ago": "2026-11-25T09:00:00-05:00",
    "expiring_now": "2026-11-25T09:30:00-05:00",
    "expiring_in_a_second": "2026-11-25T10:00:00-05:00",
}
NEW_YORK = "America/New_York"


@pytest.fixture
def holds(app, client, portal, booking_world) -> dict[str, dict]:
    """The three holds (by name: the API's answer, and `reservation_id`, the reservation
    that keeps its time), the clock at the middle one's expiry."""
    placed = {}
    for offset, (name, start) in enumerate(HELD.items()):
        app.config["P2P_CLOCK"] = lambda at=FIXED_NOW + timedelta(seconds=offset): at
        response = place_hold(client, portal, start, time_zone=NEW_YORK)
        assert response.status_code == 201, response.json
        placed[name] = response.json
    now = FIXED_NOW + timedelta(minutes=app.config["P2P_HOLD_MINUTES"], seconds=1)
    app.config["P2P_CLOCK"] = lambda: now
    expiries = {name: datetime.fromisoformat(h["expires_at"]) - now for name, h in placed.items()}
    assert expiries == {
        "expired_a_second_ago": timedelta(seconds=-1),
        "expiring_now": timedelta(0),
        "expiring_in_a_second": timedelta(seconds=1),
    }
    with app.app_context():
        for hold in placed.values():
            hold["reservation_id"] = db.session.get(Hold, hold["id"]).reservation_id
    return placed


def _other_caller(app) -> dict:
    with app.app_context():
        key = api_keys.create_api_key("other-portal", "portal", FIXED_NOW)
    return {"Authorization": f"Bearer {key}"}


def _held_time(app) -> set[int]:
    """The reservations still kept for holds (ended or not)."""
    with app.app_context():
        return set(db.session.scalars(db.select(Reservation.id).filter_by(kind="hold")))


def _endings(app, holds) -> dict[str, str | None]:
    """How each hold ended (None: not ended)."""
    with app.app_context():
        return {name: db.session.get(Hold, hold["id"]).ended for name, hold in holds.items()}


def test_the_search_offers_a_held_time_from_the_instant_its_hold_expires(client, portal, holds):
    response = client.get(
        "/api/v1/slots",
        query_string={
            "case_refs": "A1",
            "time_zone": NEW_YORK,
            "week_of": "2026-11-25",
            "days": "wed",
            "hours": "9,10",
        },
        headers=portal,
    )
    assert response.status_code == 200, response.json
    offered = {
        slot["start"]
        for group in response.json["groups"]
        for entry in group["reviewers"]
        for slot in entry["slots"]
    }
    assert {name: HELD[name] in offered for name in HELD} == {
        "expired_a_second_ago": True,
        "expiring_now": True,
        "expiring_in_a_second": False,
    }


def test_another_caller_gets_a_held_time_from_the_instant_its_hold_expires(app, client, holds):
    """An expired hold's reservation is deleted by the booking that takes its time (no
    sweep job ran); the live one is untouched."""
    other = _other_caller(app)
    outcomes = {}
    for name, start in HELD.items():
        response = book(client, other, booking_body(start, time_zone=NEW_YORK))
        code = response.json["error"]["code"] if response.status_code >= 400 else None
        outcomes[name] = (response.status_code, code)
    assert outcomes == {
        "expired_a_second_ago": (201, None),
        "expiring_now": (201, None),
        "expiring_in_a_second": (409, "slot_unavailable"),
    }
    assert _held_time(app) == {holds["expiring_in_a_second"]["reservation_id"]}


def test_the_holders_booking_uses_its_hold_until_the_instant_it_expires(
    app, client, portal, holds
):
    """Until it expires, the booking uses and ends the hold, whose reservation becomes the
    appointment's. From the instant it expires the hold has freed itself: the booking goes
    on without it and takes the time afresh, as anyone could (a new reservation)."""
    kept = {}
    for name, start in HELD.items():
        body = booking_body(start, time_zone=NEW_YORK, hold_id=holds[name]["id"])
        response = book(client, portal, body)
        assert response.status_code == 201, (name, response.json)
        with app.app_context():
            appointment = db.session.get(Appointment, response.json["id"])
            kept[name] = appointment.reservation_id == holds[name]["reservation_id"]
    assert kept == {
        "expired_a_second_ago": False,
        "expiring_now": False,
        "expiring_in_a_second": True,
    }
    assert _endings(app, holds) == {
        "expired_a_second_ago": None,  # the sweep job will say "expired"
        "expiring_now": None,
        "expiring_in_a_second": "booked",
    }
    assert _held_time(app) == set()


def test_the_sweep_job_ends_a_hold_from_the_instant_it_expires(app, holds):
    with app.app_context():
        assert jobs.expire_holds(app.config["P2P_CLOCK"]()) == 2
    assert _endings(app, holds) == {
        "expired_a_second_ago": "expired",
        "expiring_now": "expired",
        "expiring_in_a_second": None,
    }
    assert _held_time(app) == {holds["expiring_in_a_second"]["reservation_id"]}
