"""DOMAIN.md's eligibility rules, one function each, in the words of the seeds.

A rule answers with a `Ruling` when it decides the case, or `None` to let the next rule
speak. `decide` (decision.py) runs them in precedence order.
"""

from datetime import datetime
from typing import NamedTuple

import pytz

from p2p.eligibility import messages
from p2p.eligibility.case_facts import CaseFacts
from p2p.eligibility.policy import Policy
from p2p.vocabulary import (
    APPROVED,
    CONSULTATIVE_ONLY,
    CONSULTATIVE_P2P,
    MEDICARE,
    OUTCOME_CHANGING,
    PRE_DECISION_P2P,
    RECONSIDERATION_P2P,
    UNAVAILABLE,
)

PRE_DECISION = "pre_decision"
PRE_DECISION_ADDITIONAL_INFO_RECEIVED = "pre_decision_additional_info_received"
PRE_DECISION_DUE_DATE_PASSED = "pre_decision_due_date_passed"
MEDICARE_NO_RECONSIDERATION = "medicare_no_reconsideration"
SERVICE_RENDERED = "service_rendered"
APPEAL_FILED = "appeal_filed"
RECONSIDERATION_COMPLETED = "reconsideration_completed"
RECONSIDERATION_NOT_DELEGATED = "reconsideration_not_delegated"
RECONSIDERATION_WINDOW_OPEN = "reconsideration_window_open"
RECONSIDERATION_WINDOW_CLOSED = "reconsideration_window_closed"
APPROVED_REASON = "approved"
WITHDRAWN_REASON = "withdrawn"
REASONS = (
    PRE_DECISION,
    PRE_DECISION_ADDITIONAL_INFO_RECEIVED,
    PRE_DECISION_DUE_DATE_PASSED,
    MEDICARE_NO_RECONSIDERATION,
    SERVICE_RENDERED,
    APPEAL_FILED,
    RECONSIDERATION_COMPLETED,
    RECONSIDERATION_NOT_DELEGATED,
    RECONSIDERATION_WINDOW_OPEN,
    RECONSIDERATION_WINDOW_CLOSED,
    APPROVED_REASON,
    WITHDRAWN_REASON,
)


class Ruling(NamedTuple):
    outcome: str
    level_of_review: str | None
    valid_until: datetime | None
    reason: str
    message: str


def _consultative_only(reason: str, message: str) -> Ruling:
    return Ruling(CONSULTATIVE_ONLY, CONSULTATIVE_P2P, None, reason, message)


# Rule 1 ------------------------------------------------------------------------------------
def pre_decision(case: CaseFacts, zone: pytz.BaseTzInfo, at: datetime) -> Ruling:
    """Pended for additional information, not yet decided.

    [002] "If the determination decision has not yet been made, the consultation could
    influence the initial decision"; [004] "The Pre-Decision Clinical Consultation must occur
    prior to the due date referenced". At or after the due date the project's choice is
    consultative only, as for any slot after a deadline (DOMAIN.md).
    """
    due_at = case.info_due_at.astimezone(zone)
    if at >= due_at:
        return _consultative_only(
            PRE_DECISION_DUE_DATE_PASSED, messages.pre_decision_due_date_passed(due_at)
        )
    # [004] with the information already in, the reviewer "is not obligated to hold the
    # case": still outcome-changing, but the provider is warned it may be decided first.
    reason = (
        PRE_DECISION_ADDITIONAL_INFO_RECEIVED if case.additional_info_received else PRE_DECISION
    )
    return Ruling(
        OUTCOME_CHANGING,
        PRE_DECISION_P2P,
        due_at,
        reason,
        messages.pre_decision(due_at, case.additional_info_received),
    )


# Rule 2 ------------------------------------------------------------------------------------
def medicare_denial(
    case: CaseFacts, policy: Policy, at: datetime, reconsideration_closes_at: datetime | None
) -> Ruling | None:
    """[000][001][004] "Medicare cases do not include a reconsideration option" and "the
    decision cannot be overturned via Clinical Consultation"; [002] for Medicare Advantage
    "eviCore consultation can't be used to overturn the denial"."""
    if case.line_of_business != MEDICARE:
        return None
    return _consultative_only(MEDICARE_NO_RECONSIDERATION, messages.MEDICARE_NO_RECONSIDERATION)


