"""The earlier-slot waitlist (API.md, "Earlier-slot waitlist")."""

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from p2p import slots
from p2p.appointments.requests import WaitlistRequest
from p2p.schemas.cases import CASE_REF
from p2p.schemas.fields import EmailAddress, Instant, Npi, Text, TimeZone
from p2p.schemas.slots import MAX_CASES
from p2p.vocabulary import WAITLIST_STATUSES


class Days(fields.Field):
    """Days of the week as API.md writes them ("mon,tue") or as a JSON list."""

    def openapi_properties(self, documented: dict) -> dict:
        day = "(" + "|".join(slots.DAY_NAMES) + ")"
        return {
            "oneOf": [
                {"type": "string", "pattern": rf"^ *{day} *(, *{day} *){{0,6}}$"},
                {
                    "type": "array",
                    "items": {"type": "string", "enum": list(slots.DAY_NAMES)},
                    "minItems": 1,
                    "maxItems": 7,
                },
            ]
        }

    def _deserialize(self, value, attr, data, **kwargs) -> list[str]:
        names = value.split(",") if isinstance(value, str) else value
        if not isinstance(names, list) or not 1 <= len(names) <= 7:
            raise ValidationError("One to seven days: mon, tue, wed, thu, fri, sat, sun.")
        cleaned = [name.strip() if isinstance(name, str) else name for name in names]
        unknown = [str(name) for name in cleaned if name not in slots.DAY_NAMES]
        if unknown:
            raise ValidationError(f"Not a day: {', '.join(unknown)[:60]}.")
        return cleaned


class WaitlistJoinSchema(Schema):
    case_refs = fields.List(
        Text(validate=CASE_REF), required=True, validate=validate.Length(min=1, max=MAX_CASES),
        metadata={"uniqueItems": True},
    )
    npi = Npi(required=True)
    email = EmailAddress(required=True, validate=validate.Length(max=254))
    time_zone = TimeZone(required=True, metadata={"description": "The provider's zone."})
    days = Days(
        load_default=lambda: ["mon", "tue", "wed", "thu", "fri"],
        metadata={"description": "Preferred days: \"mon,tue,...\" (or a list of them)."},
    )
    hours = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=0, max=23)),
        load_default=lambda: list(range(7, 19)),
        validate=validate.Length(min=1, max=24),
    )
    before = Instant(
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: the earliest valid_until of the outcome-changing "
                  "cases."},
    )

    @validates("case_refs")
    def _distinct(self, value: list[str], **_):
        if len(set(value)) != len(value):
            raise ValidationError("A case appears twice.")

    @post_load
    def _value(self, data: dict, **_) -> WaitlistRequest:
        return WaitlistRequest(
            tuple(data["case_refs"]), data["npi"], data["email"], data["time_zone"],
            tuple(sorted({slots.DAY_NAMES.index(day) for day in data["days"]})),
            tuple(sorted(set(data["hours"]))), data["before"],
        )


class WaitlistEntryIdSchema(Schema):
    """The path's `{entry_id}` (documentation: another value answers 404)."""

    entry_id = fields.String(
        required=True,
        validate=validate.Regexp(r"^wait_[A-Za-z0-9_-]{1,35}$", error="Not a waitlist entry id."),
    )


class WaitlistOfferSchema(Schema):
    reviewer_id = Text()
    start = fields.DateTime()
    label = Text(metadata={"example": "Mon 11/23/26 3:15 pm PST"})
    hold_id = Text(allow_none=True, metadata={"description": "While the time is held."})
    expires_at = fields.DateTime()
    status = Text(metadata={"enum": ["held", "booked", "expired", "released"]})


class WaitlistEntrySchema(Schema):
    id = Text()
    before = fields.DateTime()
    status = Text(metadata={"enum": list(WAITLIST_STATUSES)})
    case_refs = fields.List(Text())
    offers = fields.List(fields.Nested(WaitlistOfferSchema))
