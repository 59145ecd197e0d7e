"""Server-rendered pages. For now the landing page; the provider and medical-director pages
(ROADMAP.md) will live here and call the same services as the JSON API."""

from flask import Blueprint, Flask, render_template

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
def index():
    return render_template("index.html")


def init_app(app: Flask) -> None:
    from p2p.web import feeds

    app.register_blueprint(bp)
    app.register_blueprint(feeds.bp)
