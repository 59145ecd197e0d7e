"""Abuse limits (issue 14): a member's date of birth cannot be guessed (5 wrong ones lock
lookups of that case for 15 minutes, for everyone, however many requests race), and no
caller can repeat holds or bookings without bound."""

import threading
from datetime import timedelta

import pytest

from p2p.limits import limiter
from p2p.services import api_keys
from tests.conftest import FIXED_NOW, GENEROUS_LIMITS
from tests.integration.booking_helpers import book, booking_body
from tests.integration.test_cases_api import availability

RIGHT = "1961-04-02"  # the member of case_body()
WRONG = [f"1961-04-{day:02d}" for day in range(3, 28)]


def test_five_wrong_dates_of_birth_lock_the_case_for_fifteen_minutes(app, client, portal,
                                                                     booking_world):
    for dob in WRONG[:5]:
        assert availability(client, portal, dob=dob).status_code == 404
    locked = availability(client, portal, dob=RIGHT)  # even the right one, now
    assert locked.status_code == 429
    assert locked.json["error"]["code"] == "rate_limited"
    assert "Too many wrong dates of birth" in locked.json["error"]["message"]
    assert int(locked.headers["Retry-After"]) == 15 * 60
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW + timedelta(minutes=14, seconds=59)
    assert availability(client, portal, dob=RIGHT).status_code == 429
    assert int(availability(client, portal, dob=RIGHT).headers["Retry-After"]) == 1
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW + timedelta(minutes=15)
    assert availability(client, portal, dob=RIGHT).status_code == 200
    # Another case is untouched by this one's lock.
    assert availability(client, portal, case_ref="A2", dob=RIGHT).status_code == 200


def test_an_unknown_case_locks_alike_so_the_lock_tells_nothing(client, portal, booking_world):
    answers = [availability(client, portal, case_ref="NOPE-1", dob=d) for d in WRONG[:6]]
    assert [a.status_code for a in answers] == [404] * 5 + [429]


def test_a_right_date_of_birth_clears_the_count(client, portal, booking_world):
    for dob in WRONG[:4]:
        assert availability(client, portal, dob=dob).status_code == 404
    assert availability(client, portal, dob=RIGHT).status_code == 200
    for dob in WRONG[4:8]:
        assert availability(client, portal, dob=dob).status_code == 404
    assert availability(client, portal, dob=RIGHT).status_code == 200


def test_racing_guesses_get_five_answers_at_most(app, portal, booking_world):
    """16 threads guess at once: exactly 5 guesses are compared, all others refused."""
    barrier = threading.Barrier(16)
    statuses: list = []
    lock = threading.Lock()

    def guess(dob: str) -> None:
        client = app.test_client()
        barrier.wait(timeout=30)
        status = availability(client, portal, dob=dob).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=(dob,)) for dob in WRONG[:16]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [404] * 5 + [429] * 11


@pytest.fixture
def strict(app):
    app.config["P2P_RATE_LIMITS"] = {**GENEROUS_LIMITS, "bookings": "3 per minute",
                                     "holds": "2 per minute"}
    limiter.reset()
    yield
    limiter.reset()


def test_bookings_and_holds_are_limited_per_caller(app, client, portal, booking_world, strict):
    times = ["2026-11-25T09:00:00-05:00", "2026-11-25T09:15:00-05:00",
             "2026-11-25T09:30:00-05:00", "2026-11-25T09:45:00-05:00"]
    answers = [book(client, portal, booking_body(start)) for start in times]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    refused = answers[-1]
    assert refused.json["error"]["code"] == "rate_limited"
    assert "bookings" in refused.json["error"]["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 61  # the window, in whole seconds
    # Another caller has its own count.
    with app.app_context():
        other = {"Authorization": "Bearer " + api_keys.create_api_key("other", "portal", FIXED_NOW)}
    assert book(client, other, booking_body(times[3])).status_code == 201
    hold = {"case_refs": ["A1"], "reviewer_id": "ny", "time_zone": "America/New_York"}
    held = [
        client.post("/api/v1/holds", json={**hold, "start": start}, headers=portal)
        for start in ("2026-11-25T10:00:00-05:00", "2026-11-25T10:15:00-05:00",
                      "2026-11-25T10:30:00-05:00")
    ]
    assert [h.status_code for h in held] == [201, 201, 429]
