"""marshmallow fields for the values API.md names: instants with offsets, zones, states, NPIs."""

import re

import pytz
from marshmallow import ValidationError, fields, validate
from webargs.fields import DelimitedList

from p2p.time_zones import in_zone

# The 50 states, DC and the territories with Medicaid programs.
US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ
    NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP""".split()
)
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_NPI = re.compile(r"^[0-9]{10}$")  # ASCII digits only: \d would take "١٢٣..." too


def npi_check_digit_ok(npi: str) -> bool:
    """The NPI's last digit is a Luhn check digit over "80840" + its first nine digits
    (CMS, NPI check digit standard)."""
    if not _NPI.match(npi):
        return False
    total = 0
    # Walking the payload from the right, every other digit starting with the rightmost is
    # doubled: the check digit that follows it would be position 0.
    for position, char in enumerate(reversed("80840" + npi[:9])):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


# Times and dates outside these years are typos (and would overflow date arithmetic).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
# The same bound, as the OpenAPI description says it (a pattern on the leading year).
_YEARS = "(19[0-9]{2}|2[01][0-9]{2}|2200)"
# YYYY-MM-DD exactly (API.md, Conventions), in ASCII digits: Python's date parser would
# also take 20261120 or 2026-W47-5.
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

# What the OpenAPI description says of each field below comes from the field itself
# (`openapi_properties`, read by `p2p.api`'s spec converter), so that the description
# carries exactly the constraints the field enforces, once, for every schema using it.


class Instant(fields.AwareDateTime):
    """An ISO 8601 time that must carry its offset: a time without one is refused, never guessed."""

    default_error_messages = {
        "invalid": "Not a valid ISO 8601 time.",
        "invalid_awareness": "Must include a UTC offset, e.g. 2026-11-20T15:04:00-05:00.",
        "format": '"{input}" cannot be formatted as a time.',
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "2026-11-20T15:04:00-05:00")
        super().__init__(format="iso", **kwargs)

    def openapi_properties(self, documented: dict) -> dict:
        return {
            "maxLength": 64,
            "pattern": rf"^{_YEARS}-.*([Zz]|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$",
            "description": _sentence(
                documented,
                f"ISO 8601 with a UTC offset, years {EARLIEST_YEAR} to {LATEST_YEAR}.",
            ),
        }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > 64:
            raise self.make_error("invalid")
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise ValidationError(f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")
        return moment


class Day(fields.Date):
    """A calendar date, YYYY-MM-DD, within sane years."""

    default_error_messages = {"invalid": "Not a valid date: use YYYY-MM-DD."}

    def openapi_properties(self, documented: dict) -> dict:
        return {
            "pattern": rf"^{_YEARS}-[0-9]{{2}}-[0-9]{{2}}$",
            "description": _sentence(
                documented, f"YYYY-MM-DD, years {EARLIEST_YEAR} to {LATEST_YEAR}."
            ),
        }

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and _DATE.match(value)):
            raise self.make_error("invalid")
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise ValidationError(f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")
        return day


class TimeZone(fields.String):
    """An IANA zone name that pytz knows ("America/Chicago"; legacy "US/Eastern" too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "America/New_York")
        super().__init__(validate=validate.Length(max=64), **kwargs)

    def openapi_properties(self, documented: dict) -> dict:
        # The ~600 names once, as a component (`p2p.api` registers it), not in every field.
        return {
            "allOf": [{"$ref": "#/components/schemas/TimeZoneName"}],
            "description": _sentence(documented, "An IANA time zone name."),
        }

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in pytz.all_timezones_set:
            raise ValidationError(f"Unknown time zone {name[:64]!r}; use an IANA name.")
        return name


class UsState(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "TX")
        super().__init__(**kwargs)

    def openapi_properties(self, documented: dict) -> dict:
        return {"enum": sorted(US_STATES)}

    def _deserialize(self, value, attr, data, **kwargs):
        state = super()._deserialize(value, attr, data, **kwargs)
        if state not in US_STATES:
            raise ValidationError("Must be a two-letter US state code in capitals, e.g. TX.")
        return state


