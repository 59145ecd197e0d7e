"""The schema exists only through the migrations: they build it from nothing, match the
models, carry the rows of every table through each upgrade and each downgrade (every
migration, found by itself), and hold the invariants the database is trusted with."""

import json
from datetime import date, datetime, timedelta

import pytest
import pytz
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError, IntegrityError

from p2p import MIGRATIONS, create_app
from p2p.extensions import db
from p2p.models import Reservation, Reviewer
from tests.conftest import empty_database

T0 = pytz.utc.localize(datetime(2026, 11, 23, 15, 0))


def test_models_match_the_migrations(app):
    with app.app_context(), db.engine.connect() as connection:
        # APScheduler's job table is made by a migration but mapped by APScheduler itself.
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _: name != "apscheduler_jobs",
            },
        )
        assert compare_metadata(context, db.metadata) == []


def _reviewer(reviewer_id: str) -> Reviewer:
    return Reviewer(
        reviewer_id=reviewer_id,
        name="Dr. R",
        credentials="MD",
        specialties=[],
        case_types=[],
        licensed_states=[],
        time_zone="America/Chicago",
        weekly_hours={},
        active=True,
        created_at=T0,
        updated_at=T0,
    )


def _reservation(reviewer_id: str, start: datetime, minutes: int = 15) -> Reservation:
    return Reservation(
        reviewer_id=reviewer_id,
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        kind="appointment",
        created_at=T0,
    )


def test_the_database_itself_refuses_overlapping_reservations(app):
    """Not a check in Python: rows written straight to the table are refused, by the
    constraint whose name the booking service answers as 409 slot_unavailable."""
    with app.app_context():
        db.session.add_all([_reviewer("r1"), _reviewer("r2")])
        db.session.commit()
        db.session.add(_reservation("r1", T0, 30))
        db.session.commit()
        held = _reservation("r1", T0 + timedelta(minutes=5))
        held.kind, held.expires_at = "hold", T0  # a hold takes time like an appointment
        for refused in [
            _reservation("r1", T0, 15),
            _reservation("r1", T0 + timedelta(minutes=15), 30),
            _reservation("r1", T0 - timedelta(minutes=10), 15),
            held,
        ]:
            db.session.add(refused)
            with pytest.raises(IntegrityError, match="reservations_no_overlap"):
                db.session.commit()
            db.session.rollback()
        # Touching intervals are fine (half-open), and another reviewer is independent.
        db.session.add(_reservation("r1", T0 + timedelta(minutes=30)))
        db.session.add(_reservation("r1", T0 - timedelta(minutes=15)))
        db.session.add(_reservation("r2", T0, 30))
        db.session.commit()
        # Moving a reservation onto another is refused as well: to another reviewer, or to
        # another time (as a reschedule does).
        moved = db.session.query(Reservation).filter_by(reviewer_id="r2").one()
        moved.reviewer_id = "r1"
        with pytest.raises(IntegrityError, match="reservations_no_overlap"):
            db.session.commit()
        db.session.rollback()
        later = (
            db.session.query(Reservation)
            .filter_by(reviewer_id="r1", start_at=T0 + timedelta(minutes=30))
            .one()
        )
        later.start_at, later.end_at = T0 + timedelta(minutes=20), T0 + timedelta(minutes=35)
        with pytest.raises(IntegrityError, match="reservations_no_overlap"):
            db.session.commit()
        db.session.rollback()


# Every migration, over a database with rows in every table ------------------------------------
# Each revision in migrations/versions is found by itself (`revisions`), oldest first. `ROWS`
# says what to write into the schema as that revision leaves it; a new migration fails
# `test_every_migration_has_rows_to_carry` until it has an entry, and one whose new table has
# no rows fails the walk at the head. Rows are written through reflected tables, so each
# revision's own columns are used, not the models'.

WHEN = datetime(2026, 11, 24, 15, 0)  # naive UTC, as the columns store instants
APPOINTMENT = "a" * 32
LATER_APPOINTMENT = "b" * 32


def revisions() -> list[str]:
    """Every revision, oldest first (the history must stay one line)."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1, "the migrations must form one line"
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def as_it_is(connection, table: str) -> sa.Table:
    """The table's columns as the database has them now (their types bind the values)."""
    columns = inspect(connection).get_columns(table)
    return sa.Table(table, sa.MetaData(), *(sa.Column(c["name"], c["type"]) for c in columns))


def put(connection, table: str, *rows: dict) -> None:
    connection.execute(as_it_is(connection, table).insert(), list(rows))


