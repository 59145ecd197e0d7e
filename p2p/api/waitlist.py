"""The earlier-slot waitlist (portal): join, read the offers, leave."""

from flask import g
from flask.views import MethodView

from p2p.api.access import requires
from p2p.api.common import api_blueprint
from p2p.clock import now
from p2p.context import scheduling
from p2p.errors import NotFound
from p2p.schemas.waitlist import WaitlistEntryIdSchema, WaitlistEntrySchema, WaitlistJoinSchema
from p2p.services.appointments import waitlist

blp = api_blueprint(
    "waitlist",
    "/api/v1/waitlist",
    "Wait for an earlier time: a freed time is held for the first entry that wants it.",
)


def _known(entry_id: str) -> str:
    if WaitlistEntryIdSchema().validate({"entry_id": entry_id}):
        raise NotFound(f"No waitlist entry {entry_id[:40]!r}.")
    return entry_id


@blp.route("")
class WaitlistView(MethodView):
    @requires("portal")
    @blp.arguments(WaitlistJoinSchema)
    @blp.response(201, WaitlistEntrySchema)
    def post(self, request):
        """Join: `before` defaults to the earliest deadline of the outcome-changing cases."""
        return waitlist.join(request, g.caller, now())


@blp.route("/<entry_id>")
class WaitlistEntryView(MethodView):
    @requires("portal")
    @blp.response(200, WaitlistEntrySchema)
    def get(self, entry_id: str):
        return waitlist.get(_known(entry_id), g.caller)

    @requires("portal")
    @blp.response(204)
    def delete(self, entry_id: str):
        """Leave: a time held for the entry is released (and offered to the next)."""
        waitlist.leave(_known(entry_id), g.caller, now(), scheduling())
