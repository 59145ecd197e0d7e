"""State rules (admin): what a member's state requires of the reviewer or the booking
(API.md, State rules). Every database holds TX and OH from its migrations."""

from flask import g
from flask.views import MethodView

from p2p.api.access import requires
from p2p.api.common import api_blueprint, validated_path
from p2p.clock import now
from p2p.schemas.policies import (
    StateRuleBodySchema,
    StateRuleListSchema,
    StateRulePathSchema,
    StoredStateRuleSchema,
)
from p2p.services import policies

blp = api_blueprint(
    "state_rules",
    "/api/v1/state-rules",
    "What a member's state requires of the reviewer or the booking (admin).",
)


def _state(value: str) -> str:
    return validated_path(StateRulePathSchema(), state=value)["state"]


@blp.route("")
class StateRulesView(MethodView):
    @requires("admin")
    @blp.response(200, StateRuleListSchema)
    def get(self):
        return {"state_rules": policies.list_state_rules()}


@blp.route("/<state>")
class StateRuleView(MethodView):
    @requires("admin")
    @blp.response(200, StoredStateRuleSchema)
    def get(self, state: str):
        return policies.get_state_rule(_state(state))

    @requires("admin")
    @blp.arguments(StateRuleBodySchema)
    @blp.response(200, StoredStateRuleSchema, description="State rule replaced.")
    @blp.alt_response(201, schema=StoredStateRuleSchema, description="State rule created.")
    def put(self, document: dict, state: str):
        stored, created = policies.put_state_rule(
            _state(state), document, f"api key {g.api_caller}", now()
        )
        return stored, 201 if created else 200
