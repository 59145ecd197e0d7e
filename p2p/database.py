"""The unit of work: one transaction per use case, committed whole or rolled back whole, so
a refused request leaves nothing behind; SQLite's write lock retried; read-only requests
outside a transaction on PostgreSQL.

Below the services and the outbox alike: both write through it.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError

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


def retrying(use_case: Callable[[], T], also: Callable[[Exception], bool] | None = None) -> T:
    """Run a write use case (its own transaction), again when the database asks for that.

    SQLite lets one writer in at a time; a transaction that read before another one
    committed cannot write (SQLITE_BUSY, "database is locked") and must start over, reading
    the new state. PostgreSQL waits on row locks and constraints instead; it asks for a
    retry only when it broke a deadlock (SQLSTATE 40P01) or could not serialize (40001).
    `also`: an IntegrityError the use case knows is worth another try (a unique number two
    transactions both took).
    """
    for attempt in range(SQLITE_RETRIES):
        try:
            return use_case()
        except OperationalError as error:
            db.session.rollback()
            if not _asks_for_retry(error) or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
        except IntegrityError as error:
            db.session.rollback()
            if also is None or not also(error) or attempt == SQLITE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


RETRY_SQLSTATES = ("40P01", "40001")  # deadlock detected, serialization failure


def _asks_for_retry(error: OperationalError) -> bool:
    if getattr(error.orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    # SQLite: "database is locked", "database table is locked".
    return "is locked" in str(error.orig)


def read_only_session() -> None:
    """Open the session's connection for a request that only reads: autocommit on
    PostgreSQL, which saves the BEGIN and ROLLBACK round trips (each read is then as current
    as in a READ COMMITTED transaction). To be called before the request's first statement;
    SQLite keeps its BEGIN IMMEDIATE (see extensions.py)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