def change(connection, table: str, where: dict, **values) -> None:
    reflected = as_it_is(connection, table)
    condition = sa.and_(*(reflected.c[name] == value for name, value in where.items()))
    assert connection.execute(reflected.update().where(condition).values(**values)).rowcount


def _reviewer_row(reviewer_id: str, case_types: list[str]) -> dict:
    return {
        "reviewer_id": reviewer_id, "name": "Dr. R", "credentials": "MD",
        "specialties": ["orthopedic_surgery"], "case_types": case_types,
        "licensed_states": ["PA"], "time_zone": "America/Chicago",
        "weekly_hours": {"mon": [["08:00", "12:00"]]}, "active": True,
        "created_at": WHEN, "updated_at": WHEN,
    }


def _appointment_row(appointment_id: str, reservation_id: int | None, status: str,
                     start: datetime) -> dict:
    return {
        "id": appointment_id, "reviewer_id": "r1", "reservation_id": reservation_id,
        "status": status, "start_at": start, "end_at": start + timedelta(minutes=15),
        "time_zone": "America/New_York", "sequence": 0, "requesting_provider_npi": "1234567893",
        "requesting_provider_name": "Dr. Jane Doe", "requesting_provider_email": "jd@example.org",
        "contact": {}, "performer": {}, "call_notes": {}, "acknowledge_consultative_only": False,
        "cancel_reason": None, "created_by": "k1", "created_at": WHEN, "updated_at": WHEN,
    }


def _rows_0001(connection) -> None:
    put(connection, "api_keys", {"id": 1, "name": "k1", "role": "portal", "key_hash": "1" * 64,
                                 "created_at": WHEN, "revoked_at": None})
    put(connection, "cases", {
        "id": 1, "case_ref": "C1", "episode_id": "E1", "member_name": "Pat Doe",
        "member_dob": date(1961, 4, 2), "member_state": "PA", "member_id": "M1",
        "health_plan": "the-plan", "line_of_business": "commercial", "status": "denied",
        "determination_at": WHEN, "info_due_at": None, "additional_info_received": False,
        "appeal_filed": False, "reconsideration_completed": False, "service_rendered": False,
        "case_type": "MSK Spine Surgery", "specialty": "orthopedic_surgery",
        "ordering_provider_npi": "1234567893", "ordering_provider_name": "Dr. Jane Doe",
        "created_at": WHEN, "updated_at": WHEN,
    })
    put(connection, "policies", {
        "health_plan": "the-plan", "line_of_business": "commercial",
        "deadline_time_zone": "America/New_York", "reconsideration": {"days": 5},
        "first_level_appeal": None, "second_level_appeal": None, "source": "tests",
        "updated_at": WHEN,
    })
    put(connection, "state_rules", {
        "state": "CA", "requires_state_license": True, "requires_same_specialty": False,
        "requires_member_consent": False, "source": "tests", "updated_at": WHEN,
    })


def _rows_0002(connection) -> None:
    put(connection, "reviewers", _reviewer_row("r1", ["MSK Spine Surgery", "Radiology"]))
    start = WHEN + timedelta(days=1)
    put(
        connection, "reservations",
        {"id": 1, "reviewer_id": "r1", "start_at": start, "end_at": start + timedelta(minutes=15),
         "kind": "appointment", "expires_at": None, "case_refs": None, "time_zone": None,
         "holder": None, "created_at": WHEN},
        {"id": 2, "reviewer_id": "r1", "start_at": start + timedelta(hours=1),
         "end_at": start + timedelta(hours=1, minutes=15), "kind": "hold",
         "expires_at": WHEN + timedelta(minutes=10), "case_refs": ["C1"],
         "time_zone": "America/New_York", "holder": "k1", "created_at": WHEN},
    )
    put(connection, "reviewer_time_off", {
        "id": 1, "reviewer_id": "r1", "start_at": WHEN + timedelta(days=7),
        "end_at": WHEN + timedelta(days=8), "reason": "leave", "created_at": WHEN,
    })
    put(connection, "appointments", _appointment_row(APPOINTMENT, 1, "scheduled", start))
    put(connection, "appointment_cases", {
        "appointment_id": APPOINTMENT, "case_id": 1, "position": 0,
        "outcome": "outcome_changing", "level_of_review": "Reconsideration P2P",
        "removed_at": None, "removed_reason": None,
    })


