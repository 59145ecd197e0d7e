"""Instants are stored in UTC and come back aware, on SQLite and PostgreSQL alike."""

from datetime import datetime

import pytz
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import BigInteger, DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant stored as naive UTC.

    SQLite keeps no offset and PostgreSQL's `timestamptz` returns the session zone; storing
    naive UTC and re-attaching UTC on the way out gives the same aware value from both.
    Naive datetimes are refused: a time without an offset is a bug, never a guess.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(pytz.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return pytz.utc.localize(value)


def utc(value: datetime) -> datetime:
    """The same instant, in UTC."""
    return value.astimezone(pytz.utc)


class epoch_seconds(FunctionElement):  # noqa: N801 (reads as the SQL function it is)
    """POSIX seconds of a UTC column, computed by the database: a hot path that reads
    hundreds of bookings gets integers, not datetimes to convert one by one."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw) -> str:
    # EXTRACT(EPOCH ...) of a timestamp without time zone counts it as UTC, which it is here.
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"
