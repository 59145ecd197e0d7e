"""The eligibility core: may a P2P for this case change its outcome?

Pure domain code: no Flask, no database, no clock. "Now" is always an argument, every
datetime is aware, and time zones are pytz. The words it answers with (outcomes, levels of
review, statuses) are defined in `p2p.vocabulary`.
"""

from p2p.eligibility.availability import Availability, PostDecisionOption
from p2p.eligibility.business_days import add_business_days, is_business_day
from p2p.eligibility.case_facts import CaseFacts
from p2p.eligibility.deadlines import window_closes_at
from p2p.eligibility.decision import decide
from p2p.eligibility.errors import EligibilityError
from p2p.eligibility.policy import Appeal, Policy, Reconsideration, Window
from p2p.eligibility.rules import REASONS

__all__ = [
    "REASONS",
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
