"""Faults (issue 14): a gunicorn worker killed with SIGKILL while it is in the middle of
writing a booking. Real `gunicorn wsgi:app` (2 sync workers) on PostgreSQL; 16 clients book
at once, every booking with its own Idempotency-Key, some through a hold, each client its
own times. A watcher kills a worker whose booking is half-way through its transaction,
twice: once just after the reservation (writing the appointment), once at the last write
before the commit (the idempotency key). It stops bookings there by locking that table
for a moment, finds a worker whose session waits there (pg_stat_activity, matched to the
worker by its socket), kills it, lets go, and checks that PostgreSQL rolled that
transaction back (none of these bookings would have failed by itself). A client whose
connection died sends the same request again, with the same key. Then every client races
for the same few times.

Then: no half-written booking (every appointment has its reservation, cases, audit event,
emails and idempotency key; no reservation without its appointment or live hold; no hold
left half-ended; no overlap), each retried request answers one booking (201, and the same
appointment id when asked again), and each contested time went to exactly one client."""

import os
import random
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from tests.processes.service import (
    Answer,
    Dropped,
    booking_body,
    broken,
    call,
    free_port,
    gunicorn,
    hold_body,
    next_week_starts,
    ready,
    seed,
    wait_until,
)

CLIENTS = 16
REVIEWERS = 4
CONTESTED = 6  # times every client tries to book
LIMITS = "bookings=100000 per minute,holds=100000 per minute"


def worker_database_ports(pid: int, database_port: int) -> set[int]:
    """The local ports of a process's connections to the database (pg_stat_activity's
    client_port), from its file descriptors and the kernel's socket table."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if inode in inodes and int(remote.split(":")[1], 16) == database_port:
            ports.add(int(local.split(":")[1], 16))
    return ports


# Where the kills land. A booking writes its reservation, then the appointment, its cases,
# audit event and emails, and last its idempotency key, then commits (a hold writes none
# of these tables). The watcher locks one of them (EXCLUSIVE: reads go on, writes wait),
# so that bookings stop at that statement, kills a worker whose booking waits there, and
# lets go: just after the appointment's first row, and at the last write before commit.
KILL_POINTS = ("appointments", "idempotency_keys")
WAITING = """
    SELECT client_port, backend_xid::text FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE %s
"""


def full_xid(connection, xid: int) -> int:
    """The 64-bit transaction id (for txid_status) of a 32-bit one seen just now: the epoch
    of the newest completed one (a running one may be newer, never 2**31 newer)."""
    newest = connection.execute("SELECT txid_snapshot_xmax(txid_current_snapshot())").fetchone()
    full = (newest[0] >> 32 << 32) | xid
    return full - 2**32 if full > newest[0] + 2**31 else full


def outcome(connection, xid: int) -> str:
    """'committed' or 'aborted', once the server has noticed its client is gone."""
    return wait_until(
        lambda: (status := connection.execute("SELECT txid_status(%s)", (xid,)).fetchone()[0])
        != "in progress" and status,
        "the killed worker's transaction to end",
    )


@dataclass
class Kill:
    pid: int
    xid: int | None  # None: its transaction had written nothing yet
    writing: str  # the table the booking was writing
    outcome: str = ""


@dataclass
class Request:
    """One client's request and every answer it got, `Dropped` ones included."""

    path: str
    body: dict
    key: str | None
    answers: list = field(default_factory=list)

    @property
    def final(self) -> Answer:
        return self.answers[-1]

    @property
    def dropped(self) -> int:
        return sum(isinstance(answer, Dropped) for answer in self.answers)


def send(port: int, api_key: str, request: Request) -> Answer:
    """Send until an HTTP answer comes back; after a drop, the same request and key again."""
    headers = {"Idempotency-Key": request.key} if request.key else {}
    for _ in range(100):
        try:
            answer = call(port, "POST", request.path, api_key, request.body, headers)
        except Dropped as dropped:
            request.answers.append(dropped)
            time.sleep(0.05)
            continue
        request.answers.append(answer)
        return answer
    raise AssertionError(f"no answer to {request.path} after 100 tries")


