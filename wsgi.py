"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from p2p import create_app

app = create_app()
