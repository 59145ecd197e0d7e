"""The slot search response (API.md, Slots): the engine's `WeekResult` as a document and as
the JSON body the API sends (serialization stays here, in the API layer).

A week holds a few hundred distinct starts shared by many reviewers, and by the searches of
the same weeks; the engine hands out one `Slot` per start. So a slot is rendered once per
search for the document, and encoded once per process for the body (`_slot_json`, cached)
then spliced in wherever it appears: a search of thousands of slots spends under a
millisecond here instead of several.
"""

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache

import pytz

from p2p import slots


@lru_cache(maxsize=65_536)
def local_iso(instant: datetime, time_zone: str) -> str:
    """An instant as ISO 8601 with the offset of `time_zone` (cached by instant: searches of
    the same weeks share their starts, as the engine's labels do)."""
    return instant.astimezone(pytz.timezone(time_zone)).isoformat()


def result_document(result: slots.WeekResult) -> dict:
    """API.md's slot search response, ready for JSON: instants as ISO strings with the
    provider's offset, dates as YYYY-MM-DD. `SlotSearchSchema` describes it, and a test
    holds this function to it (the same document as `SlotSearchSchema().dump`)."""
    return _document(result, _slot_dict, list)


def result_body(result: slots.WeekResult) -> bytes:
    """`result_document` as the JSON the app's provider writes outside debug mode (keys in
    order, ASCII only, compact, a final newline), from the slots' cached fragments. A test
    holds the two to the same bytes."""
    return (_encode(_document(result, _slot_json, _json_array)) + "\n").encode("ascii")


def _slot_dict(slot: slots.Slot, time_zone: str) -> dict:
    return {
        "start": local_iso(slot.start, time_zone),
        "end": local_iso(slot.end, time_zone),
        "label": slot.label,
        "consultative_only_case_refs": list(slot.consultative_only_case_refs),
    }


class _JSON(str):
    """JSON text already encoded, written out as it is by `_encode`."""


_ENCODE = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_STRING = json.encoder.encode_basestring_ascii  # what _ENCODE does with a str, minus the call


@lru_cache(maxsize=8_192)
def _slot_json(slot: slots.Slot, time_zone: str) -> _JSON:
    # Cached by value (a Slot is a frozen dataclass): equal slots of later searches hit.
    # 8,192 entries (a dozen weeks of every quarter hour) hold a few MB.
    return _JSON(_ENCODE(_slot_dict(slot, time_zone)))


def _json_array(items: Iterable[_JSON]) -> _JSON:
    return _JSON("[" + ",".join(items) + "]")


def _encode(value) -> str:
    """JSON of dicts, lists and tuples, strings, numbers, booleans, None and `_JSON` (kept
    as is), in the form and key order `json.dumps(..., separators=(",", ":"))` writes.
    Anything else is a TypeError: the document holds only these."""
    if isinstance(value, _JSON):
        return value
    if isinstance(value, str):
        return _STRING(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_STRING(k)}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(_encode, value)) + "]"
    if value is None or isinstance(value, bool | int | float):
        return _ENCODE(value)
    raise TypeError(f"Not part of a slot search document: {type(value).__name__}")


def _document(
    result: slots.WeekResult,
    render_slot: Callable[[slots.Slot, str], object],
    slot_list: Callable[[Iterable], object],
) -> dict:
    zone_name = result.time_zone

    def local(instant: datetime | None) -> str | None:
        return local_iso(instant, zone_name) if instant is not None else None

    # The engine hands out one Slot per start, shared by the reviewers free then: each is
    # rendered once, and the lists are put together by identity (loops that run in C).
    distinct: dict[int, slots.Slot] = {}
    for group in result.groups:
        for entry in group.reviewers:
            distinct.update(zip(map(id, entry.slots), entry.slots, strict=True))
    rendered = {key: render_slot(slot, zone_name) for key, slot in distinct.items()}
    rendered_slot = rendered.__getitem__

    empty = result.empty
    return {
        "time_zone": result.time_zone,
        "week": {"start": result.week_start.isoformat(), "end": result.week_end.isoformat()},
        "cases": [
            {
                "case_ref": case.case_ref,
                "outcome": case.outcome,
                "valid_until": local(case.valid_until),
                "slot_before_deadline": case.slot_before_deadline,
            }
            for case in result.cases
        ],
        "groups": [
            {
                "priority": group.priority,
                "label": group.label,
                "reviewers": [
                    {
                        "reviewer_id": entry.reviewer.reviewer_id,
                        "name": entry.reviewer.name,
                        "credentials": entry.reviewer.credentials,
                        "match": {
                            "specialty": entry.match.specialty,
                            "state_license": entry.match.state_license,
                        },
                        "match_acknowledgement_required": bool(entry.rule_breaches),
                        "required_call_notes": list(
                            dict.fromkeys(need.note for need in entry.notes_needed)
                        ),
                        "slots": slot_list(map(rendered_slot, map(id, entry.slots))),
                    }
                    for entry in group.reviewers
                ],
            }
            for group in result.groups
        ],
        "empty": None
        if empty is None
        else {
            "reason": empty.reason,
            "message": empty.message,
            "first_week_with_slots": (
                empty.first_week_with_slots.isoformat() if empty.first_week_with_slots else None
            ),
        },
    }
