"""Small pieces every API view uses."""

from flask_smorest import Blueprint
from marshmallow import Schema

from p2p.api.access import authenticate
from p2p.errors import ValidationFailed
from p2p.schemas.bodies import BodyParser
from p2p.schemas.errors import flatten_messages


def validated_path(schema: Schema, **values) -> dict:
    """Path segments are validated like any other input: a 422 naming the segment."""
    problems = schema.validate(values)
    if problems:
        field_errors = flatten_messages(problems)
        name, messages = next(iter(field_errors.items()))
        raise ValidationFailed(f"{name}: {messages[0]}", field_errors)
    return schema.load(values)


class ApiBlueprint(Blueprint):
    # JSON bodies read by `schemas.bodies`: 415 for another Content-Type, 422 for a body
    # too deep or holding a NUL or lone surrogate, before any schema sees it.
    ARGUMENTS_PARSER = BodyParser()

    def arguments(self, schema, *args, **kwargs):
        # One instance per view, made here: given a class, webargs would build the schema
        # (and every nested one, deep-copying their fields) again on each request.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)


def api_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """A blueprint of /api/v1: every request to it is authenticated before anything else."""
    blueprint = ApiBlueprint(name, name, url_prefix=url_prefix, description=description)
    blueprint.before_request(authenticate)
    return blueprint
