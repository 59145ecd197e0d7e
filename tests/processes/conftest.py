"""The process tests: the service's own processes (gunicorn workers, `flask p2p scheduler`)
killed, raced and run side by side, against PostgreSQL (and Redis for the shared limits).
They take tens of seconds, so they run as a step of their own (`make test-processes`, and
in `.ci/run`), not in `make test`; outside PostgreSQL they refuse to run rather than skip."""

import os

import pytest

from p2p.services import api_keys
from tests.conftest import FIXED_NOW


@pytest.fixture(scope="session", autouse=True)
def _postgresql():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        pytest.fail(
            "The process tests run against PostgreSQL: set DATABASE_URL=postgresql://... "
            "(make test-processes does)",
            pytrace=False,
        )


@pytest.fixture
def conninfo(migrated) -> str:
    """The test database, for psycopg."""
    return migrated.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def keys(app, runner):
    """`keys(name, role)`: a new API key (policies loaded first)."""
    assert runner.invoke(args=["p2p", "load-policies"]).exit_code == 0

    def make(name: str, role: str = "portal") -> str:
        with app.app_context():
            return api_keys.create_api_key(name, role, FIXED_NOW)

    return make
