"""Looking a case up by its reference and the member's date of birth, guarded against
guessing: after `MAX_WRONG` wrong dates of birth for one case reference within `WINDOW`,
lookups of it are locked for `LOCK` (429 with Retry-After), for every caller, worker and
instance (the count is a row of `lookup_locks`, taken under a row lock).

Each lookup first reserves its attempt, in a transaction of its own; only a reserved
attempt is compared. So however many requests race, at most `MAX_WRONG` guesses are ever
compared per window; a right answer clears the count. An unknown reference is counted like
a known one: the lock says nothing about which references exist.
"""

import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from p2p.database import retrying, transaction
from p2p.errors import RateLimited
from p2p.extensions import db
from p2p.models import Case, LookupLock
from p2p.services.callers import Caller

MAX_WRONG = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)


@dataclass(frozen=True)
class Attempt:
    case_ref: str
    number: int  # this attempt's place in the window, 1 ..


def reserve_attempt(case_ref: str, now: datetime) -> Attempt:
    """Count this lookup before it is compared, or refuse it while the case is locked."""

    def attempt() -> Attempt:
        with transaction():
            lock = db.session.scalars(
                select(LookupLock).where(LookupLock.case_ref == case_ref).with_for_update()
            ).first()
            if lock is None:
                lock = LookupLock(case_ref=case_ref, attempts=0, window_started_at=now)
                db.session.add(lock)
            if lock.locked_until is not None and lock.locked_until > now:
                raise _locked(lock.locked_until, now)
            if lock.locked_until is not None or lock.window_started_at + WINDOW <= now:
                lock.attempts, lock.window_started_at, lock.locked_until = 0, now, None
            lock.attempts += 1
            number = lock.attempts
            if number > MAX_WRONG:  # the guesses of this window are spent: lock now
                lock.locked_until = now + LOCK
        if number > MAX_WRONG:
            raise _locked(now + LOCK, now)
        return Attempt(case_ref, number)

    try:
        return retrying(attempt)
    except IntegrityError:  # another lookup created the row first: count on it
        db.session.rollback()
        return retrying(attempt)


def settle(attempt: Attempt, right: bool, now: datetime) -> None:
    """A right date of birth clears the count; the `MAX_WRONG`-th wrong one locks."""
    with transaction():
        if right:
            db.session.execute(delete(LookupLock).where(LookupLock.case_ref == attempt.case_ref))
        elif attempt.number >= MAX_WRONG:
            lock = db.session.get(LookupLock, attempt.case_ref, with_for_update=True)
            if lock is not None and lock.locked_until is None:
                lock.locked_until = now + LOCK


def find_by_member(
    case_ref: str, member_dob: date, now: datetime, caller: Caller | None = None
) -> Case | None:
    """The case, if the date of birth is its member's (and the caller may see it); None
    otherwise (unknown reference, another plan's case or a wrong date, alike). Raises
    RateLimited while the reference is locked."""
    attempt = reserve_attempt(case_ref, now)
    case = db.session.scalar(select(Case).where(Case.case_ref == case_ref))
    if case is not None and caller is not None and not caller.covers(case):
        case = None
    right = case is not None and hmac.compare_digest(
        case.member_dob.isoformat().encode(), member_dob.isoformat().encode()
    )
    settle(attempt, right, now)
    return case if right else None


def purge(now: datetime) -> int:
    """Forget counts whose window and lock are over (a job: unknown references would
    otherwise accumulate)."""
    with transaction():
        result = db.session.execute(
            delete(LookupLock).where(
                LookupLock.window_started_at <= now - WINDOW,
                (LookupLock.locked_until.is_(None)) | (LookupLock.locked_until <= now),
            )
        )
    return result.rowcount or 0


def _locked(until: datetime, now: datetime) -> RateLimited:
    minutes = int(LOCK.total_seconds() // 60)
    return RateLimited(
        f"Too many wrong dates of birth for this case: lookups of it are locked for "
        f"{minutes} minutes after the {MAX_WRONG}th wrong one. Check the date of birth "
        "and try again later.",
        retry_after=max(1, int((until - now).total_seconds())),
    )
