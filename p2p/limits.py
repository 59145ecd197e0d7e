"""Abuse limits on what a caller can repeat (Flask-Limiter), counted per API key (or per
address without one), in Redis when `REDIS_URL` (or `RATELIMIT_STORAGE_URI`) names one, so
that every worker and instance shares the count; in each process's memory otherwise.

Guessing a member's date of birth is stopped per case by `services.lookups` (a lock in the
database); these limits bound the volume any one caller can send.
"""

import hashlib
import math
import time

from flask import Flask, current_app, g, request
from flask_limiter import Limiter

from p2p.headers import bearer_key

# Per caller, per kind (`P2P_RATE_LIMITS`, from the environment, these by default). A
# portal key speaks for a whole health plan's users: the limits are far above the seeds'
# traffic (8,000 new cases a day), and far below a brute force.
LIMITS = {
    "availability": "600 per minute",
    "holds": "120 per minute",
    "bookings": "60 per minute",
    "sign_in": "20 per minute",
}
WHAT = {
    "availability": "availability checks",
    "holds": "holds",
    "bookings": "bookings, reschedules and cancellations",
    "sign_in": "sign-in link uses",
}


def caller_key() -> str:
    if caller := g.get("api_caller"):
        return f"key:{caller}"
    if key := bearer_key():
        return "bearer:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"address:{request.remote_addr}"


# No X-RateLimit headers on every answer; a refusal carries Retry-After (`retry_after`).
limiter = Limiter(key_func=caller_key, headers_enabled=False, strategy="moving-window")


def init_app(app: Flask) -> None:
    """Bind the limiter, refusing a `P2P_RATE_LIMITS` kind that is no limit here (a typo
    would otherwise leave the default in force unseen)."""
    unknown = sorted(set(app.config["P2P_RATE_LIMITS"]) - set(LIMITS))
    if unknown:
        raise ValueError(
            f"P2P_RATE_LIMITS: no limit named {', '.join(unknown)} "
            f"(the limits: {', '.join(LIMITS)})."
        )
    limiter.init_app(app)


def retry_after() -> int:
    """Seconds until the limit just exceeded lets a request through again (the limiter
    counts in real time)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def rate_of(kind: str) -> str:
    return current_app.config["P2P_RATE_LIMITS"].get(kind, LIMITS[kind])


def limited(kind: str):
    """The limit of `kind` on a view, with a message that says what was limited."""
    return limiter.limit(
        lambda: rate_of(kind),
        scope=kind,
        error_message=lambda: (
            f"Too many {WHAT[kind]} from this caller: at most {rate_of(kind)}. "
            "Try again shortly."
        ),
    )
