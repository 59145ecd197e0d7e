"""Background jobs: reminders, hold expiry, outbox delivery, completing past appointments.

Exactly once however many web workers run: the jobs run only in `flask p2p scheduler`, a
process of its own, and only while it holds the database lease `scheduler` (a row in
`scheduler_leases`, renewed every few seconds). A second scheduler process, on this machine
or another, stands by until the lease expires, then takes over. Web workers never start a
scheduler.

The jobs live in the database (APScheduler's SQLAlchemyJobStore, table `apscheduler_jobs`),
so a restart loses none; each job is idempotent besides (reminders and emails carry dedupe
keys, sweeps and completions are conditional updates), so a run repeated after a crash
sends and changes nothing twice.
"""

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from p2p import notifications
from p2p.clock import now
from p2p.context import scheduling
from p2p.database import transaction
from p2p.extensions import db
from p2p.models import Appointment, SchedulerLease
from p2p.notifications import transport
from p2p.services import lookups, sign_in
from p2p.services.appointments import changes, holds, records, waitlist
from p2p.vocabulary import SCHEDULED

log = logging.getLogger(__name__)

LEASE = "scheduler"
LEASE_SECONDS = 30
REMINDERS = (("reminder_24h", timedelta(hours=24)), ("reminder_1h", timedelta(hours=1)))

_app: Flask | None = None  # the app the scheduler process runs jobs for


# The jobs ---------------------------------------------------------------------------------------


def deliver_outbox(moment: datetime) -> dict:
    return notifications.deliver_due(moment, transport.SmtpSettings.from_config(_app.config))


def expire_holds(moment: datetime) -> int:
    return holds.sweep_expired_holds(moment)


def send_reminders(moment: datetime) -> int:
    """Queue the 24-hour and 1-hour reminders that are due. A reminder is due once the
    appointment is that close, if it was booked (or last moved) before that point: a call
    booked for this afternoon gets no "tomorrow" reminder. Dedupe keys make a repeat a no-op."""
    queued = 0
    with transaction():
        upcoming = db.session.scalars(
            select(Appointment).where(
                Appointment.status == SCHEDULED,
                Appointment.start_at > moment,
                Appointment.start_at <= moment + REMINDERS[0][1],
            )
        ).all()
        for row in upcoming:
            for kind, before in REMINDERS:
                due = row.start_at - before
                if due <= moment and row.updated_at <= due:
                    records.send(records.value_of(row), kind, moment)
                    queued += 1
    return queued


def complete_past(moment: datetime) -> int:
    """Scheduled appointments whose time has passed become completed."""
    return changes.complete_past(moment)


def purge_lookups(moment: datetime) -> int:
    """Forget date-of-birth counts whose window and lock are over."""
    return lookups.purge(moment)


def pass_waitlist_offers(moment: datetime) -> dict:
    """Waitlist offers not booked in time go to the next entry; entries past `before`
    expire."""
    return waitlist.pass_expired_offers(moment, scheduling())


def purge_sign_ins(moment: datetime) -> int:
    """Forget sign-in links a day after they expired, and the pages' expired sessions."""
    return sign_in.purge(moment)


JOBS = {
    "deliver_outbox": (deliver_outbox, 30),
    "expire_holds": (expire_holds, 60),
    "send_reminders": (send_reminders, 60),
    "complete_past": (complete_past, 300),
    "purge_lookups": (purge_lookups, 900),
    "purge_sign_ins": (purge_sign_ins, 3600),
    "pass_waitlist_offers": (pass_waitlist_offers, 60),
}


def run_job(name: str) -> None:
    """What APScheduler calls (by reference, so the job store can keep it)."""
    assert _app is not None, "the scheduler process sets the app first"
    with _app.app_context():
        function, _ = JOBS[name]
        result = function(now())
        log.info("job %s: %s", name, result)


# The lease ----------------------------------------------------------------------------------------


