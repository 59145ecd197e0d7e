"""The service as a deployment runs it, for the process tests: `gunicorn wsgi:app` from the
project's folder (its gunicorn.conf.py), `flask p2p scheduler`, a client that tells an
HTTP answer from a connection the server dropped, the data every test books against, and
the SQL that says whether the database holds together."""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytz

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NEW_YORK = pytz.timezone("America/New_York")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# HTTP -------------------------------------------------------------------------------------------


class Dropped(Exception):
    """The connection ended without an HTTP answer (the worker serving it died)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    headers: dict

    @property
    def code(self) -> str | None:
        return (self.body.get("error") or {}).get("code")


def call(port: int, method: str, path: str, key: str | None = None, body=None,
         headers: dict | None = None, timeout: float = 20) -> Answer:
    """One request on its own connection; `Dropped` when no answer came back."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            method,
            path,
            body=None if body is None else json.dumps(body).encode(),
            headers={
                **({"Authorization": f"Bearer {key}"} if key else {}),
                **({"Content-Type": "application/json"} if body is not None else {}),
                **(headers or {}),
            },
        )
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as error:
        raise Dropped(repr(error)) from error
    finally:
        connection.close()
    content = json.loads(raw) if raw and response.getheader("Content-Type", "").startswith(
        "application/json") else {}
    return Answer(response.status, content, dict(response.getheaders()))


# Processes --------------------------------------------------------------------------------------


@dataclass
class Process:
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[int]:
        """The pids whose parent this process is (gunicorn's workers)."""
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    # "pid (comm) state ppid ...": comm may hold spaces, so split after it.
                    if int(stat.rsplit(")", 1)[1].split()[1]) == self.popen.pid:
                        pids.append(int(entry))
        return sorted(pids)


@contextlib.contextmanager
def running(command: list[str], environment: dict, log: Path) -> Iterator[Process]:
    """A process of ours, its output in `log`; SIGTERM at the end (SIGKILL if it lingers)."""
    with log.open("w") as output:
        popen = subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1", **environment},
            stdout=output, stderr=subprocess.STDOUT,
        )
    process = Process(popen, log)
    try:
        yield process
    finally:
        if popen.poll() is None:
            popen.send_signal(signal.SIGTERM)
            try:
                popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait(timeout=10)


def gunicorn(database_url: str, port: int, log: Path, **environment: str):
    """`gunicorn wsgi:app` as deployed (gunicorn.conf.py: 2 sync workers), on `port`."""
    return running(
        [str(BIN / "gunicorn"), "wsgi:app"],
        {"DATABASE_URL": database_url, "P2P_BIND": f"127.0.0.1:{port}",
         "WEB_CONCURRENCY": "2", **environment},
        log,
    )


def scheduler(database_url: str, log: Path, **environment: str):
    return running(
        [sys.executable, "-m", "flask", "--app", "wsgi", "p2p", "scheduler"],
        {"DATABASE_URL": database_url, **environment},
        log,
    )


def wait_until(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.05)
    return value


def ready(port: int) -> bool:
    try:
        return call(port, "GET", "/readyz", timeout=2).status == 200
    except Dropped:
        return False


# The world the tests book in --------------------------------------------------------------------

NINE_TO_FIVE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def reviewer_body(number: int) -> dict:
    return {
        "name": f"Dr. Reviewer {number}", "credentials": "MD",
        "specialties": ["orthopedic_surgery"], "case_types": ["MSK Spine Surgery"],
        "licensed_states": ["PA"], "time_zone": "America/New_York",
        "weekly_hours": NINE_TO_FIVE, "active": True,
        "email": f"reviewer{number}@reviewers.example.org",
    }


def case_body(number: int, dob: str = "1961-04-02") -> dict:
    """A Pennsylvania member's denied case, decided yesterday (outcome-changing for days)."""
    return {
        "episode_id": f"E{number}",
        "member": {"name": "Pat Doe", "dob": dob, "state": "PA", "member_id": f"M{number}"},
        "health_plan": "the-health-plan", "line_of_business": "commercial",
        "status": "denied",
        "determination_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        "info_due_at": None, "additional_info_received": False, "appeal_filed": False,
        "reconsideration_completed": False, "service_rendered": False,
        "case_type": "MSK Spine Surgery", "specialty": "orthopedic_surgery",
        "ordering_provider": {"npi": "1234567893", "name": "Dr. Jane Doe"},
    }


