"""The schema exists only through the migrations: they build it from nothing, match the
models, undo cleanly, and hold the invariants the database is trusted with."""

from datetime import datetime, timedelta

import pytest
import pytz
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError, IntegrityError

from p2p import create_app
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


def test_upgrade_from_empty_downgrade_to_base_and_up_again(tmp_path):
    # A database of its own, so the session's migrated one is left alone.
    with empty_database(tmp_path) as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            assert {"cases", "policies", "reservations", "appointments"} <= set(
                inspect(db.engine).get_table_names()
            )
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
            upgrade()
            db.engine.dispose()


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


def test_upgrade_keeps_existing_rows(tmp_path):
    """A later migration over a database in use: rows survive and the invariants still hold
    (SQLite batch mode rebuilds tables, which foreign keys would otherwise refuse)."""
    from sqlalchemy import text

    with empty_database(tmp_path) as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0003")
            db.session.execute(
                text(
                    "INSERT INTO reviewers VALUES ('r1', 'Dr. R', 'MD', '[]', '[\"X\"]', '[]', "
                    "'America/Chicago', '{}', true, '2026-11-24 00:00:00', '2026-11-24 00:00:00')"
                )
            )
            db.session.execute(text("INSERT INTO reviewer_case_types VALUES ('r1', 'X')"))
            db.session.execute(
                text(
                    "INSERT INTO reservations (reviewer_id, start_at, end_at, kind, created_at) "
                    "VALUES ('r1', '2026-11-25 15:00:00', '2026-11-25 15:15:00', 'appointment', "
                    "'2026-11-24 00:00:00')"
                )
            )
            db.session.commit()
            upgrade()
            assert db.session.execute(text("SELECT count(*) FROM reservations")).scalar() == 1
            assert db.session.get(Reviewer, "r1").feed_token_hash is None
            db.session.add(_reservation("r1", pytz.utc.localize(datetime(2026, 11, 25, 15, 10))))
            with pytest.raises(DBAPIError):
                db.session.commit()
            db.session.rollback()
            db.engine.dispose()
