"""The unit of work: one transaction per use case, committed whole or rolled back whole, so
a refused request leaves nothing behind; SQLite's write lock retried; read-only requests
outside a transaction on PostgreSQL.

Below the services and the outbox alike: both write through it.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from p2p.extensions import db

SQLITE_RETRIES = 20
T = TypeVar("T")


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back: a refused request leaves nothing."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def retrying(use_case: Callable[[], T]) -> T:
    """Run a write use case (its own transaction), again if SQLite could not give it the
    write lock.

    SQLite lets one writer in at a time; a transaction that read before another one
    committed cannot write (SQLITE_BUSY, "database is locked") and must start over, reading
    the new state. PostgreSQL waits on row locks and constraints instead, so this never
    loops there.
    """
    for attempt in range(SQLITE_RETRIES):
        try:
            return use_case()
        except OperationalError as error:
            db.session.rollback()
            if "locked" not in str(error.orig) or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


def read_only_session() -> None:
    """Open the session's connection for a request that only reads: autocommit on
    PostgreSQL, which saves the BEGIN and ROLLBACK round trips (each read is then as current
    as in a READ COMMITTED transaction). To be called before the request's first statement;
    SQLite keeps its BEGIN IMMEDIATE (see extensions.py)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
