"""Cases (portal): store what the portal knows; answer "P2P AVAILABILITY"."""

from flask import g
from flask.views import MethodView

from p2p.api.access import requires
from p2p.api.common import api_blueprint, validated_path
from p2p.clock import now
from p2p.limits import limited
from p2p.schemas.cases import (
    AvailabilityQuerySchema,
    AvailabilitySchema,
    CaseRefSchema,
    CaseSchema,
    MemberDobHeaderSchema,
    StoredCaseSchema,
)
from p2p.services import cases

blp = api_blueprint(
    "cases",
    "/api/v1/cases",
    "Cases from the portal and their P2P availability.",
)


@blp.route("/<case_ref>")
class CaseView(MethodView):
    @requires("portal")
    @blp.arguments(CaseSchema)
    @blp.response(200, StoredCaseSchema, description="Case updated.")
    @blp.alt_response(201, schema=StoredCaseSchema, description="Case created.")
    def put(self, document: dict, case_ref: str):
        case_ref = validated_path(CaseRefSchema(), case_ref=case_ref)["case_ref"]
        stored, created = cases.put_case(case_ref, document, now(), g.caller)
        return stored, 201 if created else 200


@blp.route("/<case_ref>/p2p-availability")
class AvailabilityView(MethodView):
    @requires("portal")
    @limited("availability")
    @blp.arguments(AvailabilityQuerySchema, location="query")
    @blp.arguments(MemberDobHeaderSchema, location="headers")
    @blp.response(200, AvailabilitySchema)
    def get(self, query: dict, headers: dict, case_ref: str):
        case_ref = validated_path(CaseRefSchema(), case_ref=case_ref)["case_ref"]
        moment = now()
        return cases.check_availability(
            case_ref, headers["dob"], query["at"] or moment, moment, g.caller
        )