def _rows_0003(connection) -> None:
    put(connection, "reviewers", _reviewer_row("r2", ["Cardiology"]))
    put(connection, "reviewer_case_types", {"reviewer_id": "r2", "case_type": "Cardiology"})


def _rows_0004(connection) -> None:
    put(connection, "idempotency_keys", {
        "caller": "k1", "key": "idem-1", "request_hash": "f" * 64, "status_code": 201,
        "response": {"id": APPOINTMENT}, "created_at": WHEN,
    })
    put(connection, "scheduler_leases",
        {"name": "scheduler", "holder": "host:1:x", "expires_at": WHEN})
    put(connection, "appointment_events", {
        "id": 1, "appointment_id": APPOINTMENT, "action": "created", "actor": "k1", "at": WHEN,
        "before": None, "after": {"status": "scheduled"},
    })
    put(connection, "outbox_messages", {
        "id": 1, "dedupe_key": f"{APPOINTMENT}:0:booked:jd@example.org",
        "appointment_id": APPOINTMENT, "kind": "booked", "recipient": "jd@example.org",
        "subject": "P2P booked", "body": "...", "ics": "BEGIN:VCALENDAR", "ics_method": "REQUEST",
        "status": "sent", "attempts": 1, "next_attempt_at": WHEN, "last_error": None,
        "created_at": WHEN, "sent_at": WHEN,
    })
    put(connection, "apscheduler_jobs",
        {"id": "deliver_outbox", "next_run_time": 1.8e9, "job_state": b"\x80\x04N."})
    change(connection, "reviewers", {"reviewer_id": "r1"}, email="r1@example.org",
           feed_token_hash="e" * 64)


def _rows_0005(connection) -> None:
    # Exactly a day: the longest reservation the new bound lets through.
    start = WHEN + timedelta(days=14)
    put(connection, "reservations", {
        "id": 3, "reviewer_id": "r2", "start_at": start, "end_at": start + timedelta(days=1),
        "kind": "appointment", "expires_at": None, "case_refs": None, "time_zone": None,
        "holder": None, "created_at": WHEN,
    })


def _rows_0006(connection) -> None:
    put(connection, "api_keys", {"id": 2, "name": "k2", "role": "admin", "key_hash": "2" * 64,
                                 "created_at": WHEN, "revoked_at": WHEN})


def _rows_0007(connection) -> None:
    start = WHEN + timedelta(days=2)
    put(connection, "reservations", {
        "id": 4, "reviewer_id": "r2", "start_at": start, "end_at": start + timedelta(minutes=15),
        "kind": "hold", "expires_at": WHEN + timedelta(minutes=10), "created_at": WHEN,
    })
    put(connection, "holds", {
        "id": "hold_tests", "holder": "k1", "reviewer_id": "r2", "start_at": start,
        "end_at": start + timedelta(minutes=15), "case_refs": ["C1"],
        "time_zone": "America/New_York", "expires_at": WHEN + timedelta(minutes=10),
        "reservation_id": 4, "created_at": WHEN, "ended_at": None, "ended": None,
    })
    # A call whose outcome only this revision can say.
    put(connection, "appointments",
        _appointment_row(LATER_APPOINTMENT, None, "provider_not_reached", WHEN - timedelta(days=1)))


def _rows_0008(connection) -> None:
    put(connection, "lookup_locks", {"case_ref": "C1", "attempts": 2, "window_started_at": WHEN,
                                     "locked_until": None})
    change(connection, "api_keys", {"id": 1}, health_plans=["the-plan"])


def _rows_0009(connection) -> None:
    put(connection, "sign_in_links", {
        "token_hash": "9" * 64, "kind": "provider", "npi": "1234567893", "name": "Dr. Jane Doe",
        "email": "jd@example.org", "case_refs": ["C1"], "reviewer_id": None,
        "appointment_id": APPOINTMENT, "health_plans": None, "issued_by": "k1",
        "created_at": WHEN, "expires_at": WHEN + timedelta(hours=1), "used_at": None,
    })
    put(connection, "web_sessions", {
        "token_hash": "8" * 64, "kind": "reviewer", "npi": None, "name": "Dr. R",
        "email": None, "reviewer_id": "r1", "health_plans": None, "time_zone": None,
        "case_refs": [], "opens_appointment_id": None, "created_at": WHEN,
        "expires_at": WHEN + timedelta(hours=8),
    })


