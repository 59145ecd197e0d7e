"""The JSON API (/api/v1): thin views over the services, one marshmallow schema per payload."""

from flask import Flask
from flask_smorest import Api

from p2p.schemas.errors import ErrorSchema


class P2PApi(Api):
    """flask-smorest, documenting API.md's error body instead of its own."""

    ERROR_SCHEMA = ErrorSchema


def init_app(app: Flask) -> None:
    """One Api (and so one OpenAPI description) per app: the blueprints are module-level,
    the spec is not."""
    from p2p.api import appointments, cases, errors, policies, reviewers, slots

    api = P2PApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API key."}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blueprint in (
        policies.blp,
        cases.blp,
        reviewers.blp,
        slots.blp,
        appointments.blp,
        appointments.holds,
    ):
        api.register_blueprint(blueprint)
    errors.init_app(app)
