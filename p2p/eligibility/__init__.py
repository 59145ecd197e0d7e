"""The eligibility core: may a P2P for this case change its outcome?

Pure domain code: no Flask, no database, no clock. "Now" is always an argument, every
datetime is aware, and time zones are pytz. The service and API layers import from here.
"""

from p2p.eligibility.availability import (
    CONSULTATIVE_ONLY,
    CONSULTATIVE_P2P,
    OUTCOME_CHANGING,
    PRE_DECISION_P2P,
    RECONSIDERATION_P2P,
    UNAVAILABLE,
    Availability,
    PostDecisionOption,
)
from p2p.eligibility.business_days import add_business_days, is_business_day
from p2p.eligibility.case_facts import LINES_OF_BUSINESS, STATUSES, CaseFacts
from p2p.eligibility.deadlines import window_closes_at
from p2p.eligibility.decision import decide
from p2p.eligibility.errors import EligibilityError
from p2p.eligibility.policy import HANDLED_BY, WINDOW_UNITS, Appeal, Policy, Reconsideration, Window
from p2p.eligibility.rules import REASONS

__all__ = [
    "CONSULTATIVE_ONLY",
    "CONSULTATIVE_P2P",
    "HANDLED_BY",
    "LINES_OF_BUSINESS",
    "OUTCOME_CHANGING",
    "PRE_DECISION_P2P",
    "REASONS",
    "RECONSIDERATION_P2P",
    "STATUSES",
    "UNAVAILABLE",
    "WINDOW_UNITS",
    "Appeal",
    "Availability",
    "CaseFacts",
    "EligibilityError",
    "Policy",
    "PostDecisionOption",
    "Reconsideration",
    "Window",
    "add_business_days",
    "decide",
    "is_business_day",
    "window_closes_at",
]
