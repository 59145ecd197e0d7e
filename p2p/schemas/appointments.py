"""Appointments (API.md, Appointments): what the portal sends to book, and what it gets back."""

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from p2p.appointments.requests import (
    BookingRequest,
    HoldRequest,
    OutcomeRequest,
    RescheduleRequest,
)
from p2p.appointments.values import CallNotes, Contact, Performer, RequestingProvider
from p2p.context import ics_url
from p2p.schemas.cases import CASE_REF
from p2p.schemas.fields import (
    Day,
    EmailAddress,
    Flag,
    Instant,
    Npi,
    ProviderTime,
    Text,
    TimeZone,
    text,
)
from p2p.schemas.reviewers import REVIEWER_ID
from p2p.vocabulary import (
    APPOINTMENT_STATUSES,
    CALL_RESULTS,
    DECISIONS,
    OUTCOMES,
    PERFORMER_KINDS,
    REQUESTING_PROVIDER,
)

PHONE = validate.Regexp(
    r"^[0-9()+.\- ]{7,25}$", error="A phone number: digits, spaces, ( ) + - . (7 to 25)."
)
HOLD_ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$", error="Not a hold id.")
EXTENSION = validate.Regexp(r"^[0-9]{1,10}$", error="Up to 10 digits.")


class ReviewerSummarySchema(Schema):
    reviewer_id = Text()
    name = Text()
    credentials = Text()
    time_zone = Text(metadata={"description": "The reviewer's own zone."})


class AppointmentCaseSchema(Schema):
    case_ref = Text()
    outcome = Text(metadata={"enum": list(OUTCOMES)})
    level_of_review = Text(allow_none=True)
    removed = Flag(
        metadata={"description": "True when a case update took the case out of the call."}
    )
    removed_reason = Text(allow_none=True)
    decision = Text(
        allow_none=True,
        metadata={"enum": list(DECISIONS), "description": "What the held call decided."},
    )


class RequestingProviderOutSchema(Schema):
    npi = Text()
    name = Text()
    email = Text()


class ContactOutSchema(Schema):
    name = Text()
    location = Text()
    phone = Text()
    phone_ext = Text(allow_none=True)
    alt_phone = Text(allow_none=True)
    alt_phone_ext = Text(allow_none=True)
    instructions = Text(multiline=True)  # as the booking takes them


class PerformerOutSchema(Schema):
    kind = Text(metadata={"enum": list(PERFORMER_KINDS)})
    name = Text(allow_none=True)
    credential = Text(allow_none=True)
    first_name = Text(allow_none=True)
    last_name = Text(allow_none=True)
    location = Text(allow_none=True)


class CallNotesOutSchema(Schema):
    alt_rec_declined = Flag()
    procedure_performed = Flag()
    procedure_performed_on = fields.Date(allow_none=True)
    md_specialty_match_requested = Flag()
    appeal_lor_attestation = Flag()
    oh_member_consent = Flag()
    tx_license_waived = Flag()
    tx_specialty_waived = Flag()


