"""Slot search (portal): a week of bookable times for the provider's cases."""

from flask import current_app, g
from flask.views import MethodView

from p2p import slots
from p2p.api.access import reads_only, requires
from p2p.api.common import api_blueprint
from p2p.api.slot_body import result_body
from p2p.clock import now
from p2p.context import scheduling, slot_answers
from p2p.schemas.slots import SlotQuerySchema, SlotSearchSchema
from p2p.services import search

blp = api_blueprint("slots", "/api/v1/slots", "Bookable times of trained reviewers.")


@blp.route("")
class SlotsView(MethodView):
    @requires("portal")
    @reads_only
    @blp.arguments(SlotQuerySchema, location="query")
    @blp.response(200, SlotSearchSchema)
    def get(self, query: dict):
        preferences = slots.Preferences(
            time_zone=query["time_zone"],
            days=frozenset(slots.DAY_NAMES.index(day) for day in query["days"]),
            hours=frozenset(query["hours"]),
        )
        body = search.search_rendered(
            query["case_refs"],
            preferences,
            query["week_of"],
            now(),
            scheduling(),
            slot_answers(),
            result_body,
            g.caller,
        )
        # Written by slot_body.result_body (the JSON of result_document, which a test holds
        # to the schema above; compact even in debug mode), maybe from the search memo:
        # returned as is, without a second pass over thousands of slots.
        return current_app.response_class(body, mimetype=current_app.json.mimetype)