def test_a_worker_killed_mid_booking_leaves_no_half_written_rows(keys, conninfo, tmp_path):
    port = free_port()
    database_port = urlsplit(conninfo).port or 5432
    admin = keys("kill-admin", "admin")
    portals = [keys(f"kill-portal-{n}") for n in range(CLIENTS)]
    starts = next_week_starts()
    times = [(f"r{r}", start) for start in starts for r in range(1, REVIEWERS + 1)]
    contested, own = times[:CONTESTED], times[CONTESTED:]
    requests: list[list[Request]] = [[] for _ in range(CLIENTS)]
    kills: list[Kill] = []
    enough = threading.Event()  # the kills are done and the workers are back
    log = tmp_path / "gunicorn.log"

    with gunicorn(conninfo, port, log, P2P_RATE_LIMITS=LIMITS) as service, \
            psycopg.connect(conninfo, autocommit=True) as watcher:
        wait_until(lambda: ready(port), "gunicorn")
        seed(port, admin, portals[0], REVIEWERS, CLIENTS)

        def client(n: int) -> None:
            key, case_ref = portals[n], f"C{n + 1}"
            mine = own[n::CLIENTS]
            plan = [("hold" if i % 3 == 2 else "book", slot) for i, slot in enumerate(mine)]
            for count, (kind, (reviewer, start)) in enumerate(plan):
                if enough.is_set():
                    break
                hold_id = None
                if kind == "hold":
                    held = Request("/api/v1/holds", hold_body(case_ref, reviewer, start), None)
                    requests[n].append(held)
                    if send(port, key, held).status != 201:
                        # Only after a drop: the first try had the time.
                        assert held.dropped and held.final.status == 409, held
                        continue
                    hold_id = held.final.body["id"]
                body = booking_body(case_ref, reviewer, start, hold_id)
                booking = Request("/api/v1/appointments", body, f"{kind}-{n}-{count}")
                requests[n].append(booking)
                send(port, key, booking)
            # Only once the kill is done, so that nothing it cut off would have failed anyway.
            for count, (reviewer, start) in enumerate(contested):
                body = booking_body(case_ref, reviewer, start)
                booking = Request("/api/v1/appointments", body, f"contested-{n}-{count}")
                requests[n].append(booking)
                send(port, key, booking)

        def kill_mid_write() -> None:
            wait_until(lambda: sum(map(len, requests)) >= 5 * CLIENTS, "bookings under way")
            for table in KILL_POINTS:
                with psycopg.connect(conninfo) as locker:
                    locker.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")

                    def stopped_there(statement=f"INSERT INTO {table} %"):
                        waiting = dict(watcher.execute(WAITING, (statement,)).fetchall())
                        return [(pid, waiting[port]) for pid in service.children()
                                for port in worker_database_ports(pid, database_port)
                                if port in waiting]

                    pid, xid = wait_until(stopped_there, f"a booking waiting at {table}")[0]
                    os.kill(pid, signal.SIGKILL)
                    kill = Kill(pid, xid and full_xid(watcher, int(xid)), table)
                    kills.append(kill)
                # The lock let go, the session goes on, finds its client gone, rolls back.
                kill.outcome = kill.xid and outcome(watcher, kill.xid)
                wait_until(lambda dead=pid: len(set(service.children()) - {dead}) == 2,
                           "a new worker")
            time.sleep(1)  # bookings go on against the new workers
            enough.set()

        failures = []

        def watch() -> None:
            try:
                kill_mid_write()
            except BaseException as error:
                failures.append(error)
                enough.set()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        watching = threading.Thread(target=watch)
        for thread in [*threads, watching]:
            thread.start()
        for thread in [watching, *threads]:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in [watching, *threads])

        assert failures == []
        everything = [request for mine in requests for request in mine]
        bookings = [r for r in everything if r.path == "/api/v1/appointments"]
        retried = [r for r in everything if r.dropped]
        assert retried, "no request was cut off by the kill"
        assert all("contested" not in (r.key or "") for r in retried)
        assert [r for r in retried if r.path == "/api/v1/appointments"], "no booking cut off"
        assert all(isinstance(r.final, Answer) for r in everything)

        # A request cut off and sent again made one booking; asked again, the same one.
        booked = [r for r in bookings if r.final.status == 201]
        again = [r for r in booked if r.dropped] + random.Random(14).sample(booked, 20)
        for request in again:
            answer = send(port, portals[int(request.key.split("-")[1])], Request(
                request.path, request.body, request.key))
            assert (answer.status, answer.body["id"]) == (201, request.final.body["id"])
        for request in bookings:
            contested_time = (request.body["reviewer_id"], request.body["start"]) in contested
            if not contested_time:
                assert request.final.status == 201, (request.key, request.final)
            else:
                assert request.final.status in (201, 409), (request.key, request.final)
                if request.final.status == 409:
                    assert request.final.code == "slot_unavailable"
        winners = Counter(
            (r.body["reviewer_id"], r.body["start"]) for r in booked
            if (r.body["reviewer_id"], r.body["start"]) in contested
        )
        assert winners == dict.fromkeys(contested, 1)
        assert service.popen.poll() is None  # the master lived on

    with psycopg.connect(conninfo) as connection:
        assert broken(connection) == {}
        stored = dict(connection.execute(
            "SELECT key, appointment_id FROM idempotency_keys").fetchall())
        appointments = {row[0] for row in connection.execute("SELECT id FROM appointments")}
    assert stored == {r.key: r.final.body["id"] for r in booked}  # one per key, no other
    assert appointments == set(stored.values())
    # Each kill cut a booking's transaction after its first writes, and it was rolled back.
    assert [(kill.writing, kill.outcome) for kill in kills] == [
        (table, "aborted") for table in KILL_POINTS
    ], kills
    print(f"kills: {kills}; {len(bookings)} bookings sent, {len(booked)} booked; cut off and "
          f"sent again: {[(r.path, r.key, r.final.status) for r in retried]}")
