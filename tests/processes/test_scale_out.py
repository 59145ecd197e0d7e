"""Scale-out on the engines there are (issue 14): two `gunicorn wsgi:app` instances (2
workers each) on different ports and one `flask p2p scheduler`, against one PostgreSQL
database and one Redis (REDIS_URL). What must not depend on which process answers:

- bookings racing for the same times through both instances: one 201 per time, every
  other 409 slot_unavailable, no overlap; a search on either instance stops offering them;
- the date-of-birth lock: five wrong dates of birth spread over the two instances lock
  the case on both;
- the per-caller limits (P2P_RATE_LIMITS, from the environment): counted once in Redis,
  so five holds spread over the instances spend a limit of five on both;
- the emails of every booking, sent once, by the one scheduler holding the lease."""

import os
import threading
import uuid
from collections import Counter, defaultdict

import psycopg
import pytest
import redis

from tests.integration.smtp_server import Recorder, smtp_server
from tests.integration.test_jobs import FAST_JOBS, LEASE_SECONDS, lease_holder_pid, outbox_rows
from tests.integration.test_notifications import MAIL_FROM
from tests.processes.service import (
    booking_body,
    broken,
    call,
    free_port,
    gunicorn,
    hold_body,
    next_week_starts,
    ready,
    scheduler,
    seed,
    wait_until,
)

TIMES = 8  # raced for
CONTENDERS = 8  # per time, half through each instance
HOLD_LIMIT = 5


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("The scale-out test needs Redis: set REDIS_URL (make test-processes does)",
                    pytrace=False)
    redis.Redis.from_url(url).ping()
    return url


def week_search(port: int, key: str, week_of: str) -> set[str]:
    answer = call(port, "GET", f"/api/v1/slots?case_refs=C1&time_zone=America/New_York"
                  f"&week_of={week_of}&days=mon,tue,wed,thu,fri&hours=9,10,11,12", key)
    assert answer.status == 200, answer
    return {slot["start"] for group in answer.body["groups"] for reviewer in group["reviewers"]
            if reviewer["reviewer_id"] == "r1" for slot in reviewer["slots"]}


def test_two_instances_and_a_scheduler_share_one_database_and_one_redis(
    app, keys, conninfo, migrated, redis_url, tmp_path
):
    run = uuid.uuid4().hex[:8]  # Redis is shared: this run's callers are its own
    admin = keys(f"scale-admin-{run}", "admin")
    contenders = [keys(f"scale-racer-{run}-{n}") for n in range(CONTENDERS)]
    looker = keys(f"scale-dob-{run}")
    limited_name = f"scale-limited-{run}"
    limited = keys(limited_name)
    ports = free_port(), free_port()
    environment = {"REDIS_URL": redis_url, "P2P_RATE_LIMITS": f"holds={HOLD_LIMIT} per minute"}
    recorder = Recorder()
    starts = next_week_starts()

    with smtp_server(recorder) as smtp, \
            gunicorn(migrated, ports[0], tmp_path / "a.log", **environment), \
            gunicorn(migrated, ports[1], tmp_path / "b.log", **environment), \
            scheduler(migrated, tmp_path / "scheduler.log", P2P_SMTP_HOST="127.0.0.1",
                      P2P_SMTP_PORT=str(smtp.port), P2P_SMTP_SECURITY="none",
                      P2P_MAIL_FROM=MAIL_FROM, P2P_SCHEDULER_LEASE_SECONDS=str(LEASE_SECONDS),
                      P2P_JOB_INTERVALS=FAST_JOBS) as jobs_process:
        for port in ports:
            wait_until(lambda port=port: ready(port), f"gunicorn on {port}")
        a, b = ports
        seed(a, admin, contenders[0], reviewers=2, cases=2)
        week_of = starts[0][:10]
        raced = starts[:TIMES]
        before = [week_search(port, contenders[0], week_of) for port in ports]
        assert all(set(raced) <= offered for offered in before)

        # Bookings racing for the same times, through both instances at once.
        barrier = threading.Barrier(TIMES * CONTENDERS)
        answers = defaultdict(list)
        lock = threading.Lock()

        def contend(n: int, start: str) -> None:
            body = booking_body("C1" if n % 2 else "C2", "r1", start)
            barrier.wait(timeout=60)
            answer = call(ports[n % 2], "POST", "/api/v1/appointments", contenders[n], body)
            with lock:
                answers[start].append((n % 2, answer.status, answer.code))

        threads = [threading.Thread(target=contend, args=(n, start))
                   for start in raced for n in range(CONTENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for start in raced:
            statuses = Counter((status, code) for _, status, code in answers[start])
            assert statuses == {(201, None): 1, (409, "slot_unavailable"): CONTENDERS - 1}, (
                start, answers[start])
        winners = Counter(port for start in raced
                          for port, status, _ in answers[start] if status == 201)
        after = [week_search(port, contenders[0], week_of) for port in ports]
        assert all(offered.isdisjoint(raced) for offered in after), "a booked time offered"

        # Five wrong dates of birth, over both instances, lock the case on both.
        dob = [call(port, "GET", "/api/v1/cases/C1/p2p-availability", looker,
                    headers={"X-Member-DOB": f"1961-04-{day:02d}"})
               for port, day in zip((a, b, a, b, a), range(3, 8), strict=True)]
        assert [answer.status for answer in dob] == [404] * 5
        for port in ports:
            locked = call(port, "GET", "/api/v1/cases/C1/p2p-availability", looker,
                          headers={"X-Member-DOB": "1961-04-02"})  # the right one, now
            assert (locked.status, locked.code) == (429, "rate_limited"), locked
            assert int(locked.headers["Retry-After"]) > 14 * 60

        # One caller's holds, spread over both instances, spend one limit.
        holds = [call(port, "POST", "/api/v1/holds", limited, hold_body("C1", "r2", start))
                 for port, start in zip((a, b, a, b, a), starts[20:25], strict=True)]
        assert [answer.status for answer in holds] == [201] * HOLD_LIMIT
        for port, start in zip(ports, starts[25:27], strict=True):
            refused = call(port, "POST", "/api/v1/holds", limited, hold_body("C1", "r2", start))
            assert (refused.status, refused.code) == (429, "rate_limited"), refused
            assert 0 < int(refused.headers["Retry-After"]) <= 61  # whole seconds, rounded up
        counted = redis.Redis.from_url(redis_url).keys(f"*{limited_name}*")
        assert counted, "the holds were not counted in Redis"

        # The bookings' emails: two each, sent once, by the one scheduler.
        wait_until(lambda: len(rows := outbox_rows(app)) == 2 * TIMES
                   and all(row.status == "sent" for row in rows), "the bookings' emails")
        assert lease_holder_pid(app) == jobs_process.popen.pid
        received = Counter(got.message["Message-ID"] for got in recorder.received)
        assert len(received) == 2 * TIMES and set(received.values()) == {1}

    with psycopg.connect(conninfo) as connection:
        assert broken(connection) == {}
        booked = connection.execute(
            "SELECT count(*) FROM appointments WHERE status = 'scheduled'").fetchone()[0]
    assert booked == TIMES
    print(f"winners by instance: {dict(winners)}")

