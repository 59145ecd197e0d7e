"""A health plan's post-decision options for one line of business: data, not code
(DOMAIN.md, "Policies ... are data, per health plan and line of business")."""

from dataclasses import dataclass

from p2p.eligibility.errors import EligibilityError
from p2p.time_zones import zone
from p2p.vocabulary import HANDLED_BY, WINDOW_UNITS


@dataclass(frozen=True, slots=True)
class Window:
    """How long after the determination date an option stays open, e.g. 60 calendar days
    [000], 5 business days [001], 2 business days [004]."""

    length: int
    unit: str

    def __post_init__(self) -> None:
        if isinstance(self.length, bool) or not isinstance(self.length, int) or self.length < 1:
            raise EligibilityError(
                f"A window is a whole number of days >= 1, not {self.length!r}.", "window.length"
            )
        if self.unit not in WINDOW_UNITS:
            raise EligibilityError(
                f"A window's unit is one of {', '.join(WINDOW_UNITS)}, not {self.unit!r}.",
                "window.unit",
            )


@dataclass(frozen=True, slots=True)
class Reconsideration:
    """[000][001][004] a reconsideration "can be requested ... verbally via a Clinical
    Consultation"; only a delegated one lets our reviewer change the decision [003]."""

    delegated: bool
    window: Window

    def __post_init__(self) -> None:
        if not isinstance(self.delegated, bool):
            raise EligibilityError(
                f"delegated is true or false, not {self.delegated!r}.", "delegated"
            )


@dataclass(frozen=True, slots=True)
class Appeal:
    """An appeal level and who processes it: us [000], or the health plan [004]."""

    handled_by: str
    window: Window

    def __post_init__(self) -> None:
        if self.handled_by not in HANDLED_BY:
            raise EligibilityError(
                f"An appeal is handled by one of {', '.join(HANDLED_BY)}, not {self.handled_by!r}.",
                "handled_by",
            )


@dataclass(frozen=True, slots=True)
class Policy:
    """One plan and line of business. `None` for an option: the option does not exist."""

    deadline_time_zone: str
    reconsideration: Reconsideration | None
    first_level_appeal: Appeal | None
    second_level_appeal: Appeal | None

    def __post_init__(self) -> None:
        # An unknown zone fails here, when the policy is made, not on every decision.
        zone(self.deadline_time_zone, EligibilityError, "deadline_time_zone")
