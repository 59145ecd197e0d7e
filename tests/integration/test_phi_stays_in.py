"""Patient data never leaves (issue 14): a whole scenario against the service as a
deployment runs it (`gunicorn wsgi:app` from the project's folder, its gunicorn.conf.py),
with a distinctive member, a client that wrongly puts the date of birth in the URL, a
wrong date of birth, a hostile path; then every log line, calendar file, email (subject
and all) and every URL the service handed out are searched for the member's name and
date of birth, written every usual way."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from p2p import create_app
from p2p.extensions import db
from p2p.notifications import SmtpSettings, deliver_due
from p2p.services import api_keys
from tests.conftest import FIXED_NOW, _test_config
from tests.integration.booking_helpers import booking_body, reviewer_body
from tests.integration.smtp_server import Recorder, free_port, smtp_server
from tests.integration.test_cases_api import case_body

ROOT = Path(__file__).resolve().parents[2]
NAME = "Zanzibar Quillfeather-Vantongeren"
DOB = "1933-03-07"
FORMS = [NAME, "Zanzibar", "Quillfeather", "Vantongeren", DOB, "19330307", "03/07/1933",
         "3/7/1933", "07/03/1933", "1933-3-7"]


def call(port, method, path, key=None, body=None, headers=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            **({"Authorization": f"Bearer {key}"} if key else {}),
            **({"Content-Type": "application/json"} if body is not None else {}),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 (loopback)
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture
def served(migrated, tmp_path):
    """Keys, policies and a reviewer made in-process; then the service under gunicorn."""
    app = create_app(_test_config(migrated))
    with app.app_context():
        admin = api_keys.create_api_key("phi-admin", "admin", FIXED_NOW)
        portal = api_keys.create_api_key("phi-portal", "portal", FIXED_NOW)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["p2p", "load-policies"]).exit_code == 0
    port = free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    env = {**os.environ, "DATABASE_URL": migrated, "P2P_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "1", "P2P_MINIMUM_NOTICE_MINUTES": "0"}
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).parent / "gunicorn"), "wsgi:app"],
            cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 30
        while call(port, "GET", "/readyz")[0] != 200 if _up(port) else True:
            assert time.monotonic() < deadline, err.read_text()
            time.sleep(0.1)
        yield app, port, admin, portal, out, err
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _up(port) -> bool:
    try:
        return call(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def test_no_member_name_or_date_of_birth_leaves_the_service(served):
    app, port, admin, portal, out, err = served
    handed_out: list[str] = []  # every URL the service gave back
    files: list[bytes] = []
    assert call(port, "PUT", "/api/v1/reviewers/ny", admin, reviewer_body())[0] == 201
    # The case: a real "now" (the service runs with the real clock); the call some days on.
    member = {"name": NAME, "dob": DOB, "state": "TX", "member_id": "M-778812"}
    due = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    body = case_body(member=member, status="pended", determination_at=None,
                     info_due_at=f"{due}T17:00:00-05:00")
    status, stored, _ = call(port, "PUT", "/api/v1/cases/PHI-1", portal, body)
    assert status == 201, stored
    assert NAME.encode() in stored  # the portal's own data comes back to it, no-store
    # Right, wrong, and in the URL (refused, but the URL reached the server's logs).
    assert call(port, "GET", "/api/v1/cases/PHI-1/p2p-availability", portal,
                headers={"X-Member-DOB": DOB})[0] == 200
    assert call(port, "GET", "/api/v1/cases/PHI-1/p2p-availability", portal,
                headers={"X-Member-DOB": "1933-03-08"})[0] == 404
    assert call(port, "GET", f"/api/v1/cases/PHI-1/p2p-availability?dob={DOB}", portal,
                headers={"X-Member-DOB": DOB})[0] == 422
    assert call(port, "GET", f"/api/v1/slots?case_refs=PHI-1&time_zone=America/New_York"
                f"&note={NAME.replace(' ', '%20')}", portal)[0] in (200, 422)
    assert call(port, "GET", "/x%0d%0a%1b%00/" + DOB, portal)[0] == 404  # a hostile path
    # A week with times, a hold, a booking, its calendar file, a move and a cancellation.
    week_of = (datetime.now(UTC).date() + timedelta(days=14)).isoformat()
    week = json.loads(call(port, "GET", "/api/v1/slots?case_refs=PHI-1&time_zone="
                           f"America/New_York&week_of={week_of}", portal)[1])
    slots = week["groups"][0]["reviewers"][0]["slots"]
    start, later = slots[0]["start"], slots[1]["start"]
    status, held, _ = call(port, "POST", "/api/v1/holds", portal,
                           {"case_refs": ["PHI-1"], "reviewer_id": "ny", "start": start,
                            "time_zone": "America/New_York"})
    assert status == 201, held
    booking = booking_body(start, case_refs=["PHI-1"], time_zone="America/New_York",
                           hold_id=json.loads(held)["id"])
    booking["call_notes"]["tx_license_waived"] = False
    status, booked, _ = call(port, "POST", "/api/v1/appointments", portal, booking,
                             headers={"Idempotency-Key": "phi-1"})
    assert status == 201, booked
    appointment = json.loads(booked)
    handed_out.append(appointment["ics_url"])
    files.append(call(port, "GET", f"/api/v1/appointments/{appointment['id']}/calendar.ics",
                      portal)[1])
    moved = call(port, "POST", f"/api/v1/appointments/{appointment['id']}/reschedule", portal,
                 {"start": later})
    assert moved[0] == 200, moved[1]
    feed = json.loads(call(port, "POST", "/api/v1/reviewers/ny/calendar-feed", admin)[1])["url"]
    handed_out.append(feed)
    files.append(call(port, "GET", "/" + feed.split("/", 3)[3])[1])
    assert call(port, "POST", f"/api/v1/appointments/{appointment['id']}/cancel", portal,
                {"reason": "Provider away"})[0] == 200
    # The emails, through a real SMTP server.
    recorder = Recorder()
    with smtp_server(recorder):
        app.config.update(P2P_SMTP_HOST="127.0.0.1", P2P_SMTP_PORT=recorder.port)
        with app.app_context():
            sent = deliver_due(FIXED_NOW.replace(year=2031), SmtpSettings.from_config(app.config))
    assert sent["sent"] >= 6, sent  # booked, rescheduled, cancelled, to both sides
    emails = [got.raw for got in recorder.received]
    subjects = [got.message["Subject"] for got in recorder.received]

    # A static file: whitenoise answered, so its path and size are logged.
    page = call(port, "GET", "/")[1].decode()
    styles = re.search(r'href="(/static/styles\.[0-9a-f]+\.css)"', page).group(1)
    css = call(port, "GET", styles)[1]

    # gunicorn writes a request's line once the response is sent: wait for the last one.
    for _ in range(50):
        logs = out.read_text() + err.read_text()
        static = [json.loads(line) for line in logs.splitlines() if styles in line]
        if static:
            break
        time.sleep(0.1)
    assert [(line["route"], line["bytes"]) for line in static] == [("/static/<file>", len(css))]
    assert '"status": 422' in logs and '"path": "/api/v1/cases/PHI-1/p2p-availability"' in logs
    assert '"path": "[no route]"' in logs  # the hostile path, not its text
    for lines in logs.splitlines():
        json.loads(lines)  # every line is one JSON object: none was forged or split
    searched = {
        "logs": logs,
        "calendar files": b"\n".join(files).decode("utf-8", "replace"),
        "emails": b"\n".join(emails).decode("utf-8", "replace"),
        "subjects": "\n".join(subjects),
        "urls": "\n".join(handed_out),
    }
    for where, text in searched.items():
        for form in FORMS:
            assert form.lower() not in text.lower(), (form, where)
