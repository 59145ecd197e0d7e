"""Policies and state rules (API.md, Policies), as sent by admins and as kept in
`p2p/defaults/policies.json`."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from p2p.schemas.fields import Flag, Text, TimeZone, UsState, slug
from p2p.vocabulary import HANDLED_BY, LINES_OF_BUSINESS, WINDOW_UNITS


class WindowSchema(Schema):
    length = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=3660))
    unit = Text(required=True, validate=validate.OneOf(WINDOW_UNITS))


class ReconsiderationSchema(Schema):
    delegated = Flag(required=True)
    window = fields.Nested(WindowSchema, required=True)


class AppealSchema(Schema):
    handled_by = Text(required=True, validate=validate.OneOf(HANDLED_BY))
    window = fields.Nested(WindowSchema, required=True)


class PolicySchema(Schema):
    """The body of `PUT /api/v1/policies/{health_plan}/{line_of_business}`. Each option is
    required, and `null` means the plan has no such option for that line."""

    deadline_time_zone = TimeZone(required=True)
    reconsideration = fields.Nested(ReconsiderationSchema, required=True, allow_none=True)
    first_level_appeal = fields.Nested(AppealSchema, required=True, allow_none=True)
    second_level_appeal = fields.Nested(AppealSchema, required=True, allow_none=True)


class PolicyResponseSchema(PolicySchema):
    health_plan = Text()
    line_of_business = Text()
    source = Text(metadata={"description": "Who set it: an API key or a policy file."})
    updated_at = fields.DateTime()


class PolicyPathSchema(Schema):
    health_plan = slug()
    line_of_business = Text(required=True, validate=validate.OneOf(LINES_OF_BUSINESS))


class PolicyFileEntrySchema(PolicySchema):
    health_plan = slug()
    line_of_business = Text(required=True, validate=validate.OneOf(LINES_OF_BUSINESS))


class StateRuleBodySchema(Schema):
    """The body of `PUT /api/v1/state-rules/{state}`."""

    requires_state_license = Flag(
        required=True,
        metadata={"description": "The reviewer must hold a licence in the member's state."},
    )
    requires_same_specialty = Flag(
        required=True,
        metadata={"description": "The reviewer must share every case's specialty."},
    )
    requires_member_consent = Flag(
        required=True,
        metadata={"description": "The booking must record the member's consent."},
    )


class StateRuleSchema(StateRuleBodySchema):
    """A state rule in a policy file."""

    state = UsState(required=True)


class StateRulePathSchema(Schema):
    state = UsState(required=True)


class StoredStateRuleSchema(StateRuleSchema):
    source = Text(metadata={"description": "Who set it: a migration, a file, a key."})
    updated_at = fields.DateTime()


class StateRuleListSchema(Schema):
    state_rules = fields.List(fields.Nested(StoredStateRuleSchema))


class PolicyFileSchema(Schema):
    """`flask p2p load-policies FILE`: a versioned file of policies and state rules."""

    version = Text(required=True, validate=validate.Length(min=1, max=40))
    sources = fields.Dict(keys=Text(), values=Text(), load_default=dict)
    policies = fields.List(fields.Nested(PolicyFileEntrySchema), required=True)
    state_rules = fields.List(fields.Nested(StateRuleSchema), load_default=list)

    @validates_schema
    def _each_entry_once(self, data: dict, **_) -> None:
        """Name the entry that cannot be loaded: a plan's line or a state listed twice (the
        last would silently win), a Medicare policy offering a reconsideration."""
        errors: dict = {}
        seen: dict = {}
        for n, entry in enumerate(data.get("policies", [])):
            key = (entry["health_plan"], entry["line_of_business"])
            if key in seen:
                errors.setdefault("policies", {}).setdefault(n, {})["line_of_business"] = [
                    f"{key[0]}/{key[1]} is entry {seen[key]} too; list each once."
                ]
            seen.setdefault(key, n)
            if key[1] == "medicare" and entry.get("reconsideration"):
                errors.setdefault("policies", {}).setdefault(n, {})["reconsideration"] = [
                    "Medicare denials have no reconsideration option; write null."
                ]
        states: dict = {}
        for n, rule in enumerate(data.get("state_rules", [])):
            state = rule["state"]
            if state in states:
                errors.setdefault("state_rules", {})[n] = {
                    "state": [f"{state} is entry {states[state]} too; list it once."]
                }
            states.setdefault(state, n)
        if errors:
            raise ValidationError(errors)