def _rows_0010(connection) -> None:
    change(connection, "appointments", {"id": LATER_APPOINTMENT}, outcome_result="held",
           outcome_note="Discussed.", outcome_recorded_at=WHEN, outcome_recorded_by="k2")
    change(connection, "appointment_cases", {"appointment_id": APPOINTMENT}, decision="upheld",
           valid_until=WHEN + timedelta(days=5))
    change(connection, "sign_in_links", {"token_hash": "9" * 64}, hold_id="hold_tests")
    change(connection, "web_sessions", {"token_hash": "8" * 64}, opens_hold_id="hold_tests")
    put(connection, "waitlist_entries", {
        "id": "wait_tests", "caller": "k1", "health_plans": None, "case_refs": ["C1"],
        "npi": "1234567893", "email": "jd@example.org", "time_zone": "America/New_York",
        "days": ["mon"], "hours": [9], "before": WHEN + timedelta(days=10), "status": "offered",
        "created_at": WHEN, "position": 1,
    })
    put(connection, "waitlist_offers", {
        "id": 1, "entry_id": "wait_tests", "hold_id": "hold_tests", "reviewer_id": "r2",
        "start_at": WHEN + timedelta(days=2), "end_at": WHEN + timedelta(days=2, minutes=15),
        "expires_at": WHEN + timedelta(minutes=10), "status": "held", "created_at": WHEN,
    })
    # A missed call rebooked before 0011: only the audit trail remembers it.
    put(connection, "appointment_events", {
        "id": 2, "appointment_id": APPOINTMENT, "action": "rescheduled", "actor": "k1",
        "at": WHEN, "after": {"status": "scheduled"},
        "before": {"status": "reviewer_unavailable", "reviewer_id": "r1",
                   "start": "2026-11-20T09:00:00-05:00", "end": "2026-11-20T09:15:00-05:00"},
    })


def _rows_0011(connection) -> None:
    put(connection, "missed_calls", {
        "id": 100, "appointment_id": LATER_APPOINTMENT, "reviewer_id": "r1",
        "start_at": WHEN - timedelta(days=3), "end_at": WHEN - timedelta(days=3, minutes=-15),
        "result": "provider_not_reached", "recorded_at": WHEN, "rebooked_at": WHEN,
    })


ROWS = {
    "0001": _rows_0001,
    "0002": _rows_0002,
    "0003": _rows_0003,
    "0004": _rows_0004,
    "0005": _rows_0005,
    "0006": _rows_0006,
    "0007": _rows_0007,
    "0008": _rows_0008,
    "0009": _rows_0009,
    "0010": _rows_0010,
    "0011": _rows_0011,
    "0012": lambda connection: None,  # an index only
}
# Rows a migration writes into tables that existed before it (and its downgrade takes out).
WRITES = {"0006": {"reference_versions": 1}, "0007": {"state_rules": 2}}


def _check_0003(connection) -> None:
    rows = connection.execute(sa.text("SELECT reviewer_id, case_type FROM reviewer_case_types"))
    assert set(rows) >= {("r1", "MSK Spine Surgery"), ("r1", "Radiology")}  # backfilled


def _check_0007(connection) -> None:
    hold = connection.execute(
        sa.text("SELECT holder, time_zone, case_refs FROM holds WHERE reservation_id = 2")
    ).one()  # the hold kept in the reservation's own columns before
    assert (hold.holder, hold.time_zone) == ("k1", "America/New_York")
    assert json.loads(hold.case_refs) if isinstance(hold.case_refs, str) else hold.case_refs
    key = connection.execute(sa.text("SELECT appointment_id FROM idempotency_keys")).scalar()
    assert key == APPOINTMENT
    states = set(connection.execute(sa.text("SELECT state FROM state_rules")).scalars())
    assert states == {"CA", "OH", "TX"}


def _check_0010(connection) -> None:
    facts = connection.execute(sa.text(
        "SELECT same_specialty, in_state FROM appointment_cases WHERE appointment_id = :a"
    ), {"a": APPOINTMENT}).one()  # filled in from the case and the reviewer
    assert tuple(facts) == (True, True)


def _check_0011(connection) -> None:
    missed = connection.execute(sa.text(
        "SELECT appointment_id, reviewer_id, start_at, result FROM missed_calls"
    )).one()  # read back from the audit trail
    assert tuple(missed)[:2] == (APPOINTMENT, "r1") and missed.result == "reviewer_unavailable"
    assert str(missed.start_at).startswith("2026-11-20 14:00:00")  # 9:00 EST, in UTC


CHECKS = {"0003": _check_0003, "0007": _check_0007, "0010": _check_0010, "0011": _check_0011}


