"""`decide`: is a P2P for this case, held at `at`, outcome-changing, consultative only, or
unavailable?"""

from datetime import datetime

from p2p.eligibility import deadlines, post_decision_options, rules
from p2p.eligibility.availability import Availability
from p2p.eligibility.case_facts import CaseFacts
from p2p.eligibility.errors import EligibilityError
from p2p.eligibility.policy import Policy
from p2p.time_zones import require_aware, zone
from p2p.vocabulary import MEDICARE, OUTCOME_CHANGING, PENDED


def _check_facts(case: CaseFacts) -> None:
    """API.md: `pended` needs `info_due_at`; the other statuses need `determination_at`."""
    required = "info_due_at" if case.status == PENDED else "determination_at"
    for field in ("info_due_at", "determination_at"):
        value = getattr(case, field)
        if value is None:
            if field == required:
                raise EligibilityError(f"A {case.status} case needs {field}.", field)
        else:
            require_aware(value, field, EligibilityError)


def reconsideration_closes_at(case: CaseFacts, policy: Policy) -> datetime | None:
    """When the reconsideration window closes, or None where no window applies: Medicare
    has no reconsideration [000][001][004], and a plan may have none."""
    reconsideration = policy.reconsideration
    if reconsideration is None or case.line_of_business == MEDICARE:
        return None
    return deadlines.closes_at(
        case.determination_at, reconsideration.window, policy.deadline_time_zone
    )


def decide(case: CaseFacts, policy: Policy, at: datetime) -> Availability:
    """The P2P availability of `case` under `policy` for a consultation held at `at`.

    `at` is when the consultation occurs, not when it is booked: [003] the window must hold
    when the consultation takes place. Every datetime must be aware; returned instants are
    in the policy's deadline time zone.
    """
    require_aware(at, "at", EligibilityError)
    _check_facts(case)
    if case.status == PENDED:
        ruling = rules.pre_decision(case, zone(policy.deadline_time_zone), at)
        options = post_decision_options.without_decision(case, policy)
    elif case.adverse:
        closes_at = reconsideration_closes_at(case, policy)
        ruling = rules.adverse_decision(case, policy, at, closes_at)
        options = post_decision_options.after_adverse_decision(
            case, policy, at, closes_at, ruling.outcome == OUTCOME_CHANGING
        )
    else:
        ruling = rules.no_decision_to_discuss(case)
        options = post_decision_options.without_decision(case, policy)
    return Availability(
        outcome=ruling.outcome,
        level_of_review=ruling.level_of_review,
        valid_until=ruling.valid_until,
        message=ruling.message,
        reason=ruling.reason,
        post_decision_options=options,
    )
