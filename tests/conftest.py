"""Every test gets an app from the factory over a database built by the migrations.

SQLite (a file in a temporary folder) by default; when `DATABASE_URL` names a PostgreSQL
server, a throwaway database is created on it for the session and dropped afterwards.
"""

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
import pytz
from flask_migrate import upgrade
from sqlalchemy import delete
from sqlalchemy.engine import make_url

from p2p import create_app
from p2p.config import database_uri
from p2p.extensions import db
from p2p.models import StateRule
from p2p.services import api_keys
from p2p.slots import DEFAULT_STATE_RULES

FIXED_NOW = pytz.utc.localize(datetime(2026, 11, 24, 15, 0))


@contextlib.contextmanager
def empty_database(sqlite_folder) -> Iterator[str]:
    """A new, empty database: a SQLite file, or one on the PostgreSQL server that
    `DATABASE_URL` names (dropped afterwards)."""
    if not os.environ.get("DATABASE_URL"):
        yield "sqlite:///" + str(sqlite_folder / f"{uuid.uuid4().hex}.sqlite3")
        return
    import psycopg

    url = make_url(database_uri(""))
    name = f"p2p_test_{uuid.uuid4().hex[:12]}"
    server = url.set(drivername="postgresql", database="postgres")
    conninfo = server.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def migrated(database_url):
    app = create_app(_test_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


# Tests send bursts no single caller would: the abuse limits are raised, except where a
# test sets its own (tests/integration/test_abuse_limits.py).
GENEROUS_LIMITS = {
    kind: "100000 per minute" for kind in ("availability", "holds", "bookings", "sign_in")
}


def _test_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "P2P_CLOCK": lambda: FIXED_NOW,
        "P2P_RATE_LIMITS": GENEROUS_LIMITS,
    }


@pytest.fixture
def app(migrated):
    app = create_app(_test_config(migrated))
    yield app
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        # Back to what the migrations leave: the state rules the law requires.
        db.session.add_all(
            StateRule(
                state=rule.state,
                requires_state_license=rule.requires_state_license,
                requires_same_specialty=rule.requires_same_specialty,
                requires_member_consent=rule.requires_member_consent,
                source="tests: as migration 0007 leaves them",
                updated_at=FIXED_NOW,
            )
            for rule in DEFAULT_STATE_RULES
        )
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _key(app, name: str, role: str) -> dict:
    with app.app_context():
        key = api_keys.create_api_key(name, role, FIXED_NOW)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def portal(app):
    """Headers of a portal caller."""
    return _key(app, "test-portal", "portal")


@pytest.fixture
def admin(app):
    """Headers of an admin caller."""
    return _key(app, "test-admin", "admin")
