"""SQLAlchemy tables. Only services import this module; the domain core never does.

The schema exists only through the Alembic migrations under `migrations/`.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2p.extensions import db
from p2p.timestamps import UTCDateTime
from p2p.vocabulary import (
    APPOINTMENT_STATUSES,
    CALL_RESULTS,
    CASE_STATUSES,
    DECISIONS,
    LINES_OF_BUSINESS,
    MISSED,
    WAITLIST_STATUSES,
)

API_ROLES = ("portal", "admin")
RESERVATION_KINDS = ("appointment", "hold")
MAX_RESERVATION = timedelta(days=1)  # enforced by the database (migration 0005)


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
    # The health plans whose cases and appointments this key may see and change; None:
    # every plan (the UM company's own portal).
    health_plans: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LookupLock(db.Model):
    """The wrong dates of birth tried for one case reference (known or not, so that the
    lock itself tells nothing), counted in the database so that every worker and instance
    sees the same count (p2p/services/lookups.py)."""

    __tablename__ = "lookup_locks"

    case_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


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


class Reviewer(db.Model):
    """A medical director. `weekly_hours` are wall-clock times in the reviewer's own zone:
    {"mon": [["08:00", "12:00"], ...], ...}; days left out are not worked."""

    __tablename__ = "reviewers"

    reviewer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credentials: Mapped[str] = mapped_column(String(50))
    specialties: Mapped[list] = mapped_column(JSON)
    case_types: Mapped[list] = mapped_column(JSON)
    licensed_states: Mapped[list] = mapped_column(JSON)
    time_zone: Mapped[str] = mapped_column(String(64))
    weekly_hours: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    # SHA-256 of the secret in the reviewer's calendar subscription URL (rotatable).
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    trained_for: Mapped[list["ReviewerCaseType"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ReviewerCaseType(db.Model):
    """The case types a reviewer is trained for, as rows, for ad-hoc SQL by case type (nothing
    in the service reads them now). Kept in step with `Reviewer.case_types` by the reviewer
    service. The slot search picks trained reviewers from its process's registry copy
    (p2p/services/reference.py)."""

    __tablename__ = "reviewer_case_types"
    __table_args__ = (Index("ix_reviewer_case_types_case_type", "case_type", "reviewer_id"),)

    reviewer_id: Mapped[str] = mapped_column(
        ForeignKey("reviewers.reviewer_id", ondelete="CASCADE"), primary_key=True
    )
    case_type: Mapped[str] = mapped_column(String(100), primary_key=True)


class TimeOff(db.Model):
    __tablename__ = "reviewer_time_off"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_reviewer_time_off_reviewer_end", "reviewer_id", "end_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("reviewers.reviewer_id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reservation(db.Model):
    """A reviewer's time taken, by an appointment or a hold.

    The one table the no-overlap invariant lives on, in the database itself: an exclusion
    constraint on PostgreSQL, triggers on SQLite (migration 0002). Cancelling an appointment
    deletes its reservation, which frees the time; an expired hold's reservation is deleted
    before any reservation that needs its time. None lasts longer than `MAX_RESERVATION`
    (migration 0005), so a window's reservations are an index range on (reviewer_id,
    start_at).
    """

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint(_in("kind", RESERVATION_KINDS), name="kind"),
        CheckConstraint("(kind = 'hold') = (expires_at IS NOT NULL)", name="holds_expire"),
        # INCLUDE on PostgreSQL: a window's reservations are read from the index alone.
        Index(
            "ix_reservations_reviewer_start",
            "reviewer_id",
            "start_at",
            postgresql_include=["end_at", "expires_at"],
        ),
        Index("ix_reservations_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("reviewers.reviewer_id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    # Holds only: when the time frees itself.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


HOLD_ENDINGS = ("booked", "released", "expired")


class Hold(db.Model):
    """A time kept for one caller's booking while the form is filled in (API.md, Holds).
    Its id is an opaque random string; the time itself is its reservation, deleted when the
    hold ends. The row stays (with how it ended), so that a booking carrying an expired
    hold's id goes on as if it had none, while an id never handed out is refused."""

    __tablename__ = "holds"
    __table_args__ = (
        CheckConstraint(
            f"ended IS NULL OR ended IN ({', '.join(repr(e) for e in HOLD_ENDINGS)})",
            name="ended",
        ),
        Index("ix_holds_live_expires", "ended", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("reviewers.reviewer_id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    case_refs: Mapped[list] = mapped_column(JSON)
    time_zone: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended: Mapped[str | None] = mapped_column(String(10))

    reservation: Mapped[Reservation | None] = relationship()
    reviewer: Mapped["Reviewer"] = relationship()


class Appointment(db.Model):
    """A booked P2P. Its times stay after cancellation (for history); its reservation does not."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(_in("status", APPOINTMENT_STATUSES), name="status"),
        CheckConstraint(
            f"outcome_result IS NULL OR {_in('outcome_result', CALL_RESULTS)}",
            name="outcome_result",
        ),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_appointments_reviewer_start", "reviewer_id", "start_at"),
        Index("ix_appointments_start_status_id", "start_at", "status", "id"),  # the report
        Index("ix_appointments_requesting_provider_npi", "requesting_provider_npi"),
        Index("ix_appointments_status_start", "status", "start_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("reviewers.reviewer_id"))
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="SET NULL"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    time_zone: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(default=0)
    requesting_provider_npi: Mapped[str] = mapped_column(String(10))
    requesting_provider_name: Mapped[str] = mapped_column(String(200))
    requesting_provider_email: Mapped[str] = mapped_column(String(254))
    contact: Mapped[dict] = mapped_column(JSON)
    performer: Mapped[dict] = mapped_column(JSON)
    call_notes: Mapped[dict] = mapped_column(JSON)
    acknowledge_consultative_only: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The call's outcome (API.md, Call outcomes), once recorded.
    outcome_result: Mapped[str | None] = mapped_column(String(30))
    outcome_note: Mapped[str | None] = mapped_column(String(2000))
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome_recorded_by: Mapped[str | None] = mapped_column(String(100))

    reviewer: Mapped[Reviewer] = relationship(lazy="joined")
    reservation: Mapped[Reservation | None] = relationship()
    cases: Mapped[list["AppointmentCase"]] = relationship(
        order_by="AppointmentCase.position", cascade="all, delete-orphan", lazy="selectin"
    )


class AppointmentCase(db.Model):
    """A case discussed in an appointment, with its outcome for that appointment's time."""

    __tablename__ = "appointment_cases"

    appointment_id: Mapped[str] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(20))
    level_of_review: Mapped[str | None] = mapped_column(String(40))
    # Set when a case update takes the case out of the appointment (issue 4, item 8).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_reason: Mapped[str | None] = mapped_column(String(500))
    # What the held call decided for this case.
    decision: Mapped[str | None] = mapped_column(String(30))
    # The call's facts the operations report counts, fixed when it is booked or moved: the
    # case's outcome-changing window then, and whether the reviewer matched the case.
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    same_specialty: Mapped[bool | None] = mapped_column()
    in_state: Mapped[bool | None] = mapped_column()

    case: Mapped[Case] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(f"decision IS NULL OR {_in('decision', DECISIONS)}", name="decision"),
    )


class AppointmentEvent(db.Model):
    """The audit trail: every create, reschedule, cancel and case change, with who did it,
    when, and the appointment before and after (no member data: case references only)."""

    __tablename__ = "appointment_events"
    __table_args__ = (Index("ix_appointment_events_appointment", "appointment_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[str] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class MissedCall(db.Model):
    """A missed call (either side) of an appointment that was then rebooked: the
    appointment moved on to its new time, the miss stays counted where it happened (the
    operations report counts calls, this one among them)."""

    __tablename__ = "missed_calls"
    __table_args__ = (
        CheckConstraint(_in("result", MISSED), name="result"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_missed_calls_start", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[str] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"))
    reviewer_id: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    result: Mapped[str] = mapped_column(String(30))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rebooked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdempotencyKey(db.Model):
    """An `Idempotency-Key` a caller used, with a digest of the request it came with and
    the appointment it made: the same key and body answers that appointment again, never a
    second booking."""

    __tablename__ = "idempotency_keys"

    caller: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    appointment_id: Mapped[str] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


OUTBOX_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    """An email to send, written in the same transaction as the change it tells of, and
    delivered (with retries and backoff) by the scheduler process."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One message per (appointment, sequence, purpose, recipient): enqueuing twice is a no-op.
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    appointment_id: Mapped[str | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SchedulerLease(db.Model):
    """Who runs the background jobs: one row per lease name, renewed by the holder.
    A second `flask p2p scheduler` waits until the lease is free (see p2p/jobs.py)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReferenceVersion(db.Model):
    """A version per kind of reference data ('reviewers', 'policies', 'api_keys'): a random
    number the database's triggers draw on every write to its tables (migrations 0005 and
    0006). A process's copy of that data is current while the version it was read at is
    (p2p/services/reference.py)."""

    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


SIGN_IN_KINDS = ("provider", "reviewer", "staff")


class SignInLink(db.Model):
    """A single-use sign-in link (p2p/services/sign_in.py): only its token's SHA-256."""

    __tablename__ = "sign_in_links"
    __table_args__ = (
        CheckConstraint(_in("kind", SIGN_IN_KINDS), name="kind"),
        Index("ix_sign_in_links_expires_at", "expires_at"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    npi: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    case_refs: Mapped[list | None] = mapped_column(JSON)
    reviewer_id: Mapped[str | None] = mapped_column(
        ForeignKey("reviewers.reviewer_id", ondelete="CASCADE")
    )
    appointment_id: Mapped[str | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE")
    )
    hold_id: Mapped[str | None] = mapped_column(String(40))  # opens on a waitlist offer
    health_plans: Mapped[list | None] = mapped_column(JSON)
    issued_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(db.Model):
    """A signed-in page session: the identity the pages' authorization rests on, and the
    provider's working state. The cookie holds the token; the row is found by its hash."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        CheckConstraint(_in("kind", SIGN_IN_KINDS), name="kind"),
        Index("ix_web_sessions_expires_at", "expires_at"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    npi: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    reviewer_id: Mapped[str | None] = mapped_column(
        ForeignKey("reviewers.reviewer_id", ondelete="CASCADE")
    )
    health_plans: Mapped[list | None] = mapped_column(JSON)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    case_refs: Mapped[list] = mapped_column(JSON, default=list)
    opens_appointment_id: Mapped[str | None] = mapped_column(String(40))
    opens_hold_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WaitlistEntry(db.Model):
    """A provider waiting for an earlier time for these cases (API.md, Earlier-slot
    waitlist): served in the order they joined (`position`)."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint(_in("status", WAITLIST_STATUSES), name="status"),
        Index("ix_waitlist_entries_status_position", "status", "position"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    caller: Mapped[str] = mapped_column(String(100))  # who joined: the holder of its offers
    health_plans: Mapped[list | None] = mapped_column(JSON)
    case_refs: Mapped[list] = mapped_column(JSON)
    npi: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(254))
    time_zone: Mapped[str] = mapped_column(String(64))
    days: Mapped[list] = mapped_column(JSON)
    hours: Mapped[list] = mapped_column(JSON)
    before: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    position: Mapped[int] = mapped_column(unique=True)

    offers: Mapped[list["WaitlistOffer"]] = relationship(
        order_by="WaitlistOffer.id", cascade="all, delete-orphan", lazy="selectin"
    )


WAITLIST_OFFER_STATUSES = ("held", "booked", "expired", "released")


class WaitlistOffer(db.Model):
    """A time offered to an entry: held for it (`hold_id`) from the moment it was freed."""

    __tablename__ = "waitlist_offers"
    __table_args__ = (
        CheckConstraint(_in("status", WAITLIST_OFFER_STATUSES), name="status"),
        UniqueConstraint("entry_id", "reviewer_id", "start_at"),
        Index("ix_waitlist_offers_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"))
    hold_id: Mapped[str | None] = mapped_column(ForeignKey("holds.id", ondelete="SET NULL"))
    reviewer_id: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