# Rule 6 ------------------------------------------------------------------------------------
def service_rendered(
    case: CaseFacts, policy: Policy, at: datetime, reconsideration_closes_at: datetime | None
) -> Ruling | None:
    """[002] "denied. I have already rendered the service": the path is an appeal or a
    claim; the consultation cannot overturn the denial."""
    if not case.service_rendered:
        return None
    return _consultative_only(SERVICE_RENDERED, messages.SERVICE_RENDERED)


# Rule 4 (during an appeal) -----------------------------------------------------------------
def appeal_filed(
    case: CaseFacts, policy: Policy, at: datetime, reconsideration_closes_at: datetime | None
) -> Ruling | None:
    """[003] "If the clinical consultation occurs ... during an appeal, EviCore may not be
    delegated for the re-open. In those cases, the clinical consultation would be
    consultative only." """
    if not case.appeal_filed:
        return None
    return _consultative_only(APPEAL_FILED, messages.APPEAL_FILED)


# Rule 5 ------------------------------------------------------------------------------------
def reconsideration_completed(
    case: CaseFacts, policy: Policy, at: datetime, reconsideration_closes_at: datetime | None
) -> Ruling | None:
    """[001] "Post-decision options for this case have been exhausted ... it will be
    considered consultative only"."""
    if not case.reconsideration_completed:
        return None
    return _consultative_only(RECONSIDERATION_COMPLETED, messages.RECONSIDERATION_COMPLETED)


# Rule 4 (not delegated) --------------------------------------------------------------------
def reconsideration_not_delegated(
    case: CaseFacts, policy: Policy, at: datetime, reconsideration_closes_at: datetime | None
) -> Ruling | None:
    """[003] "EviCore may not be delegated for the re-open"; [001][004] "Post-decision
    options ... are not delegated to eviCore". No reconsideration at all counts the same."""
    reconsideration = policy.reconsideration
    if reconsideration is None:
        return _consultative_only(RECONSIDERATION_NOT_DELEGATED, messages.NO_RECONSIDERATION)
    if not reconsideration.delegated:
        return _consultative_only(
            RECONSIDERATION_NOT_DELEGATED, messages.RECONSIDERATION_HANDLED_BY_HEALTH_PLAN
        )
    return None


# Rules 3 and 4 (outside the reconsideration period) ----------------------------------------
def reconsideration_window(
    case: CaseFacts, policy: Policy, at: datetime, reconsideration_closes_at: datetime | None
) -> Ruling | None:
    """[000][001][004] a reconsideration can be requested "verbally via a Clinical
    Consultation" within the plan's window; [003] the window must hold when the
    consultation occurs, so `at` is the consultation's instant and the window is half-open:
    outcome-changing strictly before the close, consultative only from the close on."""
    if reconsideration_closes_at is None:
        return None
    if at < reconsideration_closes_at:
        return Ruling(
            OUTCOME_CHANGING,
            RECONSIDERATION_P2P,
            reconsideration_closes_at,
            RECONSIDERATION_WINDOW_OPEN,
            messages.reconsideration_window_open(reconsideration_closes_at),
        )
    return _consultative_only(
        RECONSIDERATION_WINDOW_CLOSED,
        messages.reconsideration_window_closed(reconsideration_closes_at),
    )


# Precedence for a denial or partial approval: the first rule that answers decides.
ADVERSE_DECISION_RULES = (
    medicare_denial,
    service_rendered,
    appeal_filed,
    reconsideration_completed,
    reconsideration_not_delegated,
    reconsideration_window,
)


def adverse_decision(
    case: CaseFacts, policy: Policy, at: datetime, reconsideration_closes_at: datetime | None
) -> Ruling:
    for rule in ADVERSE_DECISION_RULES:
        ruling = rule(case, policy, at, reconsideration_closes_at)
        if ruling is not None:
            return ruling
    # Unreachable while the rules above cover every case: a delegated reconsideration
    # always has a close instant.
    raise AssertionError("no eligibility rule decided an adverse decision")


# Rule 8 ------------------------------------------------------------------------------------
def no_decision_to_discuss(case: CaseFacts) -> Ruling:
    """Approved in full or withdrawn: nothing to consult on. The seeds show no P2P link for
    these; the project treats them as unavailable (DOMAIN.md rule 8)."""
    if case.status == APPROVED:
        return Ruling(UNAVAILABLE, None, None, APPROVED_REASON, messages.APPROVED)
    return Ruling(UNAVAILABLE, None, None, WITHDRAWN_REASON, messages.WITHDRAWN)
