"""The answer to "P2P AVAILABILITY" for one case at one instant (API.md, Cases)."""

from dataclasses import dataclass
from datetime import datetime

OUTCOME_CHANGING = "outcome_changing"
CONSULTATIVE_ONLY = "consultative_only"
UNAVAILABLE = "unavailable"
OUTCOMES = (OUTCOME_CHANGING, CONSULTATIVE_ONLY, UNAVAILABLE)

# [001][004] the seeds' "Level of Review" labels.
PRE_DECISION_P2P = "Pre-Decision P2P"
RECONSIDERATION_P2P = "Reconsideration P2P"
CONSULTATIVE_P2P = "Consultative P2P"

RECONSIDERATION = "reconsideration"
FIRST_LEVEL_APPEAL = "first_level_appeal"
SECOND_LEVEL_APPEAL = "second_level_appeal"
POST_DECISION_OPTIONS = (RECONSIDERATION, FIRST_LEVEL_APPEAL, SECOND_LEVEL_APPEAL)


@dataclass(frozen=True, slots=True)
class PostDecisionOption:
    """One line of the seeds' "All Post Decision Options" view [004]."""

    option: str
    available: bool
    until: datetime | None
    handled_by: str | None


@dataclass(frozen=True, slots=True)
class Availability:
    """`valid_until` is the instant the outcome-changing window closes (None otherwise);
    `reason` is a short code naming the rule that decided (see `rules.REASONS`)."""

    outcome: str
    level_of_review: str | None
    valid_until: datetime | None
    message: str
    reason: str
    post_decision_options: tuple[PostDecisionOption, ...]

    @property
    def eligible(self) -> bool:
        return self.outcome != UNAVAILABLE
