"""The reviewer CSV file (`flask p2p import-reviewers FILE.csv`): each row read through the
same schema as `PUT /api/v1/reviewers/{id}`, every problem reported by line and field.

Columns: reviewer_id, name, credentials, specialties, case_types, licensed_states,
time_zone, mon .. sun, active (and email, optional). Lists are separated by ";" and each
day's hours are written "08:00-12:00;13:00-17:00" (wall clock in the reviewer's zone).
"""

import csv
import io

from marshmallow import ValidationError

from p2p import slots
from p2p.schemas.errors import flatten_messages
from p2p.schemas.reviewers import REVIEWER_ID, ReviewerSchema

CSV_COLUMNS = (
    "reviewer_id",
    "name",
    "credentials",
    "specialties",
    "case_types",
    "licensed_states",
    "time_zone",
    *slots.DAY_NAMES,
    "active",
)



def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _hours(cell: str) -> list[list[str]]:
    pairs = []
    for part in _split(cell):
        start, sep, end = part.partition("-")
        pairs.append([start.strip(), end.strip()] if sep else [part])
    return pairs


def _csv_document(row: dict) -> dict:
    cell = (row.get("active") or "true").strip().lower()
    # A CSV cell is text: the usual spellings of yes and no, anything else left for the
    # schema to refuse by name.
    active = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
        cell, cell
    )
    return {
        "name": (row.get("name") or "").strip(),
        "credentials": (row.get("credentials") or "").strip(),
        "specialties": _split(row.get("specialties")),
        "case_types": _split(row.get("case_types")),
        "licensed_states": _split(row.get("licensed_states")),
        "time_zone": (row.get("time_zone") or "").strip(),
        "weekly_hours": {
            day: _hours(row.get(day)) for day in slots.DAY_NAMES if _split(row.get(day))
        },
        "active": active,
        "email": (row.get("email") or "").strip() or None,
    }


def parse_reviewer_csv(text: str) -> tuple[list[tuple[str, dict]], list[str]]:
    """Rows as (reviewer_id, validated document), and every problem as "line N: field: ..."."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"line 1: missing column(s): {', '.join(missing)}"]
    rows, problems, seen = [], [], {}
    schema = ReviewerSchema()
    for row in reader:
        line = reader.line_num
        reviewer_id = (row.get("reviewer_id") or "").strip()
        try:
            REVIEWER_ID(reviewer_id)
        except ValidationError as error:
            problems.append(f"line {line}: reviewer_id: {error.messages[0]}")
        if reviewer_id in seen:
            problems.append(
                f"line {line}: reviewer_id: {reviewer_id!r} is on line {seen[reviewer_id]} too"
            )
        seen.setdefault(reviewer_id, line)
        try:
            document = schema.load(_csv_document(row))
        except ValidationError as error:
            for field, messages in flatten_messages(error.messages).items():
                problems.extend(f"line {line}: {field}: {message}" for message in messages)
            continue
        rows.append((reviewer_id, document))
    return rows, problems
