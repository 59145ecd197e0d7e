"""Browser tests: the pages in real Chromium (Debian's, at /usr/bin/chromium), driven by
Playwright for Python, headless, against the app served on a loopback port. Never
`playwright install`: the browser comes from the system (`.ci/run` installs it).

Every page a test visits can be audited by axe-core (`audit`), from the project's own
node_modules (npm ci). Screenshots of each step go to tests/e2e/screenshots/ (ignored).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.integration.booking_helpers import booking_world  # noqa: F401 (a fixture)
from tests.pages.conftest import PROVIDER, link_path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).parent / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


def _missing(what: str) -> None:
    # CI must run these: there a missing browser is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: .ci/run installs it")
    pytest.skip(f"{what} is missing (apt-get install chromium; npm ci)")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _missing(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app, booking_world):  # noqa: F811
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def context(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="America/Los_Angeles"
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def provider_url(client, portal, live_server):
    """A sign-in link for the provider, with these cases, on the live server."""

    def issue(case_refs=("A1",), **changes) -> str:
        body = {**PROVIDER, "case_refs": list(case_refs), **changes}
        response = client.post("/api/v1/provider-sessions", json=body, headers=portal)
        assert response.status_code == 201, response.json
        return live_server + link_path(response.json["url"])

    return issue


@pytest.fixture
def reviewer_url(client, portal, live_server):
    def issue(reviewer_id="ny") -> str:
        response = client.post(
            "/api/v1/reviewer-sessions", json={"reviewer_id": reviewer_id}, headers=portal
        )
        assert response.status_code == 201, response.json
        return live_server + link_path(response.json["url"])

    return issue


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing(str(AXE))
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def audit(axe_source, request):
    """Audit the page as it is now; fail on any violation of serious or critical impact.
    axe is evaluated through the DevTools protocol, which the pages' CSP does not block."""

    def run(page, name: str) -> list[dict]:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{request.node.name}-{name}.png"), full_page=True)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        results = page.evaluate(
            """tags => axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                rules: {'target-size': {enabled: true}},
                resultTypes: ['violations'],
            })""",
            AXE_TAGS,
        )
        serious = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]][:5],
            }
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{name}: {serious}"
        return results["violations"]

    return run
