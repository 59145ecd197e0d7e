"""The operations report (admin): JSON, or CSV with `Accept: text/csv`."""

from flask import Response, request
from flask.views import MethodView

from p2p.api.access import requires
from p2p.api.common import api_blueprint
from p2p.clock import now
from p2p.schemas.report import OperationsReportSchema, ReportQuerySchema, as_csv
from p2p.services import report

blp = api_blueprint(
    "reports", "/api/v1/reports", "What became of the P2Ps, week by week (admin)."
)


def scope_of(query: dict) -> report.Scope:
    return report.Scope(query["from_"], query["to"], query["health_plan"],
                        query["line_of_business"])


@blp.route("/operations")
class OperationsView(MethodView):
    @requires("admin")
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, OperationsReportSchema)
    @blp.alt_response(200, content_type="text/csv", description="One row per week.",
                      success=True)
    def get(self, query: dict):
        figures = report.operations(scope_of(query), now())
        if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
            return Response(as_csv(figures), mimetype="text/csv", headers={
                "Content-Disposition":
                    f'attachment; filename="p2p-operations-{figures["from"]}-{figures["to"]}.csv"'
            })
        return figures
