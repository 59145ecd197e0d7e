"""A baseline for benchmarks/slots.py: the same app serving a static JSON document.

Registered only when `P2P_BENCHMARK_STATIC_JSON` names a file (never in normal running).
The document is parsed once and serialized on every request through the app's JSON
provider, so the only difference from a slot search is the search itself.
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

    app.register_blueprint(bp)
