"""Background jobs: reminders, hold expiry, completion, each at its boundary instants; and the
scheduler that runs them exactly once (one lease holder; jobs kept in the database across
restarts), as real `flask p2p scheduler` processes sending to a real SMTP server."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import pytz
from sqlalchemy import select, text

from p2p import jobs
from p2p.database import transaction
from p2p.extensions import db
from p2p.models import Appointment, OutboxMessage, Reservation, SchedulerLease
from p2p.notifications import mime
from p2p.services.appointments import records
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import book, booking_body, place_hold
from tests.integration.smtp_server import Recorder, smtp_server
from tests.integration.test_notifications import MAIL_FROM
from tests.integration.test_notifications import book as insert_appointment

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


# Boundary instants ------------------------------------------------------------------------------
# Appointments go straight in the database here, so that each instant (booked at, asked at) is
# exactly the one the test names. THURSDAY, 9:00 am EST, is two days after FIXED_NOW.

THURSDAY = pytz.utc.localize(datetime(2026, 11, 26, 14, 0))
SECOND = timedelta(seconds=1)
HALF_HOUR = timedelta(minutes=30)
HOUR = timedelta(hours=1)


def ask_for_reminders(app, moment: datetime) -> None:
    with app.app_context():
        jobs.send_reminders(moment)


def queued_at(app, appointment_id: str, kind: str) -> list[datetime]:
    """When each `kind` message of the appointment was queued (one per recipient)."""
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(OutboxMessage.created_at).where(
                    OutboxMessage.appointment_id == appointment_id, OutboxMessage.kind == kind
                )
            )
        )


def test_a_lease_is_held_until_the_instant_it_expires(app):
    """A standby is refused one second before `expires_at`; at that instant and after it the
    lease is free, and the standby's own from then on."""
    expires = FIXED_NOW + timedelta(seconds=30)
    with app.app_context():
        for offset, taken in ((-1, False), (0, True), (1, True)):
            for holder in ("a", "b"):
                jobs.release_lease(holder)
            assert jobs.acquire_lease("a", FIXED_NOW, 30)
            moment = expires + offset * SECOND
            assert jobs.acquire_lease("b", moment, 30) is taken, offset
            lease = db.session.get(SchedulerLease, jobs.LEASE)
            expected = ("b", moment + timedelta(seconds=30)) if taken else ("a", expires)
            assert (lease.holder, lease.expires_at) == expected, offset


def test_each_reminder_is_due_from_its_instant_not_a_second_before(app):
    """Booked on Tuesday: the 24-hour reminder is due at Wednesday's 9:00 am (EST), exactly 24 h
    before the call, and the 1-hour one at 8:00 am on the day. A reminder first asked for a
    second after its instant (the scheduler was busy) still goes."""
    insert_appointment(app, "on-time", start=THURSDAY)
    insert_appointment(app, "asked-late", start=THURSDAY + HALF_HOUR)
    for kind, lead in jobs.REMINDERS:
        due = THURSDAY - lead
        ask_for_reminders(app, due - SECOND)
        assert queued_at(app, "on-time", kind) == [], kind
        ask_for_reminders(app, due)
        assert queued_at(app, "on-time", kind) == [due, due], kind  # provider and reviewer
        assert queued_at(app, "asked-late", kind) == [], kind
        ask_for_reminders(app, due + HALF_HOUR + SECOND)
        assert queued_at(app, "asked-late", kind) == [due + HALF_HOUR + SECOND] * 2, kind
        assert len(queued_at(app, "on-time", kind)) == 2, kind  # asked again: nothing new


def test_a_call_booked_after_a_reminders_instant_gets_no_such_reminder(app):
    """The reminder is for calls booked (or last moved) by its instant: booked a second
    before it or at it, the call gets it; booked a second after it, never."""
    bookings = [(kind, lead, offset) for kind, lead in jobs.REMINDERS for offset in (-1, 0, 1)]
    for n, (_, lead, offset) in enumerate(bookings):
        start = THURSDAY + n * HALF_HOUR  # one reservation after another: no overlap
        due = start - lead
        insert_appointment(app, f"apt-{n}", start=start, booked_at=due + offset * SECOND)
        ask_for_reminders(app, due + SECOND)  # once the booking exists (and later: the next n)
    sent = {
        (kind, offset): len(queued_at(app, f"apt-{n}", kind))
        for n, (kind, _, offset) in enumerate(bookings)
    }
    assert sent == {
        ("reminder_24h", -1): 2,
        ("reminder_24h", 0): 2,
        ("reminder_24h", 1): 0,
        ("reminder_1h", -1): 2,
        ("reminder_1h", 0): 2,
        ("reminder_1h", 1): 0,
    }


