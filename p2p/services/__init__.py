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
