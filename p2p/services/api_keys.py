"""API keys: created by the CLI, checked on every /api/v1 request."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from p2p.database import transaction
from p2p.errors import Conflict, NotFound, ValidationFailed
from p2p.extensions import db
from p2p.models import API_ROLES, ApiKey
from p2p.services import reference

KEY_PREFIX = "p2p_"


def hash_key(key: str) -> str:
    # Keys are 256 random bits, so a plain SHA-256 is enough (no password stretching needed)
    # and it lets the lookup use the unique index.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(
    name: str, role: str, now: datetime, health_plans: Iterable[str] = ()
) -> str:
    """Make a key, store only its hash, return the key (shown once). A portal key given
    health plans sees and changes only their cases and appointments."""
    if role not in API_ROLES:
        raise ValidationFailed.on("role", f"Must be one of: {', '.join(API_ROLES)}.")
    plans = sorted(set(health_plans))
    if plans and role != "portal":
        raise ValidationFailed.on("health_plan", "Only portal keys are limited to health plans.")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed.on("name", "Must be 1 to 100 characters.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction():
        if db.session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
            raise Conflict(f"An API key named {name!r} exists already.")
        db.session.add(
            ApiKey(
                name=name,
                role=role,
                key_hash=hash_key(key),
                health_plans=plans or None,
                created_at=now,
            )
        )
    return key


def revoke_api_key(name: str, now: datetime) -> None:
    with transaction():
        api_key = db.session.scalar(select(ApiKey).where(ApiKey.name == name))
        if api_key is None:
            raise NotFound(f"No API key named {name!r}.")
        if api_key.revoked_at is None:
            api_key.revoked_at = now


def role_of(key: str) -> tuple[str, str, frozenset[str] | None] | None:
    """(name, role, health plans) of a live key, or None for an unknown or revoked one.
    Checked against the process's copy of the live keys, current to the database's
    version (p2p/services/reference.py): a revocation holds from the next request on."""
    return reference.key_ring().live.get(hash_key(key))