def test_no_reminder_once_the_call_has_begun(app):
    """Reminders are for calls still ahead: at its start instant a call gets none, even one it
    missed; a second before, a late 1-hour reminder still beats none."""
    insert_appointment(app, "apt-1", start=THURSDAY)
    ask_for_reminders(app, THURSDAY)
    assert queued_at(app, "apt-1", "reminder_1h") == []
    assert queued_at(app, "apt-1", "reminder_24h") == []
    ask_for_reminders(app, THURSDAY - SECOND)
    assert queued_at(app, "apt-1", "reminder_1h") == [THURSDAY - SECOND] * 2


def test_the_scheduler_refuses_an_unknown_job_before_taking_the_lease(app):
    app.config["P2P_JOB_INTERVALS"] = {"send_remindres": 5}
    with pytest.raises(ValueError, match="send_remindres"):
        jobs.run(app, threading.Event())
    with app.app_context():
        assert db.session.get(SchedulerLease, jobs.LEASE) is None


# Real scheduler processes -----------------------------------------------------------------------

REPOSITORY = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 1.5  # renewed every 0.5 s; a standby takes over within 2 s of a crash
FAST_JOBS = (
    "deliver_outbox=0.2,send_reminders=0.2,expire_holds=0.2,complete_past=0.2,purge_lookups=0.2,"
    "purge_sign_ins=0.2,pass_waitlist_offers=0.2"
)


# APScheduler 3 runs its loop once more after shutdown() and submits a job that came due
# meanwhile to the closed executor, which it logs as an error with a traceback. Harmless (that
# run is skipped, the job's next run time is kept in the job store, the next holder runs it)
# and upstream's to fix (agronholm/apscheduler#285, #985); any other traceback fails the test.
APSCHEDULER_SHUTDOWN_RACE = "RuntimeError: cannot schedule new futures after shutdown"


@dataclass
class SchedulerProcess:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")


