"""Background jobs: reminders, hold expiry, completion, and the scheduler that runs them
exactly once (one lease holder; jobs kept in the database across restarts)."""

import threading
import time
from datetime import timedelta

from sqlalchemy import text

from p2p import jobs
from p2p.extensions import db
from p2p.models import OutboxMessage, Reservation, SchedulerLease
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import book, booking_body, place_hold

# WED_9 is Wed 25 Nov 2026 09:00 EST = 14:00Z; FIXED_NOW is Tue 24 Nov 15:00Z (23 h before).


def queued(app, kind: str) -> list[str]:
    with app.app_context():
        return sorted(m.recipient for m in db.session.query(OutboxMessage).filter_by(kind=kind))


def test_reminders_are_queued_once_when_due(app, client, portal, booking_world):
    # Booked 23 h ahead: no 24-hour reminder (it was booked inside that window).
    book(client, portal)
    # Booked 2 days ahead of a Thursday call.
    thursday = book(client, portal, booking_body("2026-11-26T09:00:00-05:00")).json
    with app.app_context():
        assert jobs.send_reminders(FIXED_NOW) == 0
        day_before = FIXED_NOW + timedelta(days=1)  # Wed 15:00Z: Thursday 14:00Z is 23 h away
        assert jobs.send_reminders(day_before) == 1
        assert jobs.send_reminders(day_before + timedelta(minutes=1)) == 1  # asked again
    assert queued(app, "reminder_24h") == ["ann.lee@reviewers.example.org", "jd@clinic.example.org"]
    with app.app_context():
        hour_before = FIXED_NOW + timedelta(hours=46, minutes=30)  # Thursday 13:30Z
        jobs.send_reminders(hour_before)
        jobs.send_reminders(hour_before)
    assert len(queued(app, "reminder_1h")) == 2
    assert thursday["id"]


def test_past_appointments_are_completed_with_history(app, client, portal, booking_world):
    booked = book(client, portal).json
    with app.app_context():
        assert jobs.complete_past(FIXED_NOW) == 0
        assert jobs.complete_past(FIXED_NOW + timedelta(days=1)) == 1
        assert jobs.complete_past(FIXED_NOW + timedelta(days=1)) == 0
    after = client.get(f"/api/v1/appointments/{booked['id']}", headers=portal).json
    assert after["status"] == "completed"
    history = client.get(f"/api/v1/appointments/{booked['id']}/history", headers=portal).json
    assert history["events"][-1]["action"] == "completed"
    assert history["events"][-1]["actor"] == "scheduler"


def test_expired_holds_are_swept(app, client, portal, booking_world):
    place_hold(client, portal, time_zone="America/New_York")
    with app.app_context():
        assert jobs.expire_holds(FIXED_NOW) == 0
        assert jobs.expire_holds(FIXED_NOW + timedelta(minutes=11)) == 1
        assert db.session.query(Reservation).count() == 0


def test_one_lease_holder_at_a_time(app):
    with app.app_context():
        assert jobs.acquire_lease("a", FIXED_NOW, 30)
        assert not jobs.acquire_lease("b", FIXED_NOW + timedelta(seconds=10), 30)
        assert jobs.acquire_lease("a", FIXED_NOW + timedelta(seconds=10), 30)  # renewal
        # The holder died: once its lease runs out, the standby takes over.
        assert jobs.acquire_lease("b", FIXED_NOW + timedelta(seconds=41), 30)
        assert not jobs.acquire_lease("a", FIXED_NOW + timedelta(seconds=42), 30)
        jobs.release_lease("a")  # not a's to release
        assert db.session.get(SchedulerLease, jobs.LEASE).holder == "b"


def test_two_schedulers_run_the_jobs_in_one_and_the_other_takes_over(app):
    """Two scheduler loops (as two `flask p2p scheduler` processes would): one holds the lease
    and runs APScheduler with its jobs in the database; when it stops, the other takes over."""
    app.config["P2P_CLOCK"] = None  # real time: the lease is renewed as time passes
    stops = {"a": threading.Event(), "b": threading.Event()}
    threads = {
        name: threading.Thread(
            target=jobs.run, args=(app, stop), kwargs={"holder": name, "lease_seconds": 2}
        )
        for name, stop in stops.items()
    }
    threads["a"].start()
    time.sleep(1.0)
    threads["b"].start()

    def holder():
        with app.app_context():
            lease = db.session.get(SchedulerLease, jobs.LEASE)
            db.session.remove()
            return lease.holder if lease else None

    def stored_jobs():
        with app.app_context():
            ids = {row[0] for row in db.session.execute(text("SELECT id FROM apscheduler_jobs"))}
            db.session.remove()
            return ids

    try:
        deadline = time.monotonic() + 10
        while stored_jobs() != set(jobs.JOBS) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stored_jobs() == set(jobs.JOBS)  # the jobs live in the database
        assert holder() == "a"
        time.sleep(2.5)  # b has tried several times meanwhile
        assert holder() == "a"
        stops["a"].set()
        threads["a"].join(timeout=20)
        deadline = time.monotonic() + 10
        while holder() != "b" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert holder() == "b"
        assert stored_jobs() == set(jobs.JOBS)  # survived the first scheduler's shutdown
    finally:
        for stop in stops.values():
            stop.set()
        for thread in threads.values():
            thread.join(timeout=20)
