"""A baseline for benchmarks/slots.py: the same app serving a static JSON document.

Registered only when `P2P_BENCHMARK_STATIC_JSON` names a file (never in normal running).
Two baselines: `static.json` serializes the document on every request through the app's
JSON provider (as a view returning a constant dict does, and as a slot search computed
afresh does); `static-bytes.json` sends it already serialized (as a search answered from
its memo does, and as a static file is).
"""

import json
from pathlib import Path

from flask import Blueprint, Flask, current_app


def init_app(app: Flask) -> None:
    path = app.config.get("P2P_BENCHMARK_STATIC_JSON")
    if not path:
        return
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    bp = Blueprint("benchmark", __name__)

    @bp.get("/_benchmark/static.json")
    def static_document():
        return current_app.json.response(document)

    body = app.json.response(document).get_data()

    @bp.get("/_benchmark/static-bytes.json")
    def static_bytes():
        return current_app.response_class(body, mimetype=current_app.json.mimetype)

    app.register_blueprint(bp)
