"""API.md's error body, documented in the OpenAPI description."""

from marshmallow import Schema, fields


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Problems per field, keyed by the field's dotted path."},
    )
    reason = fields.String(
        metadata={
            "description": "Why, as a stable code, where it helps: for a time not offered "
            "one of not_trained, off_grid, inside_minimum_notice, outside_hours, too_long, "
            "time_off."
        }
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


# webargs names where it looked for a value; for the caller the field name is enough.
_LOCATIONS = {"json", "query", "headers", "view_args", "path", "form", "files", "cookies"}


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow/webargs nested messages -> {"member.dob": ["Not a valid date."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if not prefix and key in _LOCATIONS:
                flat.update(flatten_messages(value, prefix))
                continue
            if key == "_schema":
                key = "body" if not prefix else ""
            path = ".".join(part for part in (prefix, key) if part)
            flat.update(flatten_messages(value, path))
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        flat.setdefault(prefix or "body", []).extend(messages)
    elif isinstance(messages, list | tuple):
        for item in messages:
            for key, value in flatten_messages(item, prefix).items():
                flat.setdefault(key, []).extend(value)
    else:
        flat.setdefault(prefix or "body", []).append(str(messages))
    return flat
