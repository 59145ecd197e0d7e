"""The one exception the eligibility core raises."""


class EligibilityError(ValueError):
    """Facts or a policy the rules cannot decide on (a naive time, a missing date, an
    unknown value). `field` names the offending fact so a caller can point at it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
