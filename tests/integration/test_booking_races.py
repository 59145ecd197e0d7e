"""No double booking, however many requests race: threads, processes, and a randomized
storm of book / reschedule / cancel. Every request's answer is checked (status and error
code: a loser must be a 409 slot_unavailable, never a 500), then the invariants in SQL.
An Idempotency-Key racing itself books once, whichever request gets there first."""

import multiprocessing
import os
import random
import threading
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta

import pytest
import pytz
from sqlalchemy import event, text

from p2p.extensions import db
from p2p.models import Appointment, AppointmentEvent, IdempotencyKey, Reservation
from p2p.services import api_keys
from tests.conftest import FIXED_NOW
from tests.integration import race_worker
from tests.integration.booking_helpers import booking_body

EASTERN = pytz.timezone("America/New_York")
WON = (201, None)
TAKEN = (409, "slot_unavailable")
CONFLICT = (409, "conflict")

OVERLAPS = """
    SELECT count(*) FROM {table} a JOIN {table} b
      ON a.reviewer_id = b.reviewer_id AND a.id < b.id
     AND a.start_at < b.end_at AND b.start_at < a.end_at
    {where}
"""
INVARIANTS = {
    "overlapping reservations": OVERLAPS.format(table="reservations", where=""),
    "overlapping scheduled appointments": OVERLAPS.format(
        table="appointments", where="WHERE a.status = 'scheduled' AND b.status = 'scheduled'"
    ),
    "scheduled appointments without their reservation": """
        SELECT count(*) FROM appointments a LEFT JOIN reservations r ON r.id = a.reservation_id
         WHERE a.status = 'scheduled'
           AND (r.id IS NULL OR r.kind != 'appointment' OR r.reviewer_id != a.reviewer_id
                OR r.start_at != a.start_at OR r.end_at != a.end_at)
    """,
    "appointment reservations of no appointment": """
        SELECT count(*) FROM reservations r
         WHERE r.kind = 'appointment'
           AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.reservation_id = r.id)
    """,
}


def broken_invariants(app) -> dict[str, int]:
    """Each invariant the database breaks, with how many rows break it (none: {})."""
    with app.app_context():
        counts = {name: db.session.execute(text(sql)).scalar() for name, sql in INVARIANTS.items()}
    return {name: count for name, count in counts.items() if count}


def outcome(status: int, document: dict | None) -> tuple[int, str | None]:
    """What a request got: its status, and its error code when it was refused."""
    return status, document["error"]["code"] if status >= 400 else None


def race(app, headers, bodies, idempotency_key: str | None = None, while_racing=None) -> list:
    """Send each body from its own thread, all released at once; each one's (status, JSON
    body), in the order of `bodies` (or the traceback of a request that raised).
    `while_racing` runs once they are released, before they are waited for."""
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)
    if idempotency_key:
        headers = {**headers, "Idempotency-Key": idempotency_key}

    def go(index, body):
        client = app.test_client()
        barrier.wait(timeout=30)
        try:
            response = client.post("/api/v1/appointments", json=body, headers=headers)
            answers[index] = (response.status_code, response.get_json())
        except BaseException:
            answers[index] = traceback.format_exc()  # shows in the assertion, not vanishing

    threads = [threading.Thread(target=go, args=item) for item in enumerate(bodies)]
    for thread in threads:
        thread.start()
    if while_racing:
        while_racing()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def outcomes(answers) -> Counter:
    """The multiset of what the requests got (a traceback counts as itself)."""
    return Counter(a if isinstance(a, str) else outcome(*a) for a in answers)


POOL_SIZE = 4


@pytest.fixture(scope="module", autouse=True)
def workers(migrated):
    """Processes for the multi-process races, spawned once for the module (see race_worker).
    Started with the module's first test: they get ready while the thread races run (the
    process races come last)."""
    context = multiprocessing.get_context("spawn")
    start_line = context.Barrier(POOL_SIZE)
    with context.Pool(POOL_SIZE, race_worker.start, (start_line, migrated)) as pool:
        yield pool


