"""Appointment emails through the outbox and a real SMTP server (aiosmtpd on 127.0.0.1):
what each side receives, the invitation attached, no patient data, dedupe, retries with
backoff, permanent refusals, TLS and login, and concurrent deliverers sending each message
once."""

import shutil
import ssl
import subprocess
import threading
from collections import Counter
from datetime import date, datetime, timedelta

import icalendar
import pytest
import pytz
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from p2p.database import transaction
from p2p.extensions import db
from p2p.models import Appointment, AppointmentCase, Case, OutboxMessage, Reservation, Reviewer
from p2p.notifications import (
    KINDS,
    SmtpSettings,
    appointment_email,
    deliver_due,
    enqueue_appointment_emails,
    retry_delay,
)
from p2p.services.appointments.records import value_of
from tests.conftest import FIXED_NOW
from tests.integration.smtp_server import Received, Recorder, free_port, smtp_server

# FIXED_NOW is Tue 24 Nov 2026 15:00 UTC. The call: Wed 25 Nov 2026 17:00 UTC, which the
# Los Angeles provider reads as 9:00 am PST and the New York reviewer as 12:00 pm EST.
START = pytz.utc.localize(datetime(2026, 11, 25, 17, 0))
PROVIDER_EMAIL = "jane.doe@clinic.example"
REVIEWER_EMAIL = "ann.lee@um.example"
MAIL_FROM = "P2P Scheduler <p2p@scheduler.example>"

# Patient data that lives on the case rows and must appear nowhere in a message.
MEMBER_NAME = "Zebulon Quixotic"
MEMBER_ID = "MBR-99887766"
MEMBER_DOB = date(1961, 7, 4)
MEMBER_DATA = (
    MEMBER_NAME,
    "Zebulon",
    "Quixotic",
    MEMBER_ID,
    "1961-07-04",
    "07/04/1961",
    "7/4/1961",
    "07/04/61",
    "7/4/61",
    "19610704",
)

CONTACT = {
    "name": "John Front-Desk",
    "location": "Provider Office",
    "phone": "(555) 555-0100",
    "phone_ext": "12345",
    "alt_phone": "(555) 555-0199",
    "alt_phone_ext": None,
    "instructions": "Select option 4, ask for Dr. Doe",
}
PERFORMER = {"kind": "requesting_provider", "name": "Dr. Jane Doe", "credential": "MD"}


# Rows -------------------------------------------------------------------------------------------


def _reviewer(email: str | None) -> Reviewer:
    return Reviewer(
        reviewer_id="r-ny",
        name="Dr. Ann Lee",
        credentials="MD, FAAOS",
        specialties=["orthopedic_surgery"],
        case_types=["MSK Spine Surgery"],
        licensed_states=["TX"],
        time_zone="America/New_York",
        weekly_hours={},
        active=True,
        email=email,
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )


def _case(case_ref: str) -> Case:
    return Case(
        case_ref=case_ref,
        episode_id=f"EP-{case_ref}",
        member_name=MEMBER_NAME,
        member_dob=MEMBER_DOB,
        member_state="TX",
        member_id=MEMBER_ID,
        health_plan="Example Health",
        line_of_business="commercial",
        status="denied",
        determination_at=FIXED_NOW - timedelta(days=3),
        case_type="MSK Spine Surgery",
        specialty="orthopedic_surgery",
        ordering_provider_npi="1234567893",
        ordering_provider_name="Dr. Jane Doe",
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )


def _appointment(
    appointment_id: str,
    start: datetime,
    cases: list[tuple[Case, str, str]],
    *,
    status: str = "scheduled",
    cancel_reason: str | None = None,
    sequence: int = 0,
    booked_at: datetime = FIXED_NOW,
) -> Appointment:
    end = start + timedelta(minutes=15 * len(cases))
    reservation = None
    if status == "scheduled":
        reservation = Reservation(
            reviewer_id="r-ny", start_at=start, end_at=end, kind="appointment", created_at=FIXED_NOW
        )
    appointment = Appointment(
        id=appointment_id,
        reviewer_id="r-ny",
        reservation=reservation,
        status=status,
        start_at=start,
        end_at=end,
        time_zone="America/Los_Angeles",
        sequence=sequence,
        requesting_provider_npi="1234567893",
        requesting_provider_name="Dr. Jane Doe",
        requesting_provider_email=PROVIDER_EMAIL,
        contact=CONTACT,
        performer=PERFORMER,
        call_notes={},
        acknowledge_consultative_only=False,
        cancel_reason=cancel_reason,
        created_by="test-portal",
        created_at=booked_at,
        updated_at=booked_at,
    )
    for position, (case, outcome, level) in enumerate(cases):
        appointment.cases.append(
            AppointmentCase(case=case, position=position, outcome=outcome, level_of_review=level)
        )
    return appointment


