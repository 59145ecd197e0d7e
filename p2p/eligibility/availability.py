"""The answer to "P2P AVAILABILITY" for one case at one instant (API.md, Cases)."""

from dataclasses import dataclass
from datetime import datetime

from p2p.vocabulary import UNAVAILABLE


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