def acquire_lease(holder: str, moment: datetime, seconds: float = LEASE_SECONDS) -> bool:
    """Take or renew the lease; False while someone else holds a live one."""
    try:
        with transaction():
            lease = db.session.scalars(
                select(SchedulerLease).where(SchedulerLease.name == LEASE).with_for_update()
            ).first()
            if lease is None:
                db.session.add(
                    SchedulerLease(
                        name=LEASE, holder=holder, expires_at=moment + timedelta(seconds=seconds)
                    )
                )
                return True
            if lease.holder != holder and lease.expires_at > moment:
                return False
            lease.holder, lease.expires_at = holder, moment + timedelta(seconds=seconds)
            return True
    except (IntegrityError, OperationalError):
        # Another process inserted the row first, or held SQLite's write lock: not ours now.
        return False


def release_lease(holder: str) -> None:
    with transaction():
        lease = db.session.get(SchedulerLease, LEASE)
        if lease is not None and lease.holder == holder:
            db.session.delete(lease)


# The process ------------------------------------------------------------------------------------


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """APScheduler with its jobs in the application's database. APScheduler 3.11 documents
    zoneinfo, so it gets ZoneInfo("UTC") (our own code uses pytz)."""
    scheduler = BackgroundScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(
                url=app.config["SQLALCHEMY_DATABASE_URI"], tablename="apscheduler_jobs"
            )
        },
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        timezone=ZoneInfo("UTC"),
    )
    return scheduler


def job_intervals(overrides: dict[str, float]) -> dict[str, float]:
    """Each job's interval in seconds: the defaults in `JOBS`, with `P2P_JOB_INTERVALS` over
    them (tests run the jobs every fraction of a second). A name that is no job is refused."""
    unknown = sorted(set(overrides) - set(JOBS))
    if unknown:
        raise ValueError(
            f"P2P_JOB_INTERVALS: no job named {', '.join(unknown)} (the jobs: {', '.join(JOBS)})."
        )
    return {name: overrides.get(name, seconds) for name, (_, seconds) in JOBS.items()}


def register_jobs(
    scheduler: BackgroundScheduler, intervals: dict[str, float] | None = None
) -> None:
    """Add (or replace, in the job store) every job, at `intervals` (default: `JOBS`)."""
    for name, seconds in (intervals or job_intervals({})).items():
        scheduler.add_job(
            "p2p.jobs:run_job",
            "interval",
            seconds=seconds,
            args=[name],
            id=name,
            name=name,
            replace_existing=True,
        )


def run(
    app: Flask,
    stop: threading.Event,
    *,
    holder: str | None = None,
    lease_seconds: float | None = None,
) -> None:
    """Stand by until the lease is ours, run the jobs while it stays ours, until `stop`.
    The lease lasts `lease_seconds` (default `P2P_SCHEDULER_LEASE_SECONDS`) and is renewed
    every third of that; the jobs run at `P2P_JOB_INTERVALS`."""
    global _app
    _app = app
    # Each run is logged once, by `run_job`, with what it did; APScheduler's own lines
    # ("Running job", "executed successfully") would double them. Its warnings and errors
    # (a missed run, a job that raised) still show.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    lease_seconds = lease_seconds or app.config["P2P_SCHEDULER_LEASE_SECONDS"]
    intervals = job_intervals(app.config["P2P_JOB_INTERVALS"])  # refused before standing by
    holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    scheduler = None
    try:
        while not stop.is_set():
            with app.app_context():
                ours = acquire_lease(holder, now(), lease_seconds)
            if ours and scheduler is None:
                log.info("scheduler %s holds the lease; starting jobs", holder)
                scheduler = build_scheduler(app)
                scheduler.start(paused=True)
                register_jobs(scheduler, intervals)
                scheduler.resume()
            elif not ours and scheduler is not None:
                log.warning("scheduler %s lost the lease; standing by", holder)
                scheduler.shutdown(wait=True)
                scheduler = None
            stop.wait(lease_seconds / 3)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        with app.app_context():
            release_lease(holder)