def book(app, appointment_id="apt-1", *, reviewer_email=REVIEWER_EMAIL, start=START, **changes):
    """A reviewer (once), a case and an appointment with its reservation, straight in the
    database (booked at `booked_at`, FIXED_NOW unless given). Returns the appointment id."""
    with app.app_context(), transaction():
        if db.session.get(Reviewer, "r-ny") is None:
            db.session.add(_reviewer(reviewer_email))
            db.session.flush()  # reservations name the reviewer by id only
        case = _case(f"C-{appointment_id}")
        db.session.add(
            _appointment(
                appointment_id,
                start,
                [(case, "outcome_changing", "Reconsideration P2P")],
                **changes,
            )
        )
    return appointment_id


def invitation(method: str = "REQUEST", sequence: int = 0) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//tests//p2p//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", "apt-1@p2p.test")
    event.add("sequence", sequence)
    event.add("dtstamp", FIXED_NOW)
    event.add("dtstart", START)
    event.add("dtend", START + timedelta(minutes=15))
    event.add("summary", "P2P consultation")
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def enqueue(app, appointment_id: str, kind: str, now=FIXED_NOW, **calendar) -> list[int]:
    with app.app_context(), transaction():
        appointment = db.session.get(Appointment, appointment_id)
        return enqueue_appointment_emails(value_of(appointment), kind, now, **calendar)


def deliver(app, now=FIXED_NOW, **options) -> dict:
    with app.app_context():
        return deliver_due(now, SmtpSettings.from_config(app.config), **options)


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


# What arrived -----------------------------------------------------------------------------------


def by_recipient(received: list[Received]) -> dict[str, Received]:
    return {got.rcpt_tos[0]: got for got in received}


def body_text(got: Received) -> str:
    return got.message.get_body(("plain",)).get_content()


def calendar_parts(got: Received) -> list:
    return [part for part in got.message.walk() if part.get_content_type() == "text/calendar"]


def assert_no_member_data(got: Received) -> None:
    texts = [got.raw.decode("utf-8", "replace")]
    texts += [
        part.get_content() for part in got.message.walk() if part.get_content_maintype() == "text"
    ]
    everything = "\n".join(texts)
    for secret in MEMBER_DATA:
        assert secret not in everything


# Fixtures ---------------------------------------------------------------------------------------


def use_server(app, port: int, **settings) -> None:
    app.config.update(
        P2P_SMTP_HOST="127.0.0.1",
        P2P_SMTP_PORT=port,
        P2P_SMTP_SECURITY="none",
        P2P_SMTP_USERNAME=None,
        P2P_SMTP_PASSWORD=None,
        P2P_MAIL_FROM=MAIL_FROM,
        P2P_SMTP_TIMEOUT=5,
        P2P_MAIL_MAX_ATTEMPTS=8,
    )
    app.config.update(settings)


@pytest.fixture
def mail(app):
    """A server that accepts everything, configured as the app's SMTP server."""
    recorder = Recorder()
    with smtp_server(recorder) as controller:
        use_server(app, controller.port)
        yield recorder


# Composition (pure) -----------------------------------------------------------------------------


def _transient_appointment(**changes) -> Appointment:
    appointment = _appointment(
        "apt-x",
        START,
        [
            (_case("A1"), "outcome_changing", "Reconsideration P2P"),
            (_case("A2"), "consultative_only", "Consultative P2P"),
        ],
        **changes,
    )
    appointment.reviewer = _reviewer(REVIEWER_EMAIL)
    return appointment


