"""Appointments (API.md, Appointments): what the portal sends to book, and what it gets back."""

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from p2p.schemas.cases import CASE_REF
from p2p.schemas.fields import Day, Instant, Npi, TimeZone, text
from p2p.schemas.reviewers import REVIEWER_ID
from p2p.vocabulary import APPOINTMENT_STATUSES, PERFORMER_KINDS, REQUESTING_PROVIDER

PHONE = validate.Regexp(
    r"^[0-9()+.\- ]{7,25}$", error="A phone number: digits, spaces, ( ) + - . (7 to 25)."
)
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
EXTENSION = validate.Regexp(r"^[0-9]{1,10}$", error="Up to 10 digits.")


class ReviewerSummarySchema(Schema):
    reviewer_id = fields.String()
    name = fields.String()
    credentials = fields.String()
    time_zone = fields.String()


class AppointmentCaseSchema(Schema):
    case_ref = fields.String()
    outcome = fields.String()
    level_of_review = fields.String(allow_none=True)
    removed = fields.Boolean(
        metadata={"description": "True when a case update took the case out of the call."}
    )
    removed_reason = fields.String(allow_none=True)


class RequestingProviderOutSchema(Schema):
    npi = fields.String()
    name = fields.String()
    email = fields.String()


class AppointmentSchema(Schema):
    """An appointment as the API returns it. Times carry the provider's zone's offset."""

    id = fields.String()
    status = fields.String(metadata={"enum": list(APPOINTMENT_STATUSES)})
    start = fields.DateTime()
    end = fields.DateTime()
    label = fields.String(metadata={"example": "Mon 11/23/26 3:15 pm PST"})
    time_zone = fields.String()
    reviewer = fields.Nested(ReviewerSummarySchema)
    cases = fields.List(fields.Nested(AppointmentCaseSchema))
    sequence = fields.Integer()
    ics_url = fields.String()
    requesting_provider = fields.Nested(RequestingProviderOutSchema)
    contact = fields.Dict()
    performer = fields.Dict()
    call_notes = fields.Dict()
    acknowledge_consultative_only = fields.Boolean()
    cancel_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class AppointmentListSchema(Schema):
    appointments = fields.List(fields.Nested(AppointmentSchema))


# Requests ------------------------------------------------------------------------------------



class RequestingProviderSchema(Schema):
    npi = Npi(required=True)
    name = text(200)
    email = fields.Email(required=True, validate=validate.Length(max=254))


class ContactSchema(Schema):
    name = text(200)
    location = text(200, metadata={"example": "Provider Office"})
    phone = fields.String(required=True, validate=PHONE)
    phone_ext = fields.String(load_default=None, allow_none=True, validate=EXTENSION)
    alt_phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    alt_phone_ext = fields.String(load_default=None, allow_none=True, validate=EXTENSION)
    instructions = fields.String(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"example": "Select option 4, ask for Dr. Doe"},
    )


class PerformerSchema(Schema):
    """Who will perform the P2P: the requesting provider (name and credential) or a contact
    person / someone else (first name, last name, location)."""

    kind = fields.String(required=True, validate=validate.OneOf(PERFORMER_KINDS))
    name = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    credential = fields.String(load_default=None, validate=validate.Length(min=1, max=50))
    first_name = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    last_name = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    location = fields.String(load_default=None, validate=validate.Length(min=1, max=200))

    @validates_schema
    def _fields_for_kind(self, data: dict, **_):
        needed = (
            ("name", "credential")
            if data.get("kind") == REQUESTING_PROVIDER
            else ("first_name", "last_name", "location")
        )
        missing = {name: ["Required for this performer."] for name in needed if not data.get(name)}
        if missing:
            raise ValidationError(missing)


