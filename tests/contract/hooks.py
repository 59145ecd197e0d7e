"""schemathesis hooks for `make test-contract`.

The formats this API's OpenAPI description names beyond JSON Schema's own, so that
generated data means what the fields enforce; and the stored state a schema cannot name
(which cases exist, which reviewer is free when, a time off that ends after it starts), so
that some of every phase's schema-valid requests reach the scheduling code and succeed
rather than all being refused with a 422 for a case or a time that does not exist.

tests/contract/run.py reads the bookable values from the seeded service and names the file
holding them in P2P_CONTRACT_VALUES.
"""

import itertools
import json
import os
import threading
from datetime import UTC, datetime, timedelta

import schemathesis
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from p2p.schemas.fields import npi_check_digit_ok
from p2p.vocabulary import DECIDED_STATUSES


def _with_check_digit(first_nine: str) -> str:
    return next(
        first_nine + digit for digit in "0123456789" if npi_check_digit_ok(first_nine + digit)
    )


# `format: npi`: 10 digits whose last is the Luhn check digit (p2p.schemas.fields.Npi).
schemathesis.openapi.format(
    "npi", st.from_regex(r"\A[0-9]{9}\Z").map(_with_check_digit)
)


# Stored state ------------------------------------------------------------------------------
#
# Only positive cases are touched (a negative case must keep the violation it was made
# with), and only two of every three of them per operation and phase (the first of each
# phase among them, as schemathesis judges each phase on its own): the third keeps the generated
# values, so unknown cases, reviewers and times not offered are still sent and must be
# refused with a 422 naming the field. The values written are schema-valid, so a positive
# case stays positive (schemathesis revalidates an edited case).

VALUES_FILE = os.environ.get("P2P_CONTRACT_VALUES")
VALUES = json.loads(open(VALUES_FILE).read()) if VALUES_FILE else None  # noqa: SIM115, PTH123
_lock = threading.Lock()
_seen: dict[str, int] = {}
_pairs = itertools.cycle(VALUES["pairs"]) if VALUES else None
_keys = itertools.count()
_policies = itertools.cycle(VALUES["policies"]) if VALUES else None


def _take_turn(label: str) -> bool:
    with _lock:
        count = _seen.get(label, 0)
        _seen[label] = count + 1
    return count % 3 != 2


def _next_pair() -> tuple[str, str]:
    with _lock:
        reviewer, start = next(_pairs)
    return reviewer, start


def _parse(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


def _booking(body: dict, *, booking: bool) -> dict:
    """A free start of a reviewer trained for the seeded cases, and (when booking) what
    such a time may require: the deadline acknowledgement, a dated procedure, no hold."""
    reviewer, start = _next_pair()
    body = {**body, "case_refs": list(VALUES["cases"]), "reviewer_id": reviewer, "start": start}
    if booking:
        body["acknowledge_consultative_only"] = True
        body["hold_id"] = None
        notes = body.get("call_notes")
        if isinstance(notes, dict) and notes.get("procedure_performed") and not notes.get(
            "procedure_performed_on"
        ):
            body["call_notes"] = {**notes, "procedure_performed": False}
    return body


def _reschedule(body: dict) -> dict:
    reviewer, start = _next_pair()
    body = {**body, "reviewer_id": reviewer, "start": start, "hold_id": None,
            "acknowledge_consultative_only": True}
    notes = body.get("call_notes")
    if isinstance(notes, dict) and notes.get("procedure_performed") and not notes.get(
        "procedure_performed_on"
    ):
        body["call_notes"] = {**notes, "procedure_performed": False}
    return body


def _time_off(body: dict) -> dict:
    """Time off ends after it starts (a rule across two fields)."""
    start, end = _parse(body.get("start")), _parse(body.get("end"))
    if start is None or end is None or end > start:
        return body
    if end == start:
        return {**body, "end": (start + timedelta(hours=1)).isoformat()}
    return {**body, "start": body["end"], "end": body["start"]}


def _waitlist(body: dict) -> dict:
    before = _parse(body.get("before"))
    body = {**body, "case_refs": list(VALUES["cases"])}
    if before is None or before <= datetime.now(UTC):
        body["before"] = VALUES["before"]
    return body


def _slots(query: dict) -> dict:
    """The seeded cases, and a week within the two years of today a search may look at."""
    query = {**query, "case_refs": list(VALUES["cases"])}
    week = query.get("week_of")
    try:
        away = abs((datetime.fromisoformat(week).date() - datetime.now(UTC).date()).days)
    except (TypeError, ValueError):
        away = None
    if week is not None and (away is None or away > 700):
        query["week_of"] = VALUES["week_of"]
    return query


def _case(body: dict) -> dict:
    """A plan and line of business with a policy loaded (a case needs its policy first), and
    the date its status needs (a rule across fields: a pended case its information due
    date, a decided one its determination time)."""
    with _lock:
        plan, line = next(_policies)
    body = {**body, "health_plan": plan, "line_of_business": line}
    if body.get("status") == "pended" and body.get("info_due_at") is None:
        body["info_due_at"] = VALUES["before"]
    if body.get("status") in DECIDED_STATUSES and body.get("determination_at") is None:
        body["determination_at"] = VALUES["determined"]
    return body


@schemathesis.hook
def map_case(context, case):
    if VALUES is None or case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return case
    where = (case.method.upper(), case.operation.path)
    if where not in EDITS or not _take_turn(f"{case.meta.phase.name} {where}"):
        return case
    part, edit = EDITS[where]
    if "Idempotency-Key" in case.headers:
        # One key with another body is a 409 (API.md); a rewritten booking is a new request.
        headers = case.headers.copy()
        headers["Idempotency-Key"] = f"contract-{next(_keys)}"
        case.headers = headers
    if part == "body":
        if isinstance(case.body, dict):
            case.body = edit(dict(case.body))
    elif part == "query":
        case.query = edit(dict(case.query or {}))
    elif part == "path":
        case.path_parameters = edit(dict(case.path_parameters or {}))
        if isinstance(case.body, dict) and where in BODY_TOO:
            case.body = BODY_TOO[where](dict(case.body))
    return case


EDITS = {
    ("POST", "/api/v1/appointments"): ("body", lambda body: _booking(body, booking=True)),
    ("POST", "/api/v1/holds"): ("body", lambda body: _booking(body, booking=False)),
    ("POST", "/api/v1/appointments/{appointment_id}/reschedule"): ("body", _reschedule),
    ("POST", "/api/v1/waitlist"): ("body", _waitlist),
    ("GET", "/api/v1/slots"): ("query", _slots),
    ("PUT", "/api/v1/cases/{case_ref}"): ("body", _case),
    # Not the reviewers whose free times are booked: time off would take them away.
    ("POST", "/api/v1/reviewers/{reviewer_id}/time-off"): (
        "path", lambda path: {**path, "reviewer_id": VALUES["other_reviewer"]}
    ),
}
BODY_TOO = {("POST", "/api/v1/reviewers/{reviewer_id}/time-off"): _time_off}