def test_each_side_reads_the_time_in_its_own_zone():
    appointment = _transient_appointment()
    provider_subject, provider_body = appointment_email(value_of(appointment), "booked", "provider")
    reviewer_subject, reviewer_body = appointment_email(value_of(appointment), "booked", "reviewer")
    assert provider_subject == "P2P consultation booked: Wed 11/25/26 9:00 am PST"
    assert reviewer_subject == "P2P consultation booked: Wed 11/25/26 12:00 pm EST"
    assert "When: Wed 11/25/26 9:00 am PST (30 minutes)" in provider_body
    assert "When: Wed 11/25/26 12:00 pm EST (30 minutes)" in reviewer_body
    for body in (provider_body, reviewer_body):
        assert "Reviewer: Dr. Ann Lee, MD, FAAOS" in body
        assert "- A1: Reconsideration P2P" in body
        assert "- A2: Consultative P2P (consultative only" in body
        assert "Phone: (555) 555-0100 ext. 12345" in body
        assert "Alternate phone: (555) 555-0199" in body
        assert "Contact: John Front-Desk, Provider Office" in body
        assert "Instructions: Select option 4, ask for Dr. Doe" in body
        assert "Performed by: Dr. Jane Doe, MD (requesting provider)" in body
    assert "The reviewer will call:" in provider_body
    assert "Call the provider at:" in reviewer_body


def test_summer_time_is_labelled_as_such():
    appointment = _transient_appointment()
    appointment.start_at = pytz.utc.localize(datetime(2026, 7, 1, 16, 0))
    appointment.end_at = appointment.start_at + timedelta(minutes=15)
    assert appointment_email(value_of(appointment), "reminder_1h", "provider")[0] == (
        "Reminder (1 hour): P2P consultation Wed 7/1/26 9:00 am PDT"
    )
    assert appointment_email(value_of(appointment), "reminder_24h", "reviewer")[0] == (
        "Reminder (24 hours): P2P consultation Wed 7/1/26 12:00 pm EDT"
    )


def test_cancellation_gives_the_reason_and_no_call_details():
    appointment = _transient_appointment(status="cancelled", cancel_reason="Provider unavailable")
    subject, body = appointment_email(value_of(appointment), "cancelled", "provider")
    assert subject == "P2P consultation cancelled: Wed 11/25/26 9:00 am PST"
    assert "Reason: Provider unavailable" in body
    assert "Phone:" not in body


def test_a_removed_case_is_listed_with_its_reason():
    appointment = _transient_appointment()
    removed = appointment.cases[1]
    removed.removed_at = FIXED_NOW
    removed.removed_reason = "The case was withdrawn."
    subject, body = appointment_email(value_of(appointment), "case_removed", "provider")
    assert subject == "P2P consultation changed, a case was removed: Wed 11/25/26 9:00 am PST"
    cases, taken_out = body.split("Taken out of this consultation:")
    assert "- A1: Reconsideration P2P" in cases and "A2" not in cases
    assert "- A2: The case was withdrawn." in taken_out


def test_someone_else_performing_the_call_is_named_with_location():
    appointment = _transient_appointment()
    appointment.performer = {
        "kind": "contact_person",
        "first_name": "Pat",
        "last_name": "Nurse",
        "location": "Clinic B",
    }
    assert (
        "Performed by: Pat Nurse, Clinic B (contact person)"
        in (appointment_email(value_of(appointment), "booked", "reviewer")[1])
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["provider", "reviewer"])
def test_no_email_reads_member_data(kind, role):
    appointment = _transient_appointment(status="cancelled", cancel_reason="Schedule conflict")
    subject, body = appointment_email(value_of(appointment), kind, role)
    for secret in MEMBER_DATA:
        assert secret not in subject and secret not in body


def test_unknown_kind_or_role_is_refused():
    appointment = _transient_appointment()
    with pytest.raises(ValueError):
        appointment_email(value_of(appointment), "booked_twice", "provider")
    with pytest.raises(ValueError):
        appointment_email(value_of(appointment), "booked", "member")


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    assert [retry_delay(n) for n in range(1, 9)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)
    ]


# Through the outbox and SMTP --------------------------------------------------------------------


