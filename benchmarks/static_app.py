"""A baseline for benchmarks/slots.py: the service's own app, plus a static JSON document
served by it (`gunicorn benchmarks.static_app:app`, with `P2P_BENCHMARK_STATIC_JSON`
naming the file). The service itself never has these routes.

Two baselines: `static.json` serializes the document on every request through the app's
JSON provider (as a view returning a constant dict does, and as a slot search computed
afresh does); `static-bytes.json` sends it already serialized (as a search answered from
its memo does, and as a static file is).
"""

import json
import os
from pathlib import Path

from flask import Blueprint, current_app

from p2p import create_app

app = create_app()
_document = json.loads(Path(os.environ["P2P_BENCHMARK_STATIC_JSON"]).read_text(encoding="utf-8"))
_body = app.json.response(_document).get_data()
_static = Blueprint("benchmark", __name__)


@_static.get("/_benchmark/static.json")
def static_document():
    return current_app.json.response(_document)


@_static.get("/_benchmark/static-bytes.json")
def static_bytes():
    return current_app.response_class(_body, mimetype=current_app.json.mimetype)


app.register_blueprint(_static)
