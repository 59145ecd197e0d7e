"""Policies per health plan and line of business (admin)."""

from flask import g
from flask.views import MethodView

from p2p.api.access import requires
from p2p.api.common import api_blueprint, validated_path
from p2p.clock import now
from p2p.schemas.policies import PolicyPathSchema, PolicyResponseSchema, PolicySchema
from p2p.services import policies

blp = api_blueprint(
    "policies",
    "/api/v1/policies",
    "Post-decision options per health plan and line of business (admin).",
)


@blp.route("/<health_plan>/<line_of_business>")
class PolicyView(MethodView):
    @requires("admin")
    @blp.response(200, PolicyResponseSchema)
    def get(self, health_plan: str, line_of_business: str):
        path = validated_path(
            PolicyPathSchema(), health_plan=health_plan, line_of_business=line_of_business
        )
        return policies.policy_document(policies.get_policy(**path))

    @requires("admin")
    @blp.arguments(PolicySchema)
    @blp.response(200, PolicyResponseSchema, description="Policy replaced.")
    @blp.alt_response(201, schema=PolicyResponseSchema, description="Policy created.")
    def put(self, document: dict, health_plan: str, line_of_business: str):
        path = validated_path(
            PolicyPathSchema(), health_plan=health_plan, line_of_business=line_of_business
        )
        policy, created = policies.put_policy(
            path["health_plan"],
            path["line_of_business"],
            document,
            source=f"api key {g.api_caller}",
            now=now(),
        )
        return policy, 201 if created else 200
