"""The seeds' "All Post Decision Options" view [001][004]: each option with its own
deadline, or its absence ("Second Level Appeal is not delegated to eviCore or is no longer
available for this case")."""

from datetime import datetime

from p2p.eligibility import deadlines
from p2p.eligibility.availability import PostDecisionOption
from p2p.eligibility.case_facts import CaseFacts
from p2p.eligibility.policy import Appeal, Policy
from p2p.vocabulary import (
    FIRST_LEVEL_APPEAL,
    HEALTH_PLAN,
    MEDICARE,
    RECONSIDERATION,
    SECOND_LEVEL_APPEAL,
    US,
)


def reconsideration_handled_by(case: CaseFacts, policy: Policy) -> str | None:
    # [000][001][004] Medicare cases have no reconsideration, whatever the policy says.
    if case.line_of_business == MEDICARE or policy.reconsideration is None:
        return None
    return US if policy.reconsideration.delegated else HEALTH_PLAN


def _handled_by(appeal: Appeal | None) -> str | None:
    return None if appeal is None else appeal.handled_by


def without_decision(case: CaseFacts, policy: Policy) -> tuple[PostDecisionOption, ...]:
    """Pended, approved or withdrawn: there is no adverse decision to act on yet (or at
    all), so nothing is available; who would handle each option still comes from the plan."""
    return (
        PostDecisionOption(RECONSIDERATION, False, None, reconsideration_handled_by(case, policy)),
        PostDecisionOption(FIRST_LEVEL_APPEAL, False, None, _handled_by(policy.first_level_appeal)),
        PostDecisionOption(
            SECOND_LEVEL_APPEAL, False, None, _handled_by(policy.second_level_appeal)
        ),
    )


def after_adverse_decision(
    case: CaseFacts,
    policy: Policy,
    at: datetime,
    reconsideration_closes_at: datetime | None,
    outcome_changing: bool,
) -> tuple[PostDecisionOption, ...]:
    """Options after a denial or partial approval, at `at`.

    The reconsideration is available exactly when the P2P itself is outcome-changing through
    it. [000] first-level appeals "within 180 calendar days of the initial determination";
    [004] to the plan "within 60 calendar days of the denial notification", counted here from
    the determination date since the notice's date is not among the facts.
    """
    first = policy.first_level_appeal
    if first is None:
        first_level = PostDecisionOption(FIRST_LEVEL_APPEAL, False, None, None)
    else:
        appeal_closes_at = deadlines.closes_at(
            case.determination_at, first.window, policy.deadline_time_zone
        )
        first_level = PostDecisionOption(
            FIRST_LEVEL_APPEAL,
            at < appeal_closes_at and not case.appeal_filed,
            appeal_closes_at,
            first.handled_by,
        )
    # A second-level appeal opens only once a first-level appeal has been decided, which
    # this service does not track: it is never shown as available, nor given a deadline.
    second_level = PostDecisionOption(
        SECOND_LEVEL_APPEAL, False, None, _handled_by(policy.second_level_appeal)
    )
    reconsideration = PostDecisionOption(
        RECONSIDERATION,
        outcome_changing,
        reconsideration_closes_at,
        reconsideration_handled_by(case, policy),
    )
    return (reconsideration, first_level, second_level)
