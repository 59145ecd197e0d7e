"""The pages' forms are read through the API's own schemas: a form field is named by the
field's dotted path in the schema ("contact.phone", "call_notes.tx_license_waived"), so a
page and the API refuse the same input with the same message. Errors are shown in
GOV.UK's pattern: a summary at the top linking to each field, the message beside the
field, the page title prefixed "Error:", everything typed kept.
"""

from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from p2p import copy
from p2p.errors import P2PError
from p2p.schemas.errors import flatten_messages


def field_id(path: str) -> str:
    """The id of a field's element, from its dotted path: "contact.phone" -> "contact-phone"."""
    return path.replace(".", "-").replace("_", "-")


@dataclass
class Form:
    """What was typed (by dotted path), and the errors to show (by dotted path)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, path: str, default: str = "") -> str:
        return self.values.get(path, default)

    def checked(self, path: str, default: bool = False) -> bool:
        if not self.values:
            return default
        return path in self.values

    def error(self, path: str) -> str | None:
        """The message shown beside the field."""
        messages = self.errors.get(path)
        return copy.field_message(path, messages[0]) if messages else None

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(link target, message) for the error summary, in the form's order: the message
        names its field."""
        return [(f"#{field_id(path)}", _named(path, self.error(path))) for path in self.errors]


INSTRUCTIONS = ("Enter ", "Choose ", "Confirm ", "Check ", "Select ")  # say what to do already


def _named(path: str, message: str) -> str:
    label = copy.FIELDS.get(path) or copy.CALL_NOTES.get(path.rpartition(".")[2])
    if not label or label.lower() in message.lower() or message.startswith(INSTRUCTIONS):
        return message
    return f"{label}: {message}"


def nested(data: MultiDict, booleans: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> dict:
    """The form as the nested document the schema reads: "a.b" -> {"a": {"b": ...}};
    `booleans` are check boxes (present or not), `lists` repeated fields; empty text fields
    are left out (as a JSON body would leave them out)."""
    document: dict = {}

    def put(path: str, value) -> None:
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value

    for path in booleans:
        put(path, path in data)
    for path in lists:
        put(path, data.getlist(path))
    for path, value in data.items():
        if path in booleans or path in lists or path == "csrf_token":
            continue
        if value.strip():
            put(path, value.strip())
        else:  # an empty field is one not filled in; its group is still there
            *parents, _ = path.split(".")
            target = document
            for part in parents:
                target = target.setdefault(part, {})
    return document


def load(schema: Schema, data: MultiDict, **shape):
    """(the loaded value, None) or (None, Form with the errors and what was typed)."""
    try:
        return schema.load(nested(data, **shape)), None
    except ValidationError as error:
        return None, Form(dict(data.items()), flatten_messages(error.messages))


def refused(data: MultiDict, error: P2PError) -> Form:
    """A use case's refusal (a 422's fields) as the form's errors."""
    errors = error.fields or {"": [error.message]}
    return Form(dict(data.items()), errors)


def flat_messages(error) -> dict[str, list[str]]:
    """A marshmallow ValidationError's messages by dotted path."""
    return flatten_messages(getattr(error, "messages", {"": [str(error)]}))
