"""What the edges (API views, pages, jobs, CLI) hand to a use case, read from the app once:
the scheduling settings, the process's slot-answer memo, and the base of the links the
service hands out. Use cases take these as arguments and never read the app themselves."""

from dataclasses import replace

from flask import Flask, current_app, has_request_context, request

from p2p.config import Scheduling
from p2p.services.answers import AnswerMemo

_SETTINGS = "p2p_scheduling"
_ANSWERS = "p2p_slot_answers"


def init_app(app: Flask) -> None:
    app.extensions[_SETTINGS] = replace(Scheduling.from_config(app.config), link_for=sign_in_url)
    budget = app.config["P2P_SLOT_ANSWERS_MB"] * 2**20
    app.extensions[_ANSWERS] = AnswerMemo(budget) if budget else None


def scheduling() -> Scheduling:
    return current_app.extensions[_SETTINGS]


def slot_answers() -> AnswerMemo | None:
    return current_app.extensions[_ANSWERS]


def base_url() -> str:
    """`P2P_BASE_URL` when set, else the scheme, host and port this request came to (the
    Host header is checked against TRUSTED_HOSTS first). Without a request (a job, the
    CLI) and without the setting: a loopback default, as `make run` serves."""
    configured = current_app.config.get("P2P_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def sign_in_url(token: str) -> str:
    """The absolute URL of a sign-in link (with or without a request: the CLI makes them)."""
    path = current_app.url_map.bind("localhost").build("pages.sign_in", {"token": token})
    return f"{base_url()}{path}"


def ics_url(appointment_id: str) -> str:
    return f"{base_url()}/api/v1/appointments/{appointment_id}/calendar.ics"


def feed_url(secret: str) -> str:
    return f"{base_url()}/calendar-feeds/{secret}.ics"