def race_processes(workers, migrated, headers, bodies, idempotency_key=None) -> list:
    """Send each body from its own process, all released at once; as `race`."""
    # One request per worker: a worker at the start line takes no other request, so the
    # line opens only when every worker holds one.
    assert len(bodies) == POOL_SIZE
    key = headers["Authorization"].split()[1]
    requests = [(migrated, key, body, idempotency_key) for body in bodies]
    return workers.starmap(race_worker.book, requests, chunksize=1)


def test_24_threads_racing_for_one_slot_get_one_201(app, portal, booking_world):
    answers = race(app, portal, [booking_body() for _ in range(24)])
    assert outcomes(answers) == {WON: 1, TAKEN: 23}
    assert broken_invariants(app) == {}


def test_threads_racing_with_overlapping_lengths(app, portal, booking_world):
    """30-minute calls at 09:00 and 15-minute calls at 09:15 all overlap: one booking in all."""
    bodies = [booking_body("2026-11-25T09:00:00-05:00", case_refs=["A1", "A2"]) for _ in range(8)]
    bodies += [booking_body("2026-11-25T09:15:00-05:00") for _ in range(8)]
    answers = race(app, portal, bodies)
    assert outcomes(answers) == {WON: 1, TAKEN: 15}
    assert broken_invariants(app) == {}


def _booked_once(app, answers) -> None:
    """One appointment, one stored key, one history entry, and it is what the 201s show."""
    ids = {document["id"] for status, document in answers if status == 201}
    with app.app_context():
        assert [a.id for a in db.session.query(Appointment)] == list(ids)
        assert db.session.query(IdempotencyKey).count() == 1
        assert db.session.query(AppointmentEvent).count() == 1
    assert broken_invariants(app) == {}


def test_one_idempotency_key_racing_itself_books_once(app, portal, booking_world):
    answers = race(app, portal, [booking_body() for _ in range(8)], idempotency_key="twin")
    assert outcomes(answers) == {WON: 8}
    assert all(document == answers[0][1] for _, document in answers)  # the same answer
    _booked_once(app, answers)


# Four different bodies for four times, each sent twice below: the key is raced for by all,
# each time by two. (Two bodies for one time are raced across processes: with more than
# two waiting for one time, PostgreSQL deadlocks, see the deadlock test below.)
CONTACT = booking_body()["contact"]
DIFFERENT_BODIES = [
    booking_body("2026-11-25T09:00:00-05:00"),
    booking_body("2026-11-25T10:00:00-05:00", contact={**CONTACT, "instructions": "Ask for Jo"}),
    booking_body("2026-11-25T11:00:00-05:00", case_refs=["A1", "A2"]),
    booking_body("2026-11-25T12:00:00-05:00"),
]


def _one_body_won(answers, bodies) -> None:
    """The senders of one body got its appointment, all the same answer; every other sender
    a 409 conflict naming the key (not slot_unavailable, even where the winner took the
    time: a key used with another body is the answer)."""
    assert not [answer for answer in answers if isinstance(answer, str)], answers
    won = {index for index, (status, _) in enumerate(answers) if status == 201}
    assert len({repr(bodies[index]) for index in won}) == 1, answers
    winner = bodies[min(won)]
    assert outcomes(answers) == {WON: bodies.count(winner), CONFLICT: len(bodies) - len(won)}
    assert len({repr(answers[index][1]) for index in won}) == 1
    for status, document in answers:
        if status == 409:
            assert "Idempotency-Key" in document["error"]["fields"]