def test_booking_emails_reach_both_sides_with_the_invitation(app, mail):
    book(app)
    assert len(enqueue(app, "apt-1", "booked", ics=invitation(), ics_method="REQUEST")) == 2

    assert deliver(app) == {"sent": 2, "retried": 0, "failed": 0}

    got = by_recipient(mail.received)
    assert set(got) == {PROVIDER_EMAIL, REVIEWER_EMAIL}
    provider, reviewer = got[PROVIDER_EMAIL], got[REVIEWER_EMAIL]
    assert provider.mail_from == "p2p@scheduler.example"
    assert provider.message["From"] == MAIL_FROM
    assert provider.message["To"] == PROVIDER_EMAIL
    assert provider.message["Subject"] == "P2P consultation booked: Wed 11/25/26 9:00 am PST"
    assert reviewer.message["Subject"] == "P2P consultation booked: Wed 11/25/26 12:00 pm EST"
    text = body_text(provider)
    for expected in (
        "Dr. Ann Lee, MD, FAAOS",
        "- C-apt-1: Reconsideration P2P",
        "Phone: (555) 555-0100 ext. 12345",
        "Instructions: Select option 4, ask for Dr. Doe",
        "Performed by: Dr. Jane Doe, MD (requesting provider)",
    ):
        assert expected in text
    assert "12:00 pm EST" in body_text(reviewer)

    for received in (provider, reviewer):
        inline, attached = calendar_parts(received)
        assert inline.get_param("method") == "REQUEST"
        assert inline.get_content_charset() == "utf-8"
        assert inline.get_content_disposition() is None
        assert attached.get_content_disposition() == "attachment"
        assert attached.get_filename() == "invite.ics"
        assert attached.get_param("method") == "REQUEST"
        parsed = icalendar.Calendar.from_ical(attached.get_content())
        assert str(parsed["METHOD"]) == "REQUEST"
        assert str(parsed.walk("VEVENT")[0]["UID"]) == "apt-1@p2p.test"
        assert_no_member_data(received)

    rows = outbox(app)
    assert [(r.status, r.attempts, r.sent_at) for r in rows] == [("sent", 1, FIXED_NOW)] * 2
    # Message-IDs come from the outbox rows (stable across retries), on the sender's domain.
    ids = sorted(got.message["Message-ID"] for got in mail.received)
    assert [mid.split(".")[1] for mid in ids] == sorted(str(row.id) for row in rows)
    assert all(mid.endswith("@scheduler.example>") for mid in ids)

    # Sent is final: later runs find nothing to do.
    assert deliver(app, FIXED_NOW + timedelta(days=1)) == {"sent": 0, "retried": 0, "failed": 0}
    assert len(mail.received) == 2


def test_cancellation_email_carries_the_reason_and_a_cancel(app, mail):
    book(app, status="cancelled", cancel_reason="Provider unavailable", sequence=1)
    enqueue(app, "apt-1", "cancelled", ics=invitation("CANCEL", 1))  # method read from file
    deliver(app)

    provider = by_recipient(mail.received)[PROVIDER_EMAIL]
    assert provider.message["Subject"] == "P2P consultation cancelled: Wed 11/25/26 9:00 am PST"
    assert "Reason: Provider unavailable" in body_text(provider)
    inline, attached = calendar_parts(provider)
    assert inline.get_param("method") == attached.get_param("method") == "CANCEL"
    event = icalendar.Calendar.from_ical(inline.get_content()).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"
    assert_no_member_data(provider)


def test_a_reminder_has_no_calendar_part(app, mail):
    book(app)
    enqueue(app, "apt-1", "reminder_1h")
    deliver(app)
    assert len(mail.received) == 2
    for received in mail.received:
        assert received.message.get_content_type() == "text/plain"
        assert calendar_parts(received) == []


def test_without_a_reviewer_email_only_the_provider_is_written_to(app, mail):
    book(app, reviewer_email=None)
    assert len(enqueue(app, "apt-1", "booked", ics=invitation())) == 1
    deliver(app)
    assert [got.rcpt_tos for got in mail.received] == [(PROVIDER_EMAIL,)]


def test_enqueuing_the_same_email_twice_adds_nothing(app, mail):
    book(app)
    with app.app_context(), transaction():
        appointment = value_of(db.session.get(Appointment, "apt-1"))
        first = enqueue_appointment_emails(appointment, "booked", FIXED_NOW, ics=invitation())
        again = enqueue_appointment_emails(appointment, "booked", FIXED_NOW, ics=invitation())
        assert (len(first), again) == (2, [])
    assert enqueue(app, "apt-1", "booked", FIXED_NOW + timedelta(minutes=5)) == []
    assert [r.dedupe_key for r in outbox(app)] == [
        f"apt-1:0:booked:{PROVIDER_EMAIL}",
        f"apt-1:0:booked:{REVIEWER_EMAIL}",
    ]

    # A reschedule is a new sequence: new emails.
    with app.app_context(), transaction():
        db.session.get(Appointment, "apt-1").sequence = 1
    assert len(enqueue(app, "apt-1", "rescheduled", ics=invitation(sequence=1))) == 2

    deliver(app)
    assert Counter(got.message["Subject"].split(":")[0] for got in mail.received) == {
        "P2P consultation booked": 2,
        "P2P consultation rescheduled": 2,
    }


