"""The P2P consultation scheduler: a Flask service (see README.md)."""

import logging
import os

from flask import Flask

from p2p import config, serving

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """The one place the application is assembled."""
    # No Flask static route: whitenoise serves /static (p2p/web/__init__.py).
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    config.check(app.config)
    from p2p import jobs

    # A job name that is no job stops every process at start, not only the scheduler.
    jobs.job_intervals(app.config["P2P_JOB_INTERVALS"])
    if hops := app.config["P2P_PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.json.sort_keys = False
    serving.app_logging()
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from p2p.extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)

    from p2p import api as api_package
    from p2p import cli, context, headers, health, limits, web

    headers.init_app(app)
    context.init_app(app)
    limits.init_app(app)
    api_package.init_app(app)
    health.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app