class CallNotesSchema(Schema):
    alt_rec_declined = fields.Boolean(load_default=False)
    procedure_performed_on = Day(load_default=None, allow_none=True)
    procedure_performed = fields.Boolean(
        load_default=False,
        metadata={"description": "Checked: procedure_performed_on is then required."},
    )
    md_specialty_match_requested = fields.Boolean(load_default=False)
    appeal_lor_attestation = fields.Boolean(load_default=False)
    oh_member_consent = fields.Boolean(load_default=False)
    tx_license_waived = fields.Boolean(load_default=False)
    tx_specialty_waived = fields.Boolean(load_default=False)

    @validates_schema
    def _date_when_checked(self, data: dict, **_):
        if data.get("procedure_performed") and not data.get("procedure_performed_on"):
            raise ValidationError(
                "The date is required when the procedure was performed.",
                field_name="procedure_performed_on",
            )


class CallNotesChangeSchema(Schema):
    """Rescheduling: only the notes sent change; the others stay as they were booked."""

    alt_rec_declined = fields.Boolean()
    procedure_performed_on = Day(allow_none=True)
    procedure_performed = fields.Boolean()
    md_specialty_match_requested = fields.Boolean()
    appeal_lor_attestation = fields.Boolean()
    oh_member_consent = fields.Boolean()
    tx_license_waived = fields.Boolean()
    tx_specialty_waived = fields.Boolean()


_CALL_NOTES = CallNotesSchema()


def _call_notes_default() -> dict:
    return _CALL_NOTES.load({})


class BookingSchema(Schema):
    """The body of `POST /api/v1/appointments`."""

    case_refs = fields.List(
        fields.String(validate=CASE_REF), required=True, validate=validate.Length(min=1, max=10)
    )
    reviewer_id = fields.String(required=True, validate=REVIEWER_ID)
    start = Instant(required=True)
    time_zone = TimeZone(required=True)
    requesting_provider = fields.Nested(RequestingProviderSchema, required=True)
    contact = fields.Nested(ContactSchema, required=True)
    performer = fields.Nested(PerformerSchema, required=True)
    call_notes = fields.Nested(CallNotesSchema, load_default=_call_notes_default)
    acknowledge_consultative_only = fields.Boolean(load_default=False)
    hold_id = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(1, MAX_ID)
    )

    @validates("case_refs")
    def _distinct(self, value: list[str], **_):
        if len(set(value)) != len(value):
            raise ValidationError("A case appears twice.")


class RescheduleSchema(Schema):
    """`POST /api/v1/appointments/{id}/reschedule`: a new start, optionally another reviewer;
    the same rules as booking (acknowledgements included)."""

    start = Instant(required=True)
    reviewer_id = fields.String(load_default=None, allow_none=True, validate=REVIEWER_ID)
    acknowledge_consultative_only = fields.Boolean(load_default=False)
    call_notes = fields.Nested(CallNotesChangeSchema, load_default=None, allow_none=True)
    hold_id = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(1, MAX_ID)
    )


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class AppointmentQuerySchema(Schema):
    npi = Npi(required=True, metadata={"description": "The requesting provider's NPI."})


class HoldSchema(Schema):
    """`POST /api/v1/holds`: keep a time for this booking while the form is filled in."""

    case_refs = fields.List(
        fields.String(validate=CASE_REF), required=True, validate=validate.Length(min=1, max=10)
    )
    reviewer_id = fields.String(required=True, validate=REVIEWER_ID)
    start = Instant(required=True)
    time_zone = TimeZone(required=True)


class StoredHoldSchema(Schema):
    id = fields.Integer()
    reviewer_id = fields.String()
    case_refs = fields.List(fields.String())
    start = fields.DateTime()
    end = fields.DateTime()
    expires_at = fields.DateTime()


class HistoryEventSchema(Schema):
    action = fields.String()
    actor = fields.String()
    at = fields.DateTime()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class HistorySchema(Schema):
    appointment_id = fields.String()
    events = fields.List(fields.Nested(HistoryEventSchema))


class FeedUrlSchema(Schema):
    url = fields.String(
        metadata={
            "description": "Secret subscription URL serving text/calendar; no other "
            "credential. A new one replaces the previous."
        }
    )