def test_an_enqueue_rolled_back_with_its_change_sends_nothing(app, mail):
    book(app)
    with pytest.raises(RuntimeError), app.app_context(), transaction():
        appointment = db.session.get(Appointment, "apt-1")
        enqueue_appointment_emails(value_of(appointment), "booked", FIXED_NOW)
        raise RuntimeError("the booking was refused")
    assert outbox(app) == []
    assert deliver(app) == {"sent": 0, "retried": 0, "failed": 0}


def test_a_transient_failure_is_retried_with_backoff_and_delivered_once(app):
    recorder = Recorder(rcpt_failures=2)
    with smtp_server(recorder) as controller:
        use_server(app, controller.port)
        book(app, reviewer_email=None)
        enqueue(app, "apt-1", "booked")

        assert deliver(app) == {"sent": 0, "retried": 1, "failed": 0}
        (row,) = outbox(app)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at == FIXED_NOW + timedelta(minutes=1)
        assert "451" in row.last_error

        assert deliver(app, FIXED_NOW + timedelta(seconds=59))["retried"] == 0  # not due yet
        assert deliver(app, FIXED_NOW + timedelta(minutes=1))["retried"] == 1
        (row,) = outbox(app)
        assert row.next_attempt_at == FIXED_NOW + timedelta(minutes=3)  # 1 min, then 2

        assert deliver(app, FIXED_NOW + timedelta(minutes=2))["sent"] == 0
        assert deliver(app, FIXED_NOW + timedelta(minutes=3))["sent"] == 1
        assert deliver(app, FIXED_NOW + timedelta(hours=5))["sent"] == 0

    assert len(recorder.received) == 1
    (row,) = outbox(app)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (
        "sent",
        3,
        FIXED_NOW + timedelta(minutes=3),
        None,
    )


def test_a_retry_after_an_unknown_outcome_is_the_same_message(app):
    """A 451 after the data: the server may or may not have kept it. The retry carries the
    same Message-ID, so a receiver can tell the two copies are one message."""
    recorder = Recorder(data_failures=1)
    with smtp_server(recorder) as controller:
        use_server(app, controller.port)
        book(app, reviewer_email=None)
        enqueue(app, "apt-1", "booked", ics=invitation())
        assert deliver(app)["retried"] == 1
        assert deliver(app, FIXED_NOW + timedelta(minutes=1))["sent"] == 1
    (first,) = recorder.refused
    (second,) = recorder.received
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert first.message["Subject"] == second.message["Subject"]


def test_giving_up_after_the_last_attempt_keeps_the_message(app):
    recorder = Recorder(rcpt_failures=1000)
    with smtp_server(recorder) as controller:
        use_server(app, controller.port, P2P_MAIL_MAX_ATTEMPTS=3)
        book(app, reviewer_email=None)
        enqueue(app, "apt-1", "booked")
        moments = [FIXED_NOW, FIXED_NOW + timedelta(minutes=1), FIXED_NOW + timedelta(minutes=3)]
        outcomes = [deliver(app, moment) for moment in moments]
        assert [o["retried"] for o in outcomes] == [1, 1, 0]
        assert outcomes[-1]["failed"] == 1
        assert deliver(app, FIXED_NOW + timedelta(days=2)) == {"sent": 0, "retried": 0, "failed": 0}
    assert recorder.rcpt_attempts == 3
    (row,) = outbox(app)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 3, None)
    assert row.last_error.startswith("RCPT refused: 451")
    assert all(secret not in row.last_error for secret in MEMBER_DATA)


