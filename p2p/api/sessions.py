"""Handing a signed-in user to the pages: single-use sign-in links (API.md)."""

from flask import g
from flask.views import MethodView

from p2p.api.access import requires
from p2p.api.common import api_blueprint
from p2p.clock import now
from p2p.context import sign_in_url
from p2p.schemas.sessions import (
    ProviderSessionSchema,
    ReviewerSessionSchema,
    SignInLinkSchema,
    StaffSessionSchema,
)
from p2p.services import sign_in

blp = api_blueprint(
    "sessions", "/api/v1", "Sign-in links that hand a signed-in user to the pages."
)


def _link(token: str, moment) -> dict:
    return {"url": sign_in_url(token), "expires_at": moment + sign_in.LINK_LIFETIME}


@blp.route("/provider-sessions")
class ProviderSessionsView(MethodView):
    @requires("portal")
    @blp.arguments(ProviderSessionSchema)
    @blp.response(201, SignInLinkSchema)
    def post(self, document: dict):
        moment = now()
        token = sign_in.provider_link(
            document["npi"], document["name"], document["email"], document["case_refs"],
            g.caller, moment,
        )
        return _link(token, moment)


@blp.route("/reviewer-sessions")
class ReviewerSessionsView(MethodView):
    @requires("portal")
    @blp.arguments(ReviewerSessionSchema)
    @blp.response(201, SignInLinkSchema)
    def post(self, document: dict):
        moment = now()
        return _link(sign_in.reviewer_link(document["reviewer_id"], g.caller, moment), moment)


@blp.route("/staff-sessions")
class StaffSessionsView(MethodView):
    @requires("admin")
    @blp.arguments(StaffSessionSchema)
    @blp.response(201, SignInLinkSchema)
    def post(self, document: dict):
        """A link to the operations report page, for a staff member."""
        moment = now()
        return _link(sign_in.staff_link(document["name"], g.caller, moment), moment)
