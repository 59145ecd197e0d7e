"""Domain exceptions. Raised deep, turned into API.md's error shape in one place
(`p2p.api.errors`), so services and pages share them."""


class P2PError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        fields: dict[str, list[str]] | None = None,
        *,
        reason: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        # A stable code for why, where one helps the caller (a time not offered: off_grid,
        # outside_hours ... as `slots.decision` names them).
        self.reason = reason


class ValidationFailed(P2PError):
    status = 422
    code = "validation_error"

    @classmethod
    def on(cls, field: str, problem: str) -> "ValidationFailed":
        return cls(f"{field}: {problem}", {field: [problem]})


class NotFound(P2PError):
    status = 404
    code = "not_found"


class NotEligible(P2PError):
    status = 422
    code = "not_eligible"


class SlotUnavailable(P2PError):
    status = 409
    code = "slot_unavailable"


class Conflict(P2PError):
    status = 409
    code = "conflict"


class DeadlineAcknowledgementRequired(P2PError):
    status = 422
    code = "deadline_acknowledgement_required"


class MatchAcknowledgementRequired(P2PError):
    status = 422
    code = "match_acknowledgement_required"


class Unauthorized(P2PError):
    status = 401
    code = "unauthorized"


class Forbidden(P2PError):
    status = 403
    code = "forbidden"


class RateLimited(P2PError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after  # seconds, sent as Retry-After
