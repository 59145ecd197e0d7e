"""SQLAlchemy tables. Only services import this module; the domain core never does.

The schema exists only through the Alembic migrations under `migrations/`.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from p2p.extensions import db
from p2p.timestamps import UTCDateTime

LINES_OF_BUSINESS = ("commercial", "medicare", "medicaid", "chip")
CASE_STATUSES = ("pended", "denied", "partially_approved", "approved", "withdrawn")
API_ROLES = ("portal", "admin")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ApiKey(db.Model):
    """A caller of the JSON API. Only the SHA-256 of the key is kept."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(_in("role", API_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Policy(db.Model):
    """A health plan's post-decision options for one line of business (API.md, Policies)."""

    __tablename__ = "policies"
    __table_args__ = (
        CheckConstraint(_in("line_of_business", LINES_OF_BUSINESS), name="line_of_business"),
    )

    health_plan: Mapped[str] = mapped_column(String(64), primary_key=True)
    line_of_business: Mapped[str] = mapped_column(String(20), primary_key=True)
    deadline_time_zone: Mapped[str] = mapped_column(String(64))
    reconsideration: Mapped[dict | None] = mapped_column(JSON)
    first_level_appeal: Mapped[dict | None] = mapped_column(JSON)
    second_level_appeal: Mapped[dict | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StateRule(db.Model):
    """What a member's state requires of the reviewer (TX: licence and specialty; OH: consent)."""

    __tablename__ = "state_rules"

    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    requires_state_license: Mapped[bool] = mapped_column(default=False)
    requires_same_specialty: Mapped[bool] = mapped_column(default=False)
    requires_member_consent: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Case(db.Model):
    """A prior-authorization case as the portal knows it. Member name and DOB are patient
    data: they never go to logs, URLs or calendar files."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint(_in("line_of_business", LINES_OF_BUSINESS), name="line_of_business"),
        Index("ix_cases_ordering_provider_npi", "ordering_provider_npi"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64), unique=True)
    episode_id: Mapped[str] = mapped_column(String(64))
    member_name: Mapped[str] = mapped_column(String(200))
    member_dob: Mapped[date]
    member_state: Mapped[str] = mapped_column(String(2))
    member_id: Mapped[str] = mapped_column(String(64))
    health_plan: Mapped[str] = mapped_column(String(64))
    line_of_business: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    determination_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    info_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    additional_info_received: Mapped[bool] = mapped_column(default=False)
    appeal_filed: Mapped[bool] = mapped_column(default=False)
    reconsideration_completed: Mapped[bool] = mapped_column(default=False)
    service_rendered: Mapped[bool] = mapped_column(default=False)
    case_type: Mapped[str] = mapped_column(String(100))
    specialty: Mapped[str] = mapped_column(String(100))
    ordering_provider_npi: Mapped[str] = mapped_column(String(10))
    ordering_provider_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:  # never print member data
        return f"<Case {self.case_ref} {self.status}>"