def booking_body(case_ref: str, reviewer_id: str, start: str, hold_id: str | None = None):
    body = {
        "case_refs": [case_ref], "reviewer_id": reviewer_id, "start": start,
        "time_zone": "America/New_York",
        "requesting_provider": {"npi": "1234567893", "name": "Dr. Jane Doe",
                                "email": "jd@clinic.example.org"},
        "contact": {"name": "John Doe", "location": "Provider Office",
                    "phone": "(555) 555-5555", "instructions": "Ask for Dr. Doe"},
        "performer": {"kind": "requesting_provider", "name": "Dr. Jane Doe",
                      "credential": "MD"},
        "acknowledge_consultative_only": True,
    }
    if hold_id:
        body["hold_id"] = hold_id
    return body


def hold_body(case_ref: str, reviewer_id: str, start: str) -> dict:
    return {"case_refs": [case_ref], "reviewer_id": reviewer_id, "start": start,
            "time_zone": "America/New_York"}


def next_week_starts() -> list[str]:
    """Every quarter hour of 9:00-17:00 New York time, Monday to Friday of next week."""
    today = datetime.now(NEW_YORK).date()
    monday = today + timedelta(days=7 - today.weekday())
    starts = []
    for day in range(5):
        for quarter in range(32):
            wall = datetime.combine(monday + timedelta(days=day), datetime.min.time())
            moment = NEW_YORK.localize(wall + timedelta(hours=9, minutes=15 * quarter))
            starts.append(moment.isoformat())
    return starts


def seed(port: int, admin: str, portal: str, reviewers: int, cases: int) -> None:
    """Reviewers `r1`..., and cases `C1`... (the policies are loaded beforehand)."""
    for number in range(1, reviewers + 1):
        answer = call(port, "PUT", f"/api/v1/reviewers/r{number}", admin, reviewer_body(number))
        assert answer.status == 201, answer
    for number in range(1, cases + 1):
        answer = call(port, "PUT", f"/api/v1/cases/C{number}", portal, case_body(number))
        assert answer.status == 201, answer


# What must hold in the database -----------------------------------------------------------------

BROKEN = {
    "a scheduled appointment without its reservation": """
        SELECT a.id FROM appointments a WHERE a.status = 'scheduled' AND NOT EXISTS (
          SELECT 1 FROM reservations r WHERE r.id = a.reservation_id AND r.kind = 'appointment'
             AND r.reviewer_id = a.reviewer_id AND r.start_at = a.start_at
             AND r.end_at = a.end_at)""",
    "an appointment without its audit event": """
        SELECT a.id FROM appointments a WHERE NOT EXISTS (
          SELECT 1 FROM appointment_events e WHERE e.appointment_id = a.id
             AND e.action = 'created')""",
    "an appointment without its cases": """
        SELECT a.id FROM appointments a WHERE NOT EXISTS (
          SELECT 1 FROM appointment_cases c WHERE c.appointment_id = a.id)""",
    "an appointment without its emails": """
        SELECT a.id FROM appointments a WHERE (
          SELECT count(*) FROM outbox_messages m WHERE m.appointment_id = a.id
             AND m.kind = 'booked') <> 2""",
    "a reservation of an appointment without the appointment": """
        SELECT r.id FROM reservations r WHERE r.kind = 'appointment' AND NOT EXISTS (
          SELECT 1 FROM appointments a WHERE a.reservation_id = r.id)""",
    "a hold's reservation without a live hold (an orphan)": """
        SELECT r.id FROM reservations r WHERE r.kind = 'hold' AND NOT EXISTS (
          SELECT 1 FROM holds h WHERE h.reservation_id = r.id AND h.ended IS NULL)""",
    "a live hold without its reservation": """
        SELECT h.id FROM holds h WHERE h.ended IS NULL AND h.expires_at > now() AT TIME ZONE 'UTC'
           AND NOT EXISTS (
          SELECT 1 FROM reservations r WHERE r.id = h.reservation_id AND r.kind = 'hold'
             AND r.start_at = h.start_at AND r.end_at = h.end_at)""",
    "an ended hold still holding time": """
        SELECT h.id FROM holds h WHERE h.ended IS NOT NULL AND h.reservation_id IS NOT NULL""",
    "overlapping reservations": """
        SELECT a.id FROM reservations a JOIN reservations b ON a.reviewer_id = b.reviewer_id
           AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at""",
    "overlapping scheduled appointments": """
        SELECT a.id FROM appointments a JOIN appointments b ON a.reviewer_id = b.reviewer_id
           AND a.id < b.id AND a.status = 'scheduled' AND b.status = 'scheduled'
           AND a.start_at < b.end_at AND b.start_at < a.end_at""",
}


def broken(connection) -> dict[str, list]:
    """Each invariant that some rows break, with (some of) those rows; {} when all hold."""
    found = {}
    for what, query in BROKEN.items():
        rows = [row[0] for row in connection.execute(query).fetchall()]
        if rows:
            found[what] = rows[:5]
    return found
