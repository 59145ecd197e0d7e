"""What a caller asks of the appointment use cases, as plain values (the API's schemas and
the pages' forms load into these; the use cases never see a request's JSON)."""

from dataclasses import dataclass, field
from datetime import datetime

from p2p.appointments.values import CallNotes, Contact, Performer, RequestingProvider


@dataclass(frozen=True, slots=True)
class BookingRequest:
    case_refs: tuple[str, ...]
    reviewer_id: str
    start: datetime
    time_zone: str  # the provider's
    requesting_provider: RequestingProvider
    contact: Contact
    performer: Performer
    call_notes: CallNotes = field(default_factory=CallNotes)
    acknowledge_consultative_only: bool = False
    hold_id: str | None = None


@dataclass(frozen=True, slots=True)
class RescheduleRequest:
    """A new start, maybe another reviewer; `call_notes` holds only the notes that change."""

    start: datetime
    reviewer_id: str | None = None
    acknowledge_consultative_only: bool = False
    call_notes: dict = field(default_factory=dict)
    hold_id: str | None = None


@dataclass(frozen=True, slots=True)
class HoldRequest:
    case_refs: tuple[str, ...]
    reviewer_id: str
    start: datetime
    time_zone: str


@dataclass(frozen=True, slots=True)
class OutcomeRequest:
    """A call's outcome (API.md, Call outcomes): `decisions` is (case_ref, decision) for
    each case of a held call, empty for a miss."""

    result: str
    decisions: tuple[tuple[str, str], ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class WaitlistRequest:
    """Joining the earlier-slot waitlist: the cases, who to tell, the same preferences as the
    search, and until when an earlier time is worth having (None: the earliest deadline)."""

    case_refs: tuple[str, ...]
    npi: str
    email: str
    time_zone: str
    days: tuple[int, ...]
    hours: tuple[int, ...]
    before: datetime | None = None
