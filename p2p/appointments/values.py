"""A booked P2P as plain values: what the use cases return, and what the calendar files,
the emails and the pages read. No member name or date of birth is ever on them: a case
appears by its reference, outcome and level of review only."""

from dataclasses import dataclass, fields
from datetime import date, datetime

from p2p.slots import slot_label
from p2p.vocabulary import CALL_NOTE_FLAGS


@dataclass(frozen=True, slots=True)
class ReviewerSummary:
    reviewer_id: str
    name: str
    credentials: str
    time_zone: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class CaseInCall:
    """A case discussed in the call, with its outcome for the call's time; `removed` when a
    case update took it out of the appointment."""

    case_ref: str
    outcome: str
    level_of_review: str | None
    removed: bool = False
    removed_reason: str | None = None
    decision: str | None = None  # what the held call decided for the case
    valid_until: datetime | None = None  # the case's outcome-changing window at the call


@dataclass(frozen=True, slots=True)
class RequestingProvider:
    npi: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Contact:
    """DOMAIN.md, Confirmation: who to call, where, and how to get through."""

    name: str
    location: str
    phone: str
    phone_ext: str | None = None
    alt_phone: str | None = None
    alt_phone_ext: str | None = None
    instructions: str = ""


@dataclass(frozen=True, slots=True)
class Performer:
    """Who performs the P2P on the provider's side: the requesting provider (name and
    credential), a contact person or someone else (first name, last name, location)."""

    kind: str
    name: str | None = None
    credential: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class CallNotes:
    """The seeds' call-note check boxes; `procedure_performed_on` is the date the box
    "Procedure was performed on <date>" asks for."""

    alt_rec_declined: bool = False
    procedure_performed: bool = False
    procedure_performed_on: date | None = None
    md_specialty_match_requested: bool = False
    appeal_lor_attestation: bool = False
    oh_member_consent: bool = False
    tx_license_waived: bool = False
    tx_specialty_waived: bool = False

    @property
    def checked(self) -> frozenset[str]:
        """The names of the boxes checked."""
        return frozenset(name for name in CALL_NOTE_FLAGS if getattr(self, name))

    def merged(self, changes: dict) -> "CallNotes":
        """These notes with some of them changed (a reschedule sends only what changes)."""
        known = {field.name for field in fields(self)}
        return CallNotes(**{**as_dict(self), **{k: v for k, v in changes.items() if k in known}})


def as_dict(value) -> dict:
    """A dataclass of this module as a plain dict (shallow), for storage."""
    return {field.name: getattr(value, field.name) for field in fields(value)}


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """What the reviewer recorded after the call (API.md, Call outcomes): `result` held,
    provider_not_reached or reviewer_unavailable; the decision of each case is on the case."""

    result: str
    note: str | None
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True, slots=True)
class Appointment:
    """A P2P appointment. `start`/`end` are aware instants; `time_zone` is the provider's
    (their labels and calendar file), the reviewer's own is on `reviewer`."""

    id: str
    status: str
    start: datetime
    end: datetime
    time_zone: str
    sequence: int
    reviewer: ReviewerSummary
    cases: tuple[CaseInCall, ...]
    requesting_provider: RequestingProvider
    contact: Contact
    performer: Performer
    call_notes: CallNotes
    acknowledge_consultative_only: bool
    cancel_reason: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    outcome: CallOutcome | None = None

    @property
    def label(self) -> str:
        """"Mon 11/23/26 3:15 pm PST": the start as the provider reads it."""
        return slot_label(self.start, self.time_zone)

    @property
    def in_call(self) -> tuple[CaseInCall, ...]:
        """The cases still discussed (all of them when a case update took every one out, so
        that a cancelled entry still says what it was for)."""
        return tuple(case for case in self.cases if not case.removed) or self.cases


@dataclass(frozen=True, slots=True)
class HeldTime:
    """A hold (API.md, Holds): the time kept for one caller until `expires_at`, and the call
    notes a booking of it will need (a state's rule the reviewer does not meet, consent)."""

    id: str
    reviewer_id: str
    case_refs: tuple[str, ...]
    start: datetime
    end: datetime
    time_zone: str
    expires_at: datetime
    required_call_notes: tuple[str, ...] = ()
    consultative_only_case_refs: tuple[str, ...] = ()
    reviewer: ReviewerSummary | None = None
    live: bool = True  # False once it expired, was used or released

    @property
    def label(self) -> str:
        return slot_label(self.start, self.time_zone)