class Npi(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "1234567893")
        super().__init__(**kwargs)

    def openapi_properties(self, documented: dict) -> dict:
        return {
            "pattern": _NPI.pattern,
            "format": "npi",
            "description": _sentence(
                documented,
                "10 ASCII digits; the last is the Luhn check digit over 80840 and the first "
                "nine (CMS).",
            ),
        }

    def _deserialize(self, value, attr, data, **kwargs):
        npi = super()._deserialize(value, attr, data, **kwargs)
        if not _NPI.match(npi):
            raise ValidationError("Must be 10 digits.")
        if not npi_check_digit_ok(npi):
            raise ValidationError("Not a valid NPI: the check digit does not match.")
        return npi


# Characters no field takes: C0 controls but tab, newline and carriage return; DEL and the
# C1 controls; the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069), which can make a calendar entry or an email read other than it is; lone
# surrogates (not text, and the database refuses them).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# Line breaks, and the tab: only where a field holds free text over several lines.
_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
# The same two rules as JSON Schema patterns (ECMA-262 and Python read them alike); lone
# surrogates are left out of them, as no JSON text decodes to one without an escape and
# `schemas.bodies` refuses those before any field.
MULTILINE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
ONE_LINE_TEXT = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` may not be stored as text, or None."""
    found = _FORBIDDEN.search(value)
    if found:
        return f"Contains a character that is not allowed (U+{ord(found.group()):04X})."
    if not multiline and _BREAKS.search(value):
        return "Must be one line: no line break or tab."
    return None


class Text(fields.String):
    """Text a person typed: no control, bidi-override or surrogate characters, and no line
    break unless `multiline` (contact instructions, a note)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.multiline = multiline

    def openapi_properties(self, documented: dict) -> dict:
        if "pattern" in documented or "enum" in documented:
            return {}  # a stricter pattern or a list of values says it already
        return {"pattern": MULTILINE_TEXT if self.multiline else ONE_LINE_TEXT}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(value, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        return value


class Flag(fields.Boolean):
    """A JSON boolean, true or false; "yes", 1 or "false" are refused, not guessed."""

    default_error_messages = {"invalid": "Must be true or false (a JSON boolean)."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class EmailAddress(fields.Email):
    """An email address, also held to `Text`'s characters."""

    def openapi_properties(self, documented: dict) -> dict:
        return {"pattern": ONE_LINE_TEXT}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem)
        return value


def text(max_length: int, *, multiline: bool = False, **kwargs) -> Text:
    """A required-by-default, non-blank `Text` with a length cap (huge strings are refused)."""
    kwargs.setdefault("required", True)
    return Text(multiline=multiline, validate=validate.Length(min=1, max=max_length), **kwargs)


def slug(**kwargs) -> fields.String:
    kwargs.setdefault("required", True)
    return fields.String(
        validate=validate.Regexp(SLUG, error="Use lowercase letters, digits and dashes."),
        **kwargs,
    )


class ProviderTime(fields.DateTime):
    """An instant written with the offset of the zone its object names in `zone_attribute`
    (an appointment's times in the provider's zone, as the provider asked for them)."""

    def __init__(self, zone_attribute: str = "time_zone", **kwargs):
        super().__init__(**kwargs)
        self.zone_attribute = zone_attribute

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        zone_name = getattr(obj, self.zone_attribute, None) or obj[self.zone_attribute]
        return super()._serialize(in_zone(value, zone_name), attr, obj, **kwargs)


class RepeatableList(DelimitedList):
    """A query parameter holding a list, written either comma-separated (`a=1,2`) or
    repeated (`a=1&a=2`), or both: every value is taken, never only the first."""

    is_multiple = True

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list | tuple):
            if not all(isinstance(part, str) for part in value):
                raise self.make_error("invalid")
            value = self.delimiter.join(part for part in value if part)
        return super()._deserialize(value, attr, data, **kwargs)


def _sentence(documented: dict, rule: str) -> str:
    """A field's own description, then the rule it is held to."""
    return " ".join(part for part in (documented.get("description"), rule) if part)