def test_one_idempotency_key_with_different_bodies_racing_books_one_of_them(
    app, portal, booking_world
):
    bodies = DIFFERENT_BODIES * 2
    answers = race(app, portal, bodies, idempotency_key="twin")
    _one_body_won(answers, bodies)
    _booked_once(app, answers)


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite runs one writer at a time: no lock waits")
def test_bookings_deadlocked_on_postgresql_still_get_one_201_and_a_409(
    app, portal, booking_world
):
    """Two bookings of a time wait for a third transaction's uncommitted reservation of it;
    it rolls back (as a booking refused late does: an Idempotency-Key used with another
    body). Each wakes, finds the other's reservation and waits for it: PostgreSQL reports a
    deadlock (after `deadlock_timeout`, here shortened) and aborts one, which the service
    must start over (`p2p.database.retrying`), not answer with a 500. It does today only
    because the message, "deadlock detected ... blocked by process ...", contains the
    "locked" that the retry looks for (SQLite's "database is locked")."""
    with app.app_context():
        engine = db.engine
        engine.dispose()  # new connections, each with the short deadlock_timeout
        event.listen(
            engine,
            "connect",
            lambda connection, _: connection.execute("SET deadlock_timeout = '50ms'"),
        )
        with engine.connect() as blocker, engine.connect() as watcher:
            late = blocker.begin()
            blocker.execute(
                text(
                    "INSERT INTO reservations (reviewer_id, start_at, end_at, kind, created_at) "
                    "VALUES ('ny', '2026-11-25 14:00:00', '2026-11-25 14:15:00', "
                    "'appointment', '2026-11-24 15:00:00')"
                )
            )
            blocked = text(
                "SELECT count(*) FROM pg_locks "
                "WHERE locktype = 'transactionid' AND NOT granted AND transactionid = "
                "(SELECT transactionid FROM pg_locks WHERE pid = :pid "
                "AND locktype = 'transactionid' AND granted)"
            )
            pid = blocker.execute(text("SELECT pg_backend_pid()")).scalar()

            def roll_back_once_both_wait():
                deadline = time.monotonic() + 30
                while watcher.execute(blocked, {"pid": pid}).scalar() < 2:
                    watcher.rollback()  # a fresh snapshot of the locks
                    assert time.monotonic() < deadline, "the bookings never waited"
                    time.sleep(0.01)
                late.rollback()

            answers = race(app, portal, [booking_body()] * 2, while_racing=roll_back_once_both_wait)
    assert outcomes(answers) == {WON: 1, TAKEN: 1}
    assert broken_invariants(app) == {}


# What each storm request may get: a time taken is a 409 slot_unavailable; an appointment
# another thread cancelled meanwhile (its id is still in `booked`), a 409 conflict.
STORM_ANSWERS = {
    "book": {WON, TAKEN},
    "reschedule": {(200, None), TAKEN, CONFLICT},
    "cancel": {(200, None), CONFLICT},
}


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
    unexpected: list[tuple] = []
    tally: Counter = Counter()
    lock = threading.Lock()

    def answered(action: str, response) -> None:
        got = outcome(response.status_code, response.get_json())
        with lock:
            tally[action, got] += 1
            if got not in STORM_ANSWERS[action]:
                unexpected.append((action, response.status_code, response.get_json()))
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
                answered("book", response)
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
                answered("reschedule", response)
            else:
                response = client.post(
                    f"/api/v1/appointments/{mine}/cancel", json={"reason": "storm"}, headers=headers
                )
                answered("cancel", response)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == [], failures[0]
    assert unexpected == []
    assert {action for action, _ in tally} == set(STORM_ANSWERS), tally  # each action ran
    assert len(booked) > 10  # the storm did book
    assert broken_invariants(app) == {}
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
    assert broken_invariants(app) == {}


def test_processes_racing_for_one_slot_get_one_201(app, portal, booking_world, workers, migrated):
    answers = race_processes(workers, migrated, portal, [booking_body()] * POOL_SIZE)
    assert outcomes(answers) == {WON: 1, TAKEN: POOL_SIZE - 1}
    assert broken_invariants(app) == {}


def test_one_idempotency_key_racing_itself_across_processes(
    app, portal, booking_world, workers, migrated
):
    bodies = [booking_body()] * POOL_SIZE
    answers = race_processes(workers, migrated, portal, bodies, idempotency_key="twin")
    assert outcomes(answers) == {WON: POOL_SIZE}
    assert all(document == answers[0][1] for _, document in answers)
    _booked_once(app, answers)


def test_one_idempotency_key_with_different_bodies_across_processes(
    app, portal, booking_world, workers, migrated
):
    # Two different bodies for 09:00 (the loser of the time, too, is told of the key), and
    # twins for 10:00.
    other_contact = booking_body(contact={**CONTACT, "instructions": "Ask for Jo"})
    bodies = [booking_body(), other_contact] + DIFFERENT_BODIES[1:2] * 2
    answers = race_processes(workers, migrated, portal, bodies, idempotency_key="twin")
    _one_body_won(answers, bodies)
    _booked_once(app, answers)
