"""Settings, read from the environment once, when the app is created.

Every setting is listed with its default in the README's configuration table. Use cases
get theirs as one value (`Scheduling`), never from the app.
"""

import contextlib
import math
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from limits import parse_many

SMTP_SECURITY_MODES = ("none", "starttls", "tls")


class SettingError(ValueError):
    """A setting the service cannot use; the message names the variable and the value."""


def _number(name: str, default: str) -> float:
    text = os.environ.get(name, default)
    try:
        return float(text)
    except ValueError:
        raise SettingError(f"{name} must be a number, not {text!r}.") from None


def _whole(name: str, default: str) -> int:
    """An environment variable holding a whole number ("abc" or "2.5" refused, naming it)."""
    text = os.environ.get(name, default)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        float(text)
    except ValueError:
        raise SettingError(f"{name} must be a number, not {text!r}.") from None
    raise SettingError(f"{name} must be a whole number, not {text!r}.")


def database_uri(instance_path: str) -> str:
    """`DATABASE_URL` when set (PostgreSQL via psycopg 3), else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "p2p.sqlite3")
    # Accept the common spellings and pin the driver to psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def seconds_by_name(value: str) -> dict[str, float]:
    """`P2P_JOB_INTERVALS`: "deliver_outbox=5, send_reminders=30" -> {name: seconds}."""
    intervals = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, seconds = (text.strip() for text in item.partition("="))
        try:
            number = float(seconds)  # float("") when the "=" is missing
        except ValueError:
            number = None
        if not name or number is None:
            raise SettingError(f"P2P_JOB_INTERVALS: {item!r} is not name=seconds.")
        intervals[name] = number
    return intervals


def limits_by_kind(value: str) -> dict[str, str]:
    """`P2P_RATE_LIMITS`: "holds=5 per minute, bookings=30/minute;300/hour" -> {kind: limit},
    each limit in Flask-Limiter's notation (several for one kind separated by ";"). The
    kinds are checked against the limits there are when the limiter is bound
    (`p2p.limits.init_app`)."""
    rates: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        kind, _, rate = (text.strip() for text in item.partition("="))
        if not kind or not rate:
            raise SettingError(f"P2P_RATE_LIMITS: {item!r} is not kind=limit.")
        try:
            parse_many(rate)
        except ValueError:
            raise SettingError(
                f"P2P_RATE_LIMITS: {item!r}: not a limit (write it as '5 per minute')."
            ) from None
        rates[kind] = rate
    return rates


MAX_MINUTES_PER_CASE = 120  # x 10 cases stays under the database's one-day reservation bound


def check(settings: dict) -> None:
    """Refuse settings the service cannot honour, when the app is created."""
    if settings["MAX_CONTENT_LENGTH"] < 1:
        raise SettingError("P2P_MAX_BODY_BYTES must be 1 or more.")
    if settings["P2P_PROXY_HOPS"] < 0:
        raise SettingError("P2P_PROXY_HOPS must be 0 (no proxy) or more.")
    if settings["P2P_SLOT_ANSWERS_MB"] < 0:
        raise SettingError("P2P_SLOT_ANSWERS_MB must be 0 (none kept) or more.")
    if settings["P2P_MINIMUM_NOTICE"] < timedelta(0):
        raise SettingError("P2P_MINIMUM_NOTICE_MINUTES must be 0 (bookable at once) or more.")
    if settings["P2P_HOLD_MINUTES"] < 1:
        raise SettingError("P2P_HOLD_MINUTES must be 1 or more.")
    if not 1 <= settings["P2P_SMTP_PORT"] <= 65535:
        raise SettingError("P2P_SMTP_PORT must be a port number, 1 to 65535.")
    if settings["P2P_SMTP_SECURITY"] not in SMTP_SECURITY_MODES:
        raise SettingError(
            f"P2P_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY_MODES)}, "
            f"not {settings['P2P_SMTP_SECURITY']!r}."
        )
    if not 0 < settings["P2P_SMTP_TIMEOUT"] < math.inf:
        raise SettingError("P2P_SMTP_TIMEOUT must be a number of seconds above 0.")
    if settings["P2P_MAIL_MAX_ATTEMPTS"] < 1:
        raise SettingError("P2P_MAIL_MAX_ATTEMPTS must be 1 or more.")
    minutes = settings["P2P_MINUTES_PER_CASE"]
    if not 1 <= minutes <= MAX_MINUTES_PER_CASE:
        raise SettingError(
            f"P2P_MINUTES_PER_CASE must be 1 to {MAX_MINUTES_PER_CASE}, not {minutes}."
        )
    if not 0 < settings["P2P_SCHEDULER_LEASE_SECONDS"] < math.inf:
        raise SettingError("P2P_SCHEDULER_LEASE_SECONDS must be a number of seconds above 0.")
    if not all(0 < seconds < math.inf for seconds in settings["P2P_JOB_INTERVALS"].values()):
        raise SettingError("P2P_JOB_INTERVALS: every interval must be a number of seconds above 0.")


@dataclass(frozen=True, slots=True)
class Scheduling:
    """What the scheduling use cases need to know of the deployment."""

    minutes_per_case: int
    minimum_notice: timedelta
    hold_minutes: int
    # The absolute URL of a sign-in link from its token, for the emails a use case sends
    # (a waitlist offer); the edges set it (p2p/context.py).
    link_for: Callable[[str], str] | None = field(default=None, compare=False)

    @property
    def hold(self) -> timedelta:
        return timedelta(minutes=self.hold_minutes)

    @classmethod
    def from_config(cls, settings) -> "Scheduling":
        return cls(
            minutes_per_case=settings["P2P_MINUTES_PER_CASE"],
            minimum_notice=settings["P2P_MINIMUM_NOTICE"],
            hold_minutes=settings["P2P_HOLD_MINUTES"],
        )


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", ".localhost")


def trusted_hosts(base_url: str | None) -> list[str] | None:
    """Flask's TRUSTED_HOSTS: the Host headers the service answers. `P2P_TRUSTED_HOSTS`
    (comma-separated; "*" for any) when set; otherwise this machine's names and addresses,
    loopback, and the host of `P2P_BASE_URL`. Links the service hands out use the request's
    host when no base URL is set, so a forged Host header must not be answered."""
    configured = os.environ.get("P2P_TRUSTED_HOSTS")
    if configured is not None:
        names = [name.strip() for name in configured.split(",") if name.strip()]
        return None if "*" in names else names
    names = list(LOOPBACK_HOSTS)
    if base_url:
        names.append(urlsplit(base_url).hostname or "")
    for name in {socket.gethostname(), socket.getfqdn()}:
        names.append(name)
        with contextlib.suppress(OSError):
            names += [info[4][0] for info in socket.getaddrinfo(name, None)]
    return sorted({name for name in names if name})


def from_environment(instance_path: str) -> dict:
    return {
        "SECRET_KEY": os.environ.get("P2P_SECRET_KEY", "dev-only-not-secret"),
        # No request body is larger: 413 before it is read (the largest real one is a few KB).
        "MAX_CONTENT_LENGTH": _whole("P2P_MAX_BODY_BYTES", str(2**20)),
        "SQLALCHEMY_DATABASE_URI": database_uri(instance_path),
        # hide_parameters: a database error's text never carries the row's values (member
        # names and dates of birth would otherwise reach the logs).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # Links handed out (ics_url, feeds, sign-in links): this base when set, else the
        # scheme, host and port each request came to (see TRUSTED_HOSTS).
        "P2P_BASE_URL": os.environ.get("P2P_BASE_URL") or None,
        "TRUSTED_HOSTS": trusted_hosts(os.environ.get("P2P_BASE_URL")),
        # Reverse proxies in front of the service whose X-Forwarded-For/-Proto/-Host/-Port
        # are believed (werkzeug's ProxyFix); 0: none, the request is taken as it arrives.
        "P2P_PROXY_HOPS": _whole("P2P_PROXY_HOPS", "0"),
        # Abuse limits (p2p/limits.py): shared in Redis across workers and instances
        # when one is named, else counted in each process. A Redis that stops answering
        # falls back to memory rather than failing requests.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or os.environ.get("REDIS_URL")
        or "memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # kind -> "N per minute", as "kind=limit, ..."; unset kinds keep the defaults.
        "P2P_RATE_LIMITS": limits_by_kind(os.environ.get("P2P_RATE_LIMITS", "")),
        "RATELIMIT_SWALLOW_ERRORS": True,
        "P2P_MINUTES_PER_CASE": _whole("P2P_MINUTES_PER_CASE", "15"),
        "P2P_MINIMUM_NOTICE": timedelta(minutes=_whole("P2P_MINIMUM_NOTICE_MINUTES", "120")),
        "P2P_HOLD_MINUTES": _whole("P2P_HOLD_MINUTES", "10"),
        # Megabytes of slot search answers each process keeps for repeats (0: none).
        "P2P_SLOT_ANSWERS_MB": _whole("P2P_SLOT_ANSWERS_MB", "16"),
        # Outgoing email (p2p/notifications): security is "none", "starttls" or "tls".
        "P2P_SMTP_HOST": os.environ.get("P2P_SMTP_HOST", "localhost"),
        "P2P_SMTP_PORT": _whole("P2P_SMTP_PORT", "25"),
        "P2P_SMTP_SECURITY": os.environ.get("P2P_SMTP_SECURITY", "none").strip().lower(),
        "P2P_SMTP_USERNAME": os.environ.get("P2P_SMTP_USERNAME") or None,
        "P2P_SMTP_PASSWORD": os.environ.get("P2P_SMTP_PASSWORD") or None,
        "P2P_MAIL_FROM": os.environ.get("P2P_MAIL_FROM", "P2P Scheduler <p2p@localhost>"),
        "P2P_SMTP_TIMEOUT": _number("P2P_SMTP_TIMEOUT", "10"),
        "P2P_MAIL_MAX_ATTEMPTS": _whole("P2P_MAIL_MAX_ATTEMPTS", "8"),
        # Background jobs (p2p/jobs.py): how long the scheduler lease lasts (renewed every
        # third of it), and intervals other than the jobs' defaults, as "name=seconds, ...".
        "P2P_SCHEDULER_LEASE_SECONDS": _number("P2P_SCHEDULER_LEASE_SECONDS", "30"),
        "P2P_JOB_INTERVALS": seconds_by_name(os.environ.get("P2P_JOB_INTERVALS", "")),
        # flask-smorest / OpenAPI
        "API_TITLE": "P2P consultation scheduler",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
    }
