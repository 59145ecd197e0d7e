"""`flask --app wsgi p2p ...` commands."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from p2p.clock import now
from p2p.context import scheduling
from p2p.errors import P2PError
from p2p.models import API_ROLES
from p2p.schemas.policy_file import DEFAULT_POLICY_FILE, PolicyFileError, read_policy_file
from p2p.schemas.reviewer_csv import parse_reviewer_csv
from p2p.services import api_keys, policies, reviewers
from p2p.services.callers import Caller

p2p = AppGroup("p2p", help="P2P scheduler administration.")


def _fail(error: P2PError) -> None:
    raise click.ClickException(error.message)


@p2p.command("create-api-key")
@click.argument("name")
@click.option("--role", type=click.Choice(API_ROLES), required=True)
@click.option(
    "--health-plan",
    "health_plans",
    multiple=True,
    help="Limit a portal key to this health plan's cases and appointments (repeatable).",
)
def create_api_key(name: str, role: str, health_plans: tuple[str, ...]) -> None:
    """Make an API key; it is printed once, alone on the last line."""
    try:
        key = api_keys.create_api_key(name, role, now(), health_plans)
    except P2PError as error:
        _fail(error)
    scope = f" for {', '.join(sorted(set(health_plans)))}" if health_plans else ""
    click.echo(f"Created {role} key {name!r}{scope}. Store it now: only its hash is kept.")
    click.echo(key)


@p2p.command("revoke-api-key")
@click.argument("name")
def revoke_api_key(name: str) -> None:
    """Revoke an API key; requests with it get 401 from now on."""
    try:
        api_keys.revoke_api_key(name, now())
    except P2PError as error:
        _fail(error)
    click.echo(f"Revoked API key {name!r}.")


@p2p.command("load-policies")
@click.argument(
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_POLICY_FILE,
)
def load_policies(file: Path) -> None:
    """Load policies and state rules from FILE (default: the shipped defaults)."""
    try:
        document = read_policy_file(file)
    except PolicyFileError as error:
        raise click.ClickException(str(error)) from error
    try:
        counts = policies.load_policy_file(document, now())
    except P2PError as error:
        raise click.ClickException(f"{file}: nothing loaded: {error.message}") from error
    click.echo(
        f"Loaded policy file version {document['version']}: "
        f"{counts['policies_created']} policies created, {counts['policies_updated']} updated, "
        f"{counts['state_rules']} state rules."
    )


@p2p.command("import-reviewers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_reviewers(file: Path) -> None:
    """Load or update reviewers from a CSV file, all or nothing.

    Columns: reviewer_id, name, credentials, specialties, case_types, licensed_states,
    time_zone, mon .. sun, active, and email (optional: where their invitations and
    reminders go). Lists are separated by ";" and each day's hours are written
    "08:00-12:00;13:00-17:00" (wall clock in the reviewer's zone).
    """
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file}: cannot read: {error}") from error
    rows, problems = parse_reviewer_csv(text)
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems)
        raise click.ClickException(
            f"{file}: nothing imported, {len(problems)} problem(s):\n{listing}"
        )
    counts = reviewers.import_reviewers(rows, now(), scheduling())
    click.echo(
        f"Imported {file}: {counts['created']} reviewers created, {counts['updated']} updated."
    )


@p2p.command("scheduler")
def scheduler() -> None:
    """Run the background jobs (reminders, hold expiry, email delivery, completion).

    Run one or more; only the one holding the database lease works, the others stand by.
    """
    import signal
    import threading

    from flask import current_app

    from p2p import jobs

    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)

    def stopping(*_) -> None:
        # Once: a signal arriving inside `stop.set()` (a whole process group killed, a
        # Ctrl-C pressed twice) would run this again within it, without end.
        for signum in signals:
            signal.signal(signum, signal.SIG_IGN)
        stop.set()

    for signum in signals:
        signal.signal(signum, stopping)
    click.echo("Scheduler started; waiting for the lease (Ctrl-C stops it).")
    jobs.run(current_app._get_current_object(), stop)


@p2p.group("sign-in-link")
def sign_in_link() -> None:
    """Make a single-use link (10 minutes) that signs someone in to the pages."""


@sign_in_link.command("provider")
@click.option("--npi", required=True, help="The provider's NPI (the portal vouches for it).")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--case", "case_refs", multiple=True, help="A case to open with (repeatable).")
def provider_sign_in_link(npi: str, name: str, email: str, case_refs: tuple[str, ...]) -> None:
    """A provider's link to the scheduling page, with these cases looked up."""
    from p2p.context import sign_in_url
    from p2p.schemas.sessions import ProviderSessionSchema
    from p2p.services import sign_in

    document = _load(
        ProviderSessionSchema(),
        {"npi": npi, "name": name, "email": email, "case_refs": list(case_refs)},
    )
    try:
        token = sign_in.provider_link(
            document["npi"], document["name"], document["email"], document["case_refs"],
            Caller("cli"), now(),
        )
    except P2PError as error:
        _fail(error)
    click.echo(sign_in_url(token))


@sign_in_link.command("reviewer")
@click.argument("reviewer_id")
def reviewer_sign_in_link(reviewer_id: str) -> None:
    """A medical director's link to their calendar page."""
    from p2p.context import sign_in_url
    from p2p.services import sign_in

    try:
        token = sign_in.reviewer_link(reviewer_id, Caller("cli"), now())
    except P2PError as error:
        _fail(error)
    click.echo(sign_in_url(token))


@sign_in_link.command("staff")
@click.argument("name")
def staff_sign_in_link(name: str) -> None:
    """A staff member's link to the operations report page."""
    from p2p.context import sign_in_url
    from p2p.services import sign_in

    click.echo(sign_in_url(sign_in.staff_link(name, Caller("cli"), now())))


def _load(schema, document: dict) -> dict:
    from marshmallow import ValidationError

    try:
        return schema.load(document)
    except ValidationError as error:
        raise click.ClickException(f"Not valid: {error.messages}") from None


@p2p.command("demo")
@click.option("--reset/--keep", default=False, help="Wipe existing demo data first.")
def demo(reset: bool) -> None:
    """Load the default policies and demo data, and print keys to try the API with."""
    from p2p import demo as demo_data

    click.echo(demo_data.load(now(), reset=reset))


def init_app(app: Flask) -> None:
    app.cli.add_command(p2p)
