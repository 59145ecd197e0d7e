"""No double booking, however many requests race: threads, processes, and a randomized
storm of book / reschedule / cancel, each followed by an overlap check in SQL."""

import multiprocessing
import random
import threading
import traceback
from datetime import datetime, timedelta

import pytest
import pytz
from sqlalchemy import text

from p2p.extensions import db
from p2p.models import Reservation
from p2p.services import api_keys
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import booking_body
from tests.integration.race_worker import book_once

EASTERN = pytz.timezone("America/New_York")

OVERLAPS = """
    SELECT count(*) FROM {table} a JOIN {table} b
      ON a.reviewer_id = b.reviewer_id AND a.id < b.id
     AND a.start_at < b.end_at AND b.start_at < a.end_at
    {where}
"""


def overlaps(app) -> int:
    with app.app_context():
        reservations = db.session.execute(
            text(OVERLAPS.format(table="reservations", where=""))
        ).scalar()
        appointments = db.session.execute(
            text(
                OVERLAPS.format(
                    table="appointments",
                    where="WHERE a.status = 'scheduled' AND b.status = 'scheduled'",
                )
            )
        ).scalar()
    return reservations + appointments


def race(app, headers, bodies) -> list[int]:
    """Send each body from its own thread, all released at once."""
    barrier = threading.Barrier(len(bodies))
    statuses = []
    lock = threading.Lock()

    def go(body):
        client = app.test_client()
        barrier.wait(timeout=30)
        try:
            status = client.post("/api/v1/appointments", json=body, headers=headers).status_code
        except BaseException:
            status = traceback.format_exc()  # shows in the assertion instead of vanishing
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=go, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_24_threads_racing_for_one_slot_get_one_201(app, portal, booking_world):
    statuses = race(app, portal, [booking_body() for _ in range(24)])
    assert sorted(statuses) == [201] + [409] * 23
    assert overlaps(app) == 0


def test_threads_racing_with_overlapping_lengths(app, portal, booking_world):
    """15- and 30-minute calls starting 15 minutes apart: at most one of each overlapping pair."""
    bodies = [booking_body("2026-11-25T09:00:00-05:00", case_refs=["A1", "A2"]) for _ in range(8)]
    bodies += [booking_body("2026-11-25T09:15:00-05:00") for _ in range(8)]
    statuses = race(app, portal, bodies)
    assert statuses.count(201) == 1
    assert overlaps(app) == 0


def test_processes_racing_for_one_slot_get_one_201(app, portal, booking_world, migrated):
    key = portal["Authorization"].split()[1]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(6), context.Queue()
    workers = [
        context.Process(target=book_once, args=(migrated, key, booking_body(), barrier, results))
        for _ in range(6)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    statuses = sorted(results.get(timeout=10) for _ in workers)
    assert statuses == [201] + [409] * 5
    assert overlaps(app) == 0


@pytest.mark.slow
def test_random_storm_leaves_no_overlap_and_every_freed_slot_bookable(app, booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("ny2", time_zone="America/Chicago")
    with app.app_context():
        headers = {
            "Authorization": "Bearer " + api_keys.create_api_key("storm", "portal", FIXED_NOW)
        }
    # Wednesday 10:00-13:00 New York (09:00-12:00 in Chicago: both reviewers work then),
    # every 15 minutes, for two reviewers; 15- or 30-minute calls.
    starts = [
        EASTERN.localize(datetime(2026, 11, 25, 10)) + timedelta(minutes=15 * i) for i in range(12)
    ]
    reviewers = ["ny", "ny2"]
    booked: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    rng_seed = random.Random(2026).randrange(10**6)

    def worker(n: int) -> None:
        try:
            storm(n)
        except BaseException:  # a thread's failure must fail the test, with its traceback
            failures.append(traceback.format_exc())

    def storm(n: int) -> None:
        rng = random.Random(rng_seed + n)
        client = app.test_client()
        for _ in range(25):
            action = rng.random()
            with lock:
                mine = rng.choice(booked) if booked else None
            if action < 0.5 or mine is None:
                body = booking_body(
                    rng.choice(starts).isoformat(),
                    reviewer_id=rng.choice(reviewers),
                    case_refs=rng.choice([["A1"], ["A1", "A2"]]),
                )
                body["call_notes"]["tx_license_waived"] = True
                response = client.post("/api/v1/appointments", json=body, headers=headers)
                assert response.status_code in (201, 409), (body, response.json)
                if response.status_code == 201:
                    with lock:
                        booked.append(response.json["id"])
            elif action < 0.8:
                response = client.post(
                    f"/api/v1/appointments/{mine}/reschedule",
                    json={
                        "start": rng.choice(starts).isoformat(),
                        "reviewer_id": rng.choice(reviewers),
                    },
                    headers=headers,
                )
                assert response.status_code in (200, 409), response.json
            else:
                response = client.post(
                    f"/api/v1/appointments/{mine}/cancel", json={"reason": "storm"}, headers=headers
                )
                assert response.status_code in (200, 409), response.json

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == [], failures[0]
    assert len(booked) > 10  # the storm did book
    assert overlaps(app) == 0
    # Every time not taken now can be booked: nothing was left half-freed.
    client = app.test_client()
    with app.app_context():
        taken = db.session.query(
            Reservation.reviewer_id, Reservation.start_at, Reservation.end_at
        ).all()
    for reviewer_id in reviewers:
        for start in starts:
            busy = any(r == reviewer_id and s <= start < e for r, s, e in taken)
            if not busy:
                body = booking_body(start.isoformat(), reviewer_id=reviewer_id)
                body["call_notes"]["tx_license_waived"] = True
                response = client.post("/api/v1/appointments", json=body, headers=headers)
                assert response.status_code == 201, (reviewer_id, start, response.json)
    assert overlaps(app) == 0
