"""Faults (issue 14): the only scheduler killed (SIGKILL) in the middle of its work and
started again. tests/integration/test_jobs.py already proves a standby taking over from a
killed lease holder, and the sweeps' and reminders' idempotence; this is the case with no
standby: the one `flask p2p scheduler` dies while an email is on the wire (the SMTP server
made slow, so that the kill finds one claimed and not yet recorded), reminders come due
while nothing runs, and a new process starts.

No reminder is lost or doubled: each due reminder is queued once per recipient (one
outbox row, by its dedupe key) and every row ends sent, its Message-ID received; the one
message the kill cut off stays claimed (pending, counted, its claim lease running), is sent
again once that lease ends, with the same Message-ID (the documented at-least-once
boundary: a receiver can drop the repeat), and is the only message received twice."""

from collections import Counter
from datetime import datetime, timedelta

import pytz
from sqlalchemy import text, update

from p2p import jobs
from p2p.extensions import db
from p2p.models import OutboxMessage
from p2p.notifications import mime
from tests.integration.smtp_server import Recorder, smtp_server
from tests.integration.test_jobs import (  # noqa: F401 (start_scheduler is a fixture)
    APSCHEDULER_SHUTDOWN_RACE,
    HALF_HOUR,
    HOUR,
    booked,
    lease_holder_pid,
    outbox_rows,
    start_scheduler,
    stored_jobs,
    wait_until,
)
from tests.integration.test_notifications import MAIL_FROM
from tests.integration.test_notifications import book as insert_appointment

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


def claimed(app) -> list[OutboxMessage]:
    """Messages a deliverer has claimed and not yet recorded: pending, counted, and due only
    when the claim lease (minutes) runs out."""
    soon = datetime.now(pytz.utc) + timedelta(minutes=1)
    return [row for row in outbox_rows(app)
            if row.status == "pending" and row.attempts and row.next_attempt_at > soon]


def just_claimed(app, recorder: Recorder, seen: set[int]):
    """True once a message is claimed that was not claimed at the last look, after three
    were received: its SMTP conversation has just begun (and takes half a second)."""
    ids = {row.id for row in claimed(app)}
    fresh = ids - seen
    seen |= ids
    return bool(fresh) and len(recorder.received) >= 3


def test_the_only_scheduler_killed_mid_delivery_and_restarted_loses_and_doubles_nothing(
    app, start_scheduler  # noqa: F811 (the fixture)
):
    with app.app_context():
        db.session.execute(text("DELETE FROM apscheduler_jobs"))
        db.session.commit()
    recorder = Recorder(delay=0.5)  # each message half a second on the wire
    now = datetime.now(pytz.utc)
    due_before = []
    for n in range(3):  # the 24-hour reminders due (booked two days ago for tomorrow) ...
        start = now + DAY - HOUR + n * HALF_HOUR
        due_before.append(insert_appointment(app, f"day-{n}", start=start,
                                             booked_at=now - 2 * DAY))
    for n in range(3):  # ... and the 1-hour ones (booked this morning for within the hour)
        start = now + 22 * MINUTE + n * 15 * MINUTE
        due_before.append(insert_appointment(app, f"hour-{n}", start=start,
                                             booked_at=now - 12 * HOUR))
    booked(app, "booked", now + 3 * DAY, now)  # and a booking's two emails

    with smtp_server(recorder) as controller:
        first = start_scheduler(controller.port)
        seen: set[int] = set()
        wait_until(lambda: just_claimed(app, recorder, seen), "mail on the wire")
        first.process.kill()
        first.process.wait(timeout=10)
        killed_at = datetime.now(pytz.utc)
        recorder.delay = 0
        cut_off = claimed(app)
        assert len(cut_off) == 1, cut_off  # killed with one message on the wire
        # Its claim runs out within the documented 5 minutes: then it is due again.
        assert cut_off[0].next_attempt_at <= killed_at + 5 * MINUTE
        rows = outbox_rows(app)
        assert Counter(row.kind for row in rows) == {  # every due reminder queued, once
            "reminder_24h": 6, "reminder_1h": 6, "booked": 2}
        assert any(row.status == "pending" for row in rows)  # killed mid-work indeed

        # Due while no scheduler runs: a call within the hour, booked this morning.
        later = datetime.now(pytz.utc)
        insert_appointment(app, "hour-late", start=later + 5 * MINUTE,
                           booked_at=later - 12 * HOUR)
        second = start_scheduler(controller.port)
        wait_until(lambda: lease_holder_pid(app) == second.process.pid,
                   "the new scheduler to take the dead one's lease")

        def all_sent(but: set[int] = frozenset()) -> bool:  # 16 rows: 7 calls, 2 emails each
            rows = outbox_rows(app)
            return len(rows) >= 16 and all(r.status == "sent" for r in rows if r.id not in but)

        wait_until(lambda: all_sent({c.id for c in cut_off}), "all but the one cut off")
        for row in cut_off:  # not lost: pending until its claim lease ends, then sent
            (still,) = [r for r in outbox_rows(app) if r.id == row.id]
            assert (still.status, still.attempts) == ("pending", 1)
            assert still.next_attempt_at <= row.next_attempt_at
        with app.app_context():  # the claim lease (5 minutes) run out, without the wait
            db.session.execute(update(OutboxMessage).where(OutboxMessage.status == "pending")
                               .values(next_attempt_at=datetime.now(pytz.utc)))
            db.session.commit()
            db.session.remove()
        wait_until(all_sent, "the message cut off, sent again")
        assert stored_jobs(app) == set(jobs.JOBS)

    rows = outbox_rows(app)
    reminders = Counter((row.appointment_id, row.kind) for row in rows)
    assert reminders == {
        **{(n, "reminder_24h"): 2 for n in due_before[:3]},
        **{(n, "reminder_1h"): 2 for n in due_before[3:]},
        ("hour-late", "reminder_1h"): 2,
        ("booked", "booked"): 2,
    }
    expected_ids = {mime.message_id(row.id, row.dedupe_key, MAIL_FROM): row for row in rows}
    received = Counter(got.message["Message-ID"] for got in recorder.received)
    assert set(received) == set(expected_ids)  # none lost
    twice = {mid for mid, count in received.items() if count > 1}
    assert twice <= {mime.message_id(r.id, r.dedupe_key, MAIL_FROM) for r in cut_off}
    assert max(received.values()) <= 2
    print(f"cut off: {[(r.id, r.kind) for r in cut_off]}, received twice: {len(twice)}")
    assert {row.attempts for row in rows if row.id not in {c.id for c in cut_off}} == {1}
    output = second.output()
    assert output.count("holds the lease") == 1, output
    assert output.count("Traceback") == output.count(APSCHEDULER_SHUTDOWN_RACE), output
