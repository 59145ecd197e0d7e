"""Use cases. The only callers of the database; the API and the pages call these."""

from collections.abc import Iterator
from contextlib import contextmanager

from p2p.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back: a refused request leaves nothing."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def read_only_session() -> None:
    """Open the session's connection for a request that only reads: autocommit on
    PostgreSQL, which saves the BEGIN and ROLLBACK round trips (each read is then as current
    as in a READ COMMITTED transaction). To be called before the request's first statement;
    SQLite keeps its BEGIN IMMEDIATE (see extensions.py)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
