"""The one exception the slot engine raises."""


class SlotsError(ValueError):
    """Input the engine cannot work with (a naive time, an unknown zone, overlapping weekly
    hours, ...). `field` names the offending input, as a dotted path when it can
    (`weekly_hours.mon[1]`), so a caller can point at it in API.md's error shape."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
