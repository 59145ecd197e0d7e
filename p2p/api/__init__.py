"""The JSON API (/api/v1): thin views over the services, one marshmallow schema per payload."""

import pytz
from flask import Flask
from flask_smorest import Api

from p2p.schemas.appointments import (
    AppointmentIdSchema,
    HoldIdSchema,
    OtherPerformerSchema,
    RequestingProviderPerformerSchema,
)
from p2p.schemas.cases import CaseRefSchema
from p2p.schemas.errors import ErrorSchema
from p2p.schemas.policies import PolicyPathSchema, StateRulePathSchema
from p2p.schemas.reviewers import ReviewerIdSchema
from p2p.schemas.waitlist import WaitlistEntryIdSchema


class P2PApi(Api):
    """flask-smorest, documenting API.md's error body instead of its own."""

    ERROR_SCHEMA = ErrorSchema


def init_app(app: Flask) -> None:
    """One Api (and so one OpenAPI description) per app: the blueprints are module-level,
    the spec is not."""
    from p2p.api import (
        appointments,
        cases,
        errors,
        policies,
        reports,
        reviewers,
        sessions,
        slots,
        state_rules,
        waitlist,
    )

    api = P2PApi(app)
    api.ma_plugin.converter.add_attribute_function(field_constraints)
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (`flask p2p create-api-key`), as "
            "`Authorization: Bearer <key>`.",
        },
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    api.spec.components.schema(
        "TimeZoneName",
        {"type": "string", "enum": sorted(pytz.all_timezones_set), "maxLength": 64},
    )
    api.spec.components.schema(
        "RequestingProviderPerformer", schema=RequestingProviderPerformerSchema
    )
    api.spec.components.schema("OtherPerformer", schema=OtherPerformerSchema)
    for blueprint in (
        policies.blp,
        state_rules.blp,
        cases.blp,
        reviewers.blp,
        slots.blp,
        appointments.blp,
        appointments.holds_blp,
        sessions.blp,
        waitlist.blp,
        reports.blp,
    ):
        api.register_blueprint(blueprint)
    _document_path_parameters(api)
    _document_performer(api)
    _document_nullable_objects(api)
    _document_common_errors(api)
    _document_links(api)
    errors.init_app(app)


def field_constraints(self, field, ret=None, **kwargs) -> dict:
    """apispec attribute function: what a field of `p2p.schemas.fields` enforces beyond
    what its validators say (`openapi_properties`), in the OpenAPI description."""
    describe = getattr(field, "openapi_properties", None)
    return describe(ret or {}) if describe else {}


# Path segments, validated by these schemas' fields (`api.common.validated_path`, or a 404
# for ids the service could not have made): documented from the same fields.
PATH_PARAMETERS = {
    "case_ref": CaseRefSchema,
    "reviewer_id": ReviewerIdSchema,
    "hold_id": HoldIdSchema,
    "state": StateRulePathSchema,
    "health_plan": PolicyPathSchema,
    "line_of_business": PolicyPathSchema,
    "appointment_id": AppointmentIdSchema,
    "entry_id": WaitlistEntryIdSchema,
}


def _document_path_parameters(api: Api) -> None:
    converter = api.ma_plugin.converter
    for operations in api.spec._paths.values():  # apispec's registry of documented paths
        for parameter in operations.get("parameters", []):
            schema = PATH_PARAMETERS.get(parameter.get("name"))
            if parameter.get("in") == "path" and schema is not None:
                field = schema().fields[parameter["name"]]
                parameter["schema"] = converter.field2property(field)


def _document_nullable_objects(api: Api) -> None:
    """apispec writes a nullable nested schema for OpenAPI 3.0 as `anyOf: [any object or
    null, the schema]`, which lets any object through; it is the schema, or null."""
    for component in api.spec.components.schemas.values():
        for prop in (component.get("properties") or {}).values():
            options = prop.get("anyOf")
            if (
                isinstance(options, list)
                and len(options) == 2
                and options[0] == {"type": "object", "nullable": True}
                and "$ref" in options[1]
            ):
                del prop["anyOf"]
                prop.update({"allOf": [options[1]], "nullable": True})


def _document_performer(api: Api) -> None:
    """`performer`'s fields depend on its `kind` (PerformerSchema._fields_for_kind)."""
    api.spec.components.schemas["Performer"] = {
        "description": "Who will perform the P2P: the requesting provider (`name`, "
        "`credential`) or a contact person / someone else (`first_name`, `last_name`, "
        "`location`).",
        "oneOf": [
            {"$ref": "#/components/schemas/RequestingProviderPerformer"},
            {"$ref": "#/components/schemas/OtherPerformer"},
        ],
    }


HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
# Answers every operation can give, in API.md's error shape, documented once here rather than
# on each view (flask-smorest documents each view's success and its 422 itself).
COMMON_ERRORS = {
    "401": "unauthorized: no valid API key.",
    "403": "forbidden: this key's role may not do this.",
    "503": "unavailable: the database cannot be reached; try again after Retry-After.",
}
RETRY_AFTER = {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 0}}
HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "description": "Bearer (RFC 6750).", "schema": {"type": "string"}
        }
    },
    "429": {"Retry-After": RETRY_AFTER},
    "503": {"Retry-After": RETRY_AFTER},
}
# Operations that read a JSON body: 413 past MAX_CONTENT_LENGTH, 415 for another type.
BODY_ERRORS = {
    "413": "payload_too_large: the body is over 1 MB.",
    "415": "unsupported_media_type: the body is not application/json.",
}
# Operations under an abuse limit (`p2p.limits`): 429 with Retry-After past it.
LIMITED = {
    ("get", "/api/v1/cases/{case_ref}/p2p-availability"),
    ("post", "/api/v1/holds"),
    ("post", "/api/v1/appointments"),
    ("post", "/api/v1/appointments/{appointment_id}/reschedule"),
    ("post", "/api/v1/appointments/{appointment_id}/cancel"),
}
# Operations that take a reviewer's time: 409 when it is taken, or the appointment cannot
# change any more.
TAKES_TIME = {
    ("post", "/api/v1/appointments"),
    ("post", "/api/v1/holds"),
    ("post", "/api/v1/appointments/{appointment_id}/reschedule"),
    ("post", "/api/v1/appointments/{appointment_id}/cancel"),
    ("post", "/api/v1/appointments/{appointment_id}/outcome"),
}


def _document_common_errors(api: Api) -> None:
    for path, operations in api.spec._paths.items():  # apispec's registry of documented paths
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            extra = dict(COMMON_ERRORS)
            if "{" in path:
                extra["404"] = "not_found: nothing at this path (or not for this caller)."
            if (method, path) in TAKES_TIME:
                extra["409"] = (
                    "slot_unavailable or conflict: the time is taken, or the appointment "
                    "can no longer change."
                )
            if "requestBody" in operation:
                extra.update(BODY_ERRORS)
            if (method, path) in LIMITED:
                extra["429"] = "rate_limited: too many of these from this key; see Retry-After."
            responses = operation.setdefault("responses", {})
            for status, description in extra.items():
                answer = {"description": description, "content": ERROR_BODY}
                if status in HEADERS:
                    answer["headers"] = HEADERS[status]
                responses.setdefault(status, answer)


# OpenAPI links: where an answer's id goes next, so that a client (and schemathesis's
# stateful phase) can follow a booking or a hold through its whole life.
APPOINTMENT = {"appointment_id": "$response.body#/id"}
LINKS = {
    ("post", "/api/v1/appointments", "201"): {
        "GetAppointment": ("get", "/api/v1/appointments/{appointment_id}", APPOINTMENT),
        "RescheduleAppointment": (
            "post", "/api/v1/appointments/{appointment_id}/reschedule", APPOINTMENT
        ),
        "CancelAppointment": ("post", "/api/v1/appointments/{appointment_id}/cancel", APPOINTMENT),
        "GetCalendarFile": (
            "get", "/api/v1/appointments/{appointment_id}/calendar.ics", APPOINTMENT
        ),
        "GetHistory": ("get", "/api/v1/appointments/{appointment_id}/history", APPOINTMENT),
    },
    ("post", "/api/v1/holds", "201"): {
        "ReleaseHold": ("delete", "/api/v1/holds/{hold_id}", {"hold_id": "$response.body#/id"}),
    },
    ("post", "/api/v1/waitlist", "201"): {
        "GetWaitlistEntry": (
            "get", "/api/v1/waitlist/{entry_id}", {"entry_id": "$response.body#/id"}
        ),
        "LeaveWaitlist": (
            "delete", "/api/v1/waitlist/{entry_id}", {"entry_id": "$response.body#/id"}
        ),
    },
}


def operation_id(method: str, path: str) -> str:
    """The operationId every operation gets here, for links to name their target."""
    words = [part.strip("{}").replace("-", "_").replace(".", "_") for part in path.split("/")]
    return "_".join([method, *[word for word in words[3:] if word]])


def _document_links(api: Api) -> None:
    paths = api.spec._paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                operation.setdefault("operationId", operation_id(method, path))
    for (method, path, status), links in LINKS.items():
        response = paths[path][method]["responses"][status]
        response["links"] = {
            name: {
                "operationId": paths[target][target_method]["operationId"],
                "parameters": parameters,
            }
            for name, (target_method, target, parameters) in links.items()
        }
