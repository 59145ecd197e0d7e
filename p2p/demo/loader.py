"""Loading the demo: the shipped policies, the demo cases, about 300 reviewers with time
off, and API keys to try the API with. Through the same schemas and use cases as the API:
the demo data is valid input by construction."""

from datetime import datetime

from sqlalchemy import delete

from p2p.database import transaction
from p2p.demo.cases import DEMO_PREFIX, EASTERN, demo_cases
from p2p.demo.reviewers import demo_reviewers, demo_time_off
from p2p.extensions import db
from p2p.models import ApiKey, Case, TimeOff
from p2p.schemas.cases import CaseSchema
from p2p.schemas.policy_file import DEFAULT_POLICY_FILE, read_policy_file
from p2p.schemas.reviewers import ReviewerSchema
from p2p.services import api_keys, cases, policies, reviewers

DEMO_KEYS = (("demo-portal", "portal"), ("demo-admin", "admin"))


def load(now: datetime, reset: bool = False) -> str:
    """Load everything; return a summary to print (keys included: demo only)."""
    counts = policies.load_policy_file(read_policy_file(DEFAULT_POLICY_FILE), now)
    if reset:
        with transaction():
            db.session.execute(delete(Case).where(Case.case_ref.like(DEMO_PREFIX + "%")))
    lines = [
        f"Policies: {counts['policies_created'] + counts['policies_updated']} loaded.",
        "Demo cases (reference, member DOB, outcome now):",
    ]
    for case_ref, body in demo_cases(now):
        stored, _ = cases.put_case(case_ref, CaseSchema().load(body), now)
        availability = stored["p2p"]
        lines.append(
            f"  {case_ref:<22} DOB {stored['member']['dob']}  {availability['outcome']:<17} "
            f"{availability['level_of_review'] or '-'}"
        )
    people = [(rid, ReviewerSchema().load(body)) for rid, body in demo_reviewers()]
    reviewers.import_reviewers(people, now)
    with transaction():
        # Time off is generated afresh from today, so a demo loaded again stays current.
        ids = [reviewer_id for reviewer_id, _ in people]
        db.session.execute(delete(TimeOff).where(TimeOff.reviewer_id.in_(ids)))
        for reviewer_id, start, end, reason in demo_time_off(
            people, now.astimezone(EASTERN).date()
        ):
            db.session.add(
                TimeOff(
                    reviewer_id=reviewer_id,
                    start_at=start,
                    end_at=end,
                    reason=reason,
                    created_at=now,
                )
            )
    lines.append(f"Reviewers: {len(people)} medical directors with weekly hours and time off.")
    with transaction():
        db.session.execute(delete(ApiKey).where(ApiKey.name.in_([n for n, _ in DEMO_KEYS])))
    for name, role in DEMO_KEYS:
        lines.append(f"API key {name} ({role}): {api_keys.create_api_key(name, role, now)}")
    return "\n".join(lines)