@pytest.fixture
def start_scheduler(migrated, tmp_path):
    """`start_scheduler(smtp_port)`: a `flask --app wsgi p2p scheduler` process on the test
    database, sending mail to that port, with the real clock, a short lease and fast jobs.
    Processes still running at the end are killed."""
    started: list[SchedulerProcess] = []

    def start(smtp_port: int) -> SchedulerProcess:
        environment = {
            **os.environ,
            "DATABASE_URL": migrated,
            "P2P_SMTP_HOST": "127.0.0.1",
            "P2P_SMTP_PORT": str(smtp_port),
            "P2P_SMTP_SECURITY": "none",
            "P2P_SMTP_USERNAME": "",
            "P2P_SMTP_PASSWORD": "",
            "P2P_MAIL_FROM": MAIL_FROM,
            "P2P_SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS),
            "P2P_JOB_INTERVALS": FAST_JOBS,
            "PYTHONUNBUFFERED": "1",
        }
        log = tmp_path / f"scheduler-{len(started)}.log"
        with log.open("w") as output:
            process = subprocess.Popen(  # noqa: S603 (our own command)
                [sys.executable, "-m", "flask", "--app", "wsgi", "p2p", "scheduler"],
                cwd=REPOSITORY,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        started.append(SchedulerProcess(process, log))
        return started[-1]

    yield start
    for scheduler in started:
        if scheduler.process.poll() is None:
            scheduler.process.kill()
            scheduler.process.wait(timeout=10)


def wait_until(condition, what: str, timeout: float = 15.0):
    """Poll `condition` until it returns something true; that value, or a failure naming
    `what` was awaited."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.05)
    return value


def lease_holder_pid(app) -> int | None:
    with app.app_context():
        lease = db.session.get(SchedulerLease, jobs.LEASE)
        db.session.remove()
    return int(lease.holder.split(":")[-2]) if lease else None  # "host:pid:random"


def outbox_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        db.session.remove()
    return rows


def stored_jobs(app) -> set[str]:
    with app.app_context():
        ids = {row[0] for row in db.session.execute(text("SELECT id FROM apscheduler_jobs"))}
        db.session.remove()
    return ids


def booked(app, appointment_id: str, start: datetime, moment: datetime) -> None:
    """An appointment booked at `moment`, with the emails the booking queues."""
    insert_appointment(app, appointment_id, start=start, booked_at=moment)
    with app.app_context(), transaction():
        row = db.session.get(Appointment, appointment_id)
        records.send(records.value_of(row), "booked", moment)  # what booking queues


def test_two_scheduler_processes_send_every_email_once_through_a_crash(app, start_scheduler):
    """Two `flask p2p scheduler` processes on one database, on the real clock, sending to a
    real SMTP server: the lease holder runs the jobs (APScheduler, jobs stored in the
    database) and the other stands by; a booking's emails and the due 24-hour and 1-hour
    reminders arrive once each. The holder is killed (SIGKILL): the standby takes over, sends
    what came meanwhile, and neither resends nor requeues anything. SIGTERM stops it: it
    exits cleanly and gives the lease up."""
    with app.app_context():
        db.session.execute(text("DELETE FROM apscheduler_jobs"))
        db.session.commit()
    recorder = Recorder()
    day = timedelta(days=1)

    def all_sent(count: int) -> bool:  # the server has them, and the outbox says so
        statuses = len(recorder.received) >= count and [r.status for r in outbox_rows(app)]
        return statuses == ["sent"] * count

    with smtp_server(recorder) as controller:
        schedulers = [start_scheduler(controller.port) for _ in range(2)]  # ~1 s to start
        now = datetime.now(pytz.utc)
        booked(app, "booked", now + 3 * day, now)
        # Booked two days ago for tomorrow: its 24-hour reminder is due (since an hour ago).
        insert_appointment(app, "day-ahead", start=now + day - HOUR, booked_at=now - 2 * day)
        # Booked 12 hours ago for the next half hour: the 1-hour reminder only.
        insert_appointment(app, "hour-ahead", start=now + HALF_HOUR, booked_at=now - 12 * HOUR)

        by_pid = {scheduler.process.pid: scheduler for scheduler in schedulers}
        holder = by_pid[wait_until(lambda: lease_holder_pid(app), "a lease holder")]
        (standby,) = (scheduler for scheduler in schedulers if scheduler is not holder)
        wait_until(lambda: "waiting for the lease" in standby.output(), "the standby")
        wait_until(lambda: all_sent(6), "the first six emails")
        wait_until(
            lambda: all(f"job {name}: " in holder.output() for name in jobs.JOBS), "every job"
        )
        assert stored_jobs(app) == set(jobs.JOBS)
        assert lease_holder_pid(app) == holder.process.pid
        assert "holds the lease" not in standby.output()  # it stood by all along

        holder.process.kill()
        holder.process.wait(timeout=10)
        later = datetime.now(pytz.utc)
        booked(app, "booked-later", later + 4 * day, later)
        insert_appointment(app, "hour-ahead-2", start=later + HOUR, booked_at=later - 12 * HOUR)
        wait_until(lambda: all_sent(10), "the emails after the crash")
        assert lease_holder_pid(app) == standby.process.pid

        standby.process.send_signal(signal.SIGTERM)
        assert standby.process.wait(timeout=10) == 0
        assert lease_holder_pid(app) is None  # given up, not left to run out
        assert stored_jobs(app) == set(jobs.JOBS)  # the jobs outlive both processes

    rows = outbox_rows(app)
    assert Counter((row.appointment_id, row.kind) for row in rows) == {
        ("booked", "booked"): 2,
        ("day-ahead", "reminder_24h"): 2,
        ("hour-ahead", "reminder_1h"): 2,
        ("booked-later", "booked"): 2,
        ("hour-ahead-2", "reminder_1h"): 2,
    }
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    assert Counter(got.message["Message-ID"] for got in recorder.received) == {
        mime.message_id(row.id, row.dedupe_key, MAIL_FROM): 1 for row in rows
    }
    for scheduler in (holder, standby):
        output = scheduler.output()
        assert output.count("holds the lease") == 1, output
        assert "lost the lease" not in output, output
        assert output.count("Traceback") == output.count(APSCHEDULER_SHUTDOWN_RACE), output
