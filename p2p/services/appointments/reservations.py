"""The reservations table: a reviewer's time taken by an appointment or a hold, and the one
place the no-overlap invariant lives (an exclusion constraint on PostgreSQL, triggers on
SQLite: migration 0002). Two requests racing for one time give one reservation and one
409, whatever the Python check saw before.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from p2p.database import retrying
from p2p.errors import SlotUnavailable
from p2p.extensions import db
from p2p.models import Reservation

TAKEN = "The reviewer is already booked or held at that time."
T = TypeVar("T")


def taking_time(use_case: Callable[[], T]) -> T:
    """Run a use case that takes a reviewer's time (its own transaction): retried while
    SQLite is locked, and the database's refusal of an overlap answered as 409
    slot_unavailable."""
    try:
        return retrying(use_case)
    except IntegrityError as error:
        if is_overlap(error):
            raise SlotUnavailable(TAKEN) from error
        raise


def is_overlap(error: IntegrityError) -> bool:
    # The SQLite trigger's message and the PostgreSQL constraint's name both contain it.
    return "reservations_no_overlap" in str(error.orig)


def reserve(reviewer_id: str, start: datetime, end: datetime, now: datetime, *,
            expires_at: datetime | None = None) -> Reservation:
    """A new reservation (a hold's when it expires), added to the session: the database
    checks it for overlaps when it is flushed."""
    reservation = Reservation(
        reviewer_id=reviewer_id,
        start_at=start,
        end_at=end,
        kind="hold" if expires_at else "appointment",
        expires_at=expires_at,
        created_at=now,
    )
    db.session.add(reservation)
    return reservation
