"""Settings, read from the environment once, when the app is created.

Every setting is listed with its default in the README's configuration table.
"""

import os
from datetime import timedelta


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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


MAX_MINUTES_PER_CASE = 120  # x 10 cases stays under the database's one-day reservation bound


def check(settings: dict) -> None:
    """Refuse settings the service cannot honour, when the app is created."""
    if settings["P2P_SLOT_ANSWERS_MB"] < 0:
        raise ValueError("P2P_SLOT_ANSWERS_MB must be 0 (none kept) or more.")
    minutes = settings["P2P_MINUTES_PER_CASE"]
    if not 1 <= minutes <= MAX_MINUTES_PER_CASE:
        raise ValueError(
            f"P2P_MINUTES_PER_CASE must be 1 to {MAX_MINUTES_PER_CASE}, not {minutes}."
        )


def from_environment(instance_path: str) -> dict:
    return {
        "SECRET_KEY": os.environ.get("P2P_SECRET_KEY", "dev-only-not-secret"),
        "SQLALCHEMY_DATABASE_URI": database_uri(instance_path),
        # hide_parameters: a database error's text never carries the row's values (member
        # names and dates of birth would otherwise reach the logs).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "P2P_BASE_URL": os.environ.get("P2P_BASE_URL", "http://127.0.0.1:5000"),
        "P2P_MINUTES_PER_CASE": int(os.environ.get("P2P_MINUTES_PER_CASE", "15")),
        "P2P_MINIMUM_NOTICE": timedelta(
            minutes=int(os.environ.get("P2P_MINIMUM_NOTICE_MINUTES", "120"))
        ),
        "P2P_HOLD_MINUTES": int(os.environ.get("P2P_HOLD_MINUTES", "10")),
        # Megabytes of slot search answers each process keeps for repeats (0: none).
        "P2P_SLOT_ANSWERS_MB": int(os.environ.get("P2P_SLOT_ANSWERS_MB", "16")),
        "P2P_BENCHMARK_STATIC_JSON": os.environ.get("P2P_BENCHMARK_STATIC_JSON"),
        # Outgoing email (p2p/notifications): security is "none", "starttls" or "tls".
        "P2P_SMTP_HOST": os.environ.get("P2P_SMTP_HOST", "localhost"),
        "P2P_SMTP_PORT": int(os.environ.get("P2P_SMTP_PORT", "25")),
        "P2P_SMTP_SECURITY": os.environ.get("P2P_SMTP_SECURITY", "none").strip().lower(),
        "P2P_SMTP_USERNAME": os.environ.get("P2P_SMTP_USERNAME") or None,
        "P2P_SMTP_PASSWORD": os.environ.get("P2P_SMTP_PASSWORD") or None,
        "P2P_MAIL_FROM": os.environ.get("P2P_MAIL_FROM", "P2P Scheduler <p2p@localhost>"),
        "P2P_SMTP_TIMEOUT": float(os.environ.get("P2P_SMTP_TIMEOUT", "10")),
        "P2P_MAIL_MAX_ATTEMPTS": int(os.environ.get("P2P_MAIL_MAX_ATTEMPTS", "8")),
        # flask-smorest / OpenAPI
        "API_TITLE": "P2P consultation scheduler",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "JSON_SORT_KEYS": False,
    }
