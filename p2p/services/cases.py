"""Cases from the portal, and the "P2P AVAILABILITY" answer for each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from p2p import eligibility
from p2p.database import transaction
from p2p.errors import NotFound, ValidationFailed
from p2p.extensions import db
from p2p.models import Case
from p2p.services import lookups, policies
from p2p.services.appointments.reconcile import reconcile_case
from p2p.services.callers import Caller
from p2p.services.scheduling import facts

UNKNOWN_CASE = "No case matches this reference and date of birth."
PORTAL = Caller("portal")

_MEMBER = {
    "name": "member_name",
    "dob": "member_dob",
    "state": "member_state",
    "member_id": "member_id",
}
_PROVIDER = {"npi": "ordering_provider_npi", "name": "ordering_provider_name"}
_FLAT = (
    "episode_id",
    "health_plan",
    "line_of_business",
    "status",
    "determination_at",
    "info_due_at",
    "additional_info_received",
    "appeal_filed",
    "reconsideration_completed",
    "service_rendered",
    "case_type",
    "specialty",
)


def find_case(case_ref: str) -> Case | None:
    return db.session.scalar(select(Case).where(Case.case_ref == case_ref))


def decide(case: Case, at: datetime) -> eligibility.Availability:
    policy = policies.get_policy(case.health_plan, case.line_of_business)
    return eligibility.decide(facts(case), policies.to_domain(policy), at)


def put_case(
    case_ref: str, document: dict, now: datetime, caller: Caller = PORTAL
) -> tuple[dict, bool]:
    """Create or replace a case; answer (the stored case with its availability now, as
    plain values; whether it was created). A caller limited to health plans writes only
    cases of those plans; another plan's case is answered like an unknown one."""
    with transaction():
        if not caller.covers_plan(document["health_plan"]):
            raise ValidationFailed.on("health_plan", "Not a health plan of this API key.")
        if policies.find_policy(document["health_plan"], document["line_of_business"]) is None:
            missing = f"{document['health_plan']}/{document['line_of_business']}"
            raise ValidationFailed(
                f"No policy {missing}: load one before sending its cases.",
                {
                    "health_plan": [f"No policy {missing} exists."],
                    "line_of_business": [f"No policy {missing} exists."],
                },
            )
        case = find_case(case_ref)
        if case is not None and not caller.covers(case):
            raise NotFound(f"No case {case_ref!r}.")
        created = case is None
        if created:
            case = Case(case_ref=case_ref, created_at=now)
            db.session.add(case)
        for name in _FLAT:
            setattr(case, name, document[name])
        for key, column in _MEMBER.items():
            setattr(case, column, document["member"][key])
        for key, column in _PROVIDER.items():
            setattr(case, column, document["ordering_provider"][key])
        case.updated_at = now
        availability = decide(case, now)
        if not created:
            reconcile_case(case, caller.name, now)
        stored = case_document(case, availability)
    return stored, created


def case_document(case: Case, availability: eligibility.Availability) -> dict:
    document = {name: getattr(case, name) for name in _FLAT}
    document["case_ref"] = case.case_ref
    document["member"] = {key: getattr(case, column) for key, column in _MEMBER.items()}
    document["ordering_provider"] = {key: getattr(case, col) for key, col in _PROVIDER.items()}
    document["created_at"], document["updated_at"] = case.created_at, case.updated_at
    document["p2p"] = availability_document(case, availability)
    return document


def availability_document(case: Case, availability: eligibility.Availability) -> dict:
    return {
        "case_ref": case.case_ref,
        "eligible": availability.eligible,
        "outcome": availability.outcome,
        "level_of_review": availability.level_of_review,
        "valid_until": availability.valid_until,
        "message": availability.message,
        "reason": availability.reason,
        "post_decision_options": availability.post_decision_options,
    }


def check_availability(
    case_ref: str, member_dob: date, at: datetime, now: datetime, caller: Caller | None = None
) -> dict:
    """The portal's "P2P AVAILABILITY" for a case, given the member's date of birth, at
    `at` (when the call would take place).

    A wrong date of birth answers exactly like an unknown case, so the endpoint cannot be
    used to learn which case references exist; guessing is locked out (`lookups`).
    """
    case = lookups.find_by_member(case_ref, member_dob, now, caller)
    if case is None:
        raise NotFound(UNKNOWN_CASE)
    return availability_document(case, decide(case, at))


def cases_of(case_refs: list[str], caller: Caller, at: datetime) -> list[dict]:
    """The cases (those the caller may see, in the order asked) with their availability at
    `at`, as plain values: what the provider's Case Info step shows."""
    found = {
        case.case_ref: case
        for case in db.session.scalars(select(Case).where(Case.case_ref.in_(case_refs)))
        if caller.covers(case)
    }
    return [case_document(found[ref], decide(found[ref], at)) for ref in case_refs if ref in found]