def row_counts() -> dict[str, int]:
    names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    with db.engine.connect() as connection:
        return {
            name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar()  # noqa: S608
            for name in names
        }


def kept(before: dict[str, int], after: dict[str, int], writes: dict[str, int]) -> dict:
    """The tables both sides have whose count is not what it should be."""
    return {
        name: (before[name], after[name])
        for name in before.keys() & after.keys()
        if after[name] != before[name] + writes.get(name, 0)
    }


# The tables whose writes redraw each reference version (migrations 0005 and 0006).
VERSIONED = {"reviewers": ("reviewers", "reviewer_case_types"),
             "policies": ("policies", "state_rules"), "api_keys": ("api_keys",)}


def guards_hold(step: str) -> None:
    """What the database is trusted with, as far as the schema has it: an overlapping
    reservation is refused, and a write to a reference table redraws its version (a SQLite
    table rebuilt by a migration would lose its triggers). Checked in a transaction that is
    rolled back."""
    with db.engine.connect() as connection:
        schema = inspect(connection)
        tables = set(schema.get_table_names())
        first_columns = {table: schema.get_columns(table)[0]["name"] for table in tables}
        booked = "reservations" in tables and connection.execute(
            sa.text("SELECT count(*) FROM reservations WHERE id = 1")
        ).scalar()
        connection.rollback()
        transaction = connection.begin()
        if booked:
            start = WHEN + timedelta(days=1)  # reservation 1's time
            with pytest.raises(DBAPIError, match="no_overlap"), connection.begin_nested():
                connection.execute(sa.text(
                    "INSERT INTO reservations (id, reviewer_id, start_at, end_at, kind, "
                    "created_at) VALUES (1000, 'r1', :start, :end, 'appointment', :start)"
                ), {"start": start, "end": start + timedelta(minutes=5)})
        versions = sa.text("SELECT version FROM reference_versions WHERE name = :name")
        for name, watched in VERSIONED.items():
            if "reference_versions" not in tables or name == "api_keys" and step < "0006":
                continue
            for table in watched:
                column = first_columns[table]
                before = connection.execute(versions, {"name": name}).scalar()
                no_op = f"UPDATE {table} SET {column} = {column}"  # noqa: S608 (our names)
                connection.execute(sa.text(no_op))
                after = connection.execute(versions, {"name": name}).scalar()
                assert after != before, f"{step}: a write to {table} left {name}'s version"
        transaction.rollback()


def climb(names: list[str]) -> None:
    """Up one revision at a time, writing each revision's rows once it is in place: every
    row written so far survives each step, the data migrations carry them over, and the
    database's guards hold after each step."""
    for name in names:
        before = row_counts()
        upgrade(revision=name)
        after = row_counts()
        assert kept(before, after, WRITES.get(name, {})) == {}, f"upgrade to {name}"
        with db.engine.begin() as connection:
            if name in CHECKS:
                CHECKS[name](connection)
            ROWS[name](connection)
        guards_hold(name)


def test_every_migration_has_rows_to_carry():
    assert list(ROWS) == revisions(), "write rows for each migration's tables into ROWS"


def test_every_migration_up_down_and_up_again_over_rows_in_every_table(tmp_path):
    """Upgrade one step at a time from nothing, rows written at each step into the tables it
    made; at the head every table has rows. Then down one step at a time: each downgrade runs
    over those rows and keeps the rows of the tables that stay, and the upgrade it undid runs
    again over what the downgrade left (the database's guards holding after it) before the
    walk goes on. At the bottom, the same climb again, and the schema matches the models."""
    names = revisions()
    with empty_database(tmp_path) as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            climb(names)
            assert [n for n, count in row_counts().items() if count == 0] == []
            for name, below in zip(reversed(names), [*reversed(names[:-1]), "base"],
                                   strict=True):
                at = row_counts()
                downgrade(revision=below)
                down = row_counts()
                undone = {table: -rows for table, rows in WRITES.get(name, {}).items()}
                assert kept(at, down, undone) == {}, f"downgrade of {name}"
                upgrade(revision=name)
                assert kept(down, row_counts(), WRITES.get(name, {})) == {}, f"{name} again"
                guards_hold(f"{name} again")
                downgrade(revision=below)
            assert row_counts() == {}
            climb(names)
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, _: name != "apscheduler_jobs",
                })
                assert compare_metadata(context, db.metadata) == []
            db.session.remove()
            db.engine.dispose()
