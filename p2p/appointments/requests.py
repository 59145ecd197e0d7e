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