class AppointmentSchema(Schema):
    """An appointment as the API returns it. Times carry the provider's zone's offset."""

    id = Text()
    status = Text(metadata={"enum": list(APPOINTMENT_STATUSES)})
    start = ProviderTime()
    end = ProviderTime()
    label = Text(metadata={"example": "Mon 11/23/26 3:15 pm PST"})
    time_zone = Text()
    reviewer = fields.Nested(ReviewerSummarySchema)
    cases = fields.List(fields.Nested(AppointmentCaseSchema))
    sequence = fields.Integer()
    ics_url = fields.Function(
        lambda appointment: ics_url(appointment.id),
        metadata={"description": "The appointment's calendar file (text/calendar)."},
    )
    requesting_provider = fields.Nested(RequestingProviderOutSchema)
    contact = fields.Nested(ContactOutSchema)
    performer = fields.Nested(PerformerOutSchema)
    call_notes = fields.Nested(CallNotesOutSchema)
    acknowledge_consultative_only = Flag()
    cancel_reason = Text(allow_none=True, multiline=True)  # as CancelSchema takes it
    outcome = fields.Method(
        "_outcome",
        metadata={"description": "The call's outcome once recorded (null before)."},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _outcome(self, appointment) -> dict | None:
        recorded = appointment.outcome
        if recorded is None:
            return None
        return {
            "result": recorded.result,
            "cases": [
                {"case_ref": case.case_ref, "decision": case.decision}
                for case in appointment.cases if case.decision
            ],
            "note": recorded.note,
            "recorded_at": recorded.recorded_at.isoformat(),
            "recorded_by": recorded.recorded_by,
        }


class AppointmentListSchema(Schema):
    appointments = fields.List(fields.Nested(AppointmentSchema))


# Requests ------------------------------------------------------------------------------------



class RequestingProviderSchema(Schema):
    npi = Npi(required=True)
    name = text(200)
    email = EmailAddress(required=True, validate=validate.Length(max=254))

    @post_load
    def _value(self, data: dict, **_) -> RequestingProvider:
        return RequestingProvider(**data)


class ContactSchema(Schema):
    name = text(200)
    location = text(200, metadata={"example": "Provider Office"})
    phone = Text(required=True, validate=PHONE)
    phone_ext = Text(load_default=None, allow_none=True, validate=EXTENSION)
    alt_phone = Text(load_default=None, allow_none=True, validate=PHONE)
    alt_phone_ext = Text(load_default=None, allow_none=True, validate=EXTENSION)
    instructions = Text(
        multiline=True,
        load_default="",
        validate=validate.Length(max=500),
        metadata={"example": "Select option 4, ask for Dr. Doe"},
    )

    @post_load
    def _value(self, data: dict, **_) -> Contact:
        return Contact(**data)


class PerformerSchema(Schema):
    """Who will perform the P2P: the requesting provider (name and credential) or a contact
    person / someone else (first name, last name, location)."""

    kind = Text(required=True, validate=validate.OneOf(PERFORMER_KINDS))
    name = Text(load_default=None, validate=validate.Length(min=1, max=200))
    credential = Text(load_default=None, validate=validate.Length(min=1, max=50))
    first_name = Text(load_default=None, validate=validate.Length(min=1, max=100))
    last_name = Text(load_default=None, validate=validate.Length(min=1, max=100))
    location = Text(load_default=None, validate=validate.Length(min=1, max=200))

    @validates_schema
    def _fields_for_kind(self, data: dict, **_):
        if missing := self.missing_for_kind(data):
            raise ValidationError(missing)

    @staticmethod
    def missing_for_kind(data: dict) -> dict[str, list[str]]:
        """The fields the performer's kind needs and `data` lacks (a form also asks this
        when other fields of the performer are wrong, to report everything in one pass)."""
        needed = (
            ("name", "credential")
            if data.get("kind") == REQUESTING_PROVIDER
            else ("first_name", "last_name", "location")
        )
        return {name: ["Required for this performer."] for name in needed if not data.get(name)}

    @post_load
    def _value(self, data: dict, **_) -> Performer:
        return Performer(**data)


# The OpenAPI description of `performer`: one of the two shapes `_fields_for_kind` accepts
# (`p2p.api` documents `Performer` as their oneOf). Documentation only: requests are read
# by PerformerSchema.
class RequestingProviderPerformerSchema(PerformerSchema):
    """The requesting provider performs the P2P: `name` and `credential` are required."""

    kind = Text(required=True, validate=validate.OneOf([REQUESTING_PROVIDER]))
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    credential = Text(required=True, validate=validate.Length(min=1, max=50))


class OtherPerformerSchema(PerformerSchema):
    """A contact person or someone else performs the P2P: `first_name`, `last_name` and
    `location` are required."""

    kind = Text(
        required=True,
        validate=validate.OneOf([kind for kind in PERFORMER_KINDS if kind != REQUESTING_PROVIDER]),
    )
    first_name = Text(required=True, validate=validate.Length(min=1, max=100))
    last_name = Text(required=True, validate=validate.Length(min=1, max=100))
    location = Text(required=True, validate=validate.Length(min=1, max=200))


class CallNotesSchema(Schema):
    alt_rec_declined = Flag(load_default=False)
    procedure_performed_on = Day(load_default=None, allow_none=True)
    procedure_performed = Flag(
        load_default=False,
        metadata={"description": "Checked: procedure_performed_on is then required."},
    )
    md_specialty_match_requested = Flag(load_default=False)
    appeal_lor_attestation = Flag(load_default=False)
    oh_member_consent = Flag(load_default=False)
    tx_license_waived = Flag(load_default=False)
    tx_specialty_waived = Flag(load_default=False)

    @validates_schema
    def _date_when_checked(self, data: dict, **_):
        if data.get("procedure_performed") and not data.get("procedure_performed_on"):
            raise ValidationError(
                "The date is required when the procedure was performed.",
                field_name="procedure_performed_on",
            )

    @post_load
    def _value(self, data: dict, **_) -> CallNotes:
        return CallNotes(**data)


class CallNotesChangeSchema(Schema):
    """Rescheduling: only the notes sent change; the others stay as they were booked."""

    alt_rec_declined = Flag()
    procedure_performed_on = Day(allow_none=True)
    procedure_performed = Flag()
    md_specialty_match_requested = Flag()
    appeal_lor_attestation = Flag()
    oh_member_consent = Flag()
    tx_license_waived = Flag()
    tx_specialty_waived = Flag()


def _call_notes_default() -> CallNotes:
    return CallNotes()


class BookingSchema(Schema):
    """The body of `POST /api/v1/appointments`."""

    case_refs = fields.List(
        Text(validate=CASE_REF), required=True, validate=validate.Length(min=1, max=10),
        metadata={"uniqueItems": True},
    )
    reviewer_id = Text(required=True, validate=REVIEWER_ID)
    start = Instant(required=True)
    time_zone = TimeZone(required=True)
    requesting_provider = fields.Nested(RequestingProviderSchema, required=True)
    contact = fields.Nested(ContactSchema, required=True)
    performer = fields.Nested(PerformerSchema, required=True)
    call_notes = fields.Nested(CallNotesSchema, load_default=_call_notes_default)
    acknowledge_consultative_only = Flag(load_default=False)
    hold_id = Text(
        load_default=None,
        allow_none=True,
        validate=HOLD_ID,
        metadata={"description": "The id of the caller's hold on this time (POST /holds)."},
    )

    @validates("case_refs")
    def _distinct(self, value: list[str], **_):
        if len(set(value)) != len(value):
            raise ValidationError("A case appears twice.")

    @post_load
    def _value(self, data: dict, **_) -> BookingRequest:
        return BookingRequest(**{**data, "case_refs": tuple(data["case_refs"])})


class RescheduleSchema(Schema):
    """`POST /api/v1/appointments/{id}/reschedule`: a new start, optionally another reviewer;
    the same rules as booking (acknowledgements included)."""

    start = Instant(required=True)
    reviewer_id = Text(load_default=None, allow_none=True, validate=REVIEWER_ID)
    acknowledge_consultative_only = Flag(load_default=False)
    call_notes = fields.Nested(CallNotesChangeSchema, load_default=dict, allow_none=True)
    hold_id = Text(load_default=None, allow_none=True, validate=HOLD_ID)

    @post_load
    def _value(self, data: dict, **_) -> RescheduleRequest:
        return RescheduleRequest(**{**data, "call_notes": data["call_notes"] or {}})


class AppointmentIdSchema(Schema):
    """The path's `{appointment_id}` (documentation: another value answers 404)."""

    appointment_id = fields.String(
        required=True, validate=validate.Regexp(r"^[0-9a-f]{32}$", error="Not an appointment id.")
    )


class CancelSchema(Schema):
    reason = Text(required=True, multiline=True, validate=validate.Length(min=1, max=500))


class AppointmentQuerySchema(Schema):
    npi = Npi(required=True, metadata={"description": "The requesting provider's NPI."})


class HoldSchema(Schema):
    """`POST /api/v1/holds`: keep a time for this booking while the form is filled in."""

    case_refs = fields.List(
        Text(validate=CASE_REF), required=True, validate=validate.Length(min=1, max=10),
        metadata={"uniqueItems": True},
    )
    reviewer_id = Text(required=True, validate=REVIEWER_ID)
    start = Instant(required=True)
    time_zone = TimeZone(required=True)

    @validates("case_refs")
    def _distinct(self, value: list[str], **_):
        if len(set(value)) != len(value):
            raise ValidationError("A case appears twice.")

    @post_load
    def _value(self, data: dict, **_) -> HoldRequest:
        return HoldRequest(**{**data, "case_refs": tuple(data["case_refs"])})


class StoredHoldSchema(Schema):
    id = Text(metadata={"description": "Opaque; only the caller that holds it uses it."})
    reviewer_id = Text()
    case_refs = fields.List(Text())
    start = ProviderTime()
    end = ProviderTime()
    expires_at = fields.DateTime()
    required_call_notes = fields.List(
        Text(),
        metadata={"description": "The call notes a booking of this time must carry."},
    )


class HoldIdSchema(Schema):
    hold_id = Text(required=True, validate=HOLD_ID)


class HistoryEventSchema(Schema):
    action = Text()
    actor = Text()
    at = fields.DateTime()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class HistorySchema(Schema):
    appointment_id = Text()
    events = fields.List(fields.Nested(HistoryEventSchema))


class FeedUrlSchema(Schema):
    url = Text(
        metadata={
            "description": "Secret subscription URL serving text/calendar; no other "
            "credential. A new one replaces the previous."
        }
    )


class CaseDecisionSchema(Schema):
    case_ref = Text(required=True, validate=CASE_REF)
    decision = Text(required=True, validate=validate.OneOf(DECISIONS))


class OutcomeSchema(Schema):
    """`POST /api/v1/appointments/{id}/outcome` (API.md, Call outcomes)."""

    result = Text(required=True, validate=validate.OneOf(CALL_RESULTS))
    cases = fields.List(
        fields.Nested(CaseDecisionSchema), load_default=list, validate=validate.Length(max=10),
        metadata={"description": "With `held`: a decision for every case of the call."},
    )
    note = Text(
        multiline=True, load_default=None, allow_none=True, validate=validate.Length(max=2000)
    )

    @post_load
    def _value(self, data: dict, **_) -> OutcomeRequest:
        return OutcomeRequest(
            data["result"],
            tuple((case["case_ref"], case["decision"]) for case in data["cases"]),
            data["note"],
        )