def test_a_permanent_refusal_fails_at_once_and_stays(app):
    recorder = Recorder(rcpt_reply="550 5.1.1 Mailbox unavailable")
    with smtp_server(recorder) as controller:
        use_server(app, controller.port)
        book(app, reviewer_email=None)
        enqueue(app, "apt-1", "booked")
        assert deliver(app) == {"sent": 0, "retried": 0, "failed": 1}
        assert deliver(app, FIXED_NOW + timedelta(days=1))["failed"] == 0
    assert recorder.rcpt_attempts == 1
    (row,) = outbox(app)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "RCPT refused: 550 5.1.1 Mailbox unavailable"


def test_a_server_that_is_down_is_retried(app, mail):
    book(app, reviewer_email=None)
    enqueue(app, "apt-1", "booked")
    use_server(app, free_port())  # nothing listens there
    assert deliver(app)["retried"] == 1
    (row,) = outbox(app)
    assert row.last_error.startswith("connect: ConnectionRefusedError")

    use_server(app, mail.port)  # the server is back
    assert deliver(app, FIXED_NOW + timedelta(minutes=1))["sent"] == 1
    assert len(mail.received) == 1


def test_limit_bounds_one_run(app, mail):
    book(app)
    enqueue(app, "apt-1", "booked")
    assert deliver(app, limit=1)["sent"] == 1
    assert deliver(app, limit=1)["sent"] == 1
    assert deliver(app, limit=1)["sent"] == 0
    assert len(mail.received) == 2


def test_concurrent_deliverers_send_each_message_exactly_once(app):
    recorder = Recorder(delay=0.01)
    with smtp_server(recorder) as controller:
        use_server(app, controller.port)
        appointments = [
            book(app, f"apt-{n}", start=START + timedelta(minutes=30 * n)) for n in range(12)
        ]
        for appointment_id in appointments:
            enqueue(app, appointment_id, "booked", ics=invitation())

        workers = 4
        barrier = threading.Barrier(workers)
        results: list[dict] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with app.app_context():
                    barrier.wait()
                    settings = SmtpSettings.from_config(app.config)
                    results.append(deliver_due(FIXED_NOW, settings))
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert sum(r["sent"] for r in results) == 24
    assert sum(r["retried"] + r["failed"] for r in results) == 0
    message_ids = Counter(got.message["Message-ID"] for got in recorder.received)
    assert len(message_ids) == 24 and set(message_ids.values()) == {1}
    rows = outbox(app)
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}


# TLS and login ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"p2p-mailer",
        b"correct horse",
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the reply


@pytest.mark.parametrize("security", ["starttls", "tls"])
# Implicit TLS encrypts the whole connection, which aiosmtpd's AUTH check does not see.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_tls_and_login(app, certificate, monkeypatch, security):
    # The client verifies the server's certificate against the default trust store, which
    # OpenSSL reads from SSL_CERT_FILE when set (as an operator would for a private CA).
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    recorder = Recorder()
    if security == "starttls":
        options = {"tls_context": _server_context(certificate), "require_starttls": True}
    else:
        options = {"ssl_context": _server_context(certificate), "auth_require_tls": False}
    with smtp_server(
        recorder, authenticator=_authenticator, auth_required=True, **options
    ) as controller:
        use_server(
            app,
            controller.port,
            P2P_SMTP_SECURITY=security,
            P2P_SMTP_USERNAME="p2p-mailer",
            P2P_SMTP_PASSWORD="wrong",
        )
        book(app, reviewer_email=None)
        enqueue(app, "apt-1", "booked", ics=invitation())
        assert deliver(app)["retried"] == 1  # a refused login is our configuration: retried
        (row,) = outbox(app)
        assert "SMTPAuthenticationError 535" in row.last_error
        assert "wrong" not in row.last_error

        app.config["P2P_SMTP_PASSWORD"] = "correct horse"
        assert deliver(app, FIXED_NOW + timedelta(minutes=1))["sent"] == 1
    (got,) = recorder.received
    assert got.message["Subject"] == "P2P consultation booked: Wed 11/25/26 9:00 am PST"


def test_an_unknown_security_mode_is_refused_before_anything_is_claimed(app, mail):
    book(app, reviewer_email=None)
    enqueue(app, "apt-1", "booked")
    app.config["P2P_SMTP_SECURITY"] = "ssl3"
    with pytest.raises(ValueError):
        deliver(app)
    (row,) = outbox(app)
    assert (row.status, row.attempts) == ("pending", 0)
