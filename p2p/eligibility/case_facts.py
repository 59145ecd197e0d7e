"""What the portal tells us about a case, as far as eligibility is concerned."""

from dataclasses import dataclass
from datetime import datetime

from p2p.eligibility.errors import EligibilityError
from p2p.vocabulary import ADVERSE_STATUSES, CASE_STATUSES, LINES_OF_BUSINESS


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """A case's status and history. Times are aware instants in any zone; which of them
    must be present depends on the status, and `decide` checks that."""

    status: str
    line_of_business: str
    determination_at: datetime | None
    info_due_at: datetime | None
    additional_info_received: bool = False
    appeal_filed: bool = False
    reconsideration_completed: bool = False
    service_rendered: bool = False

    def __post_init__(self) -> None:
        if self.status not in CASE_STATUSES:
            raise EligibilityError(
                f"A case's status is one of {', '.join(CASE_STATUSES)}, not {self.status!r}.",
                "status",
            )
        if self.line_of_business not in LINES_OF_BUSINESS:
            raise EligibilityError(
                f"A line of business is one of {', '.join(LINES_OF_BUSINESS)}, "
                f"not {self.line_of_business!r}.",
                "line_of_business",
            )

    @property
    def adverse(self) -> bool:
        """Denied in whole or in part: the only decisions a P2P can be about afterwards."""
        return self.status in ADVERSE_STATUSES
