"""The pages' first visit in Chromium: for each page, what the browser transferred (HTML,
CSS, script and images, compressed, with the cache off) and the load time from its own
navigation timing (navigation start to the load event), served by gunicorn on loopback
over the demo data on SQLite (the embedded default).

    .venv/bin/python -m benchmarks.pages [--runs 7]

Targets (issue 15): under 100 KB and under 300 ms per page. The baseline, measured in the
same run: `/healthz`, a page of a few bytes, which is what loopback, gunicorn and the
browser cost before any page of ours. The median of the runs is printed.
"""

import argparse
import statistics
import tempfile
from pathlib import Path

from benchmarks.harness import flask, gunicorn

CHROMIUM = "/usr/bin/chromium"
TIMING = """() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource');
    const bytes = navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0);
    return {bytes, ms: navigation.loadEventEnd - navigation.startTime, files: 1 + resources.length};
}"""


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def measure(page, url: str, runs: int) -> tuple[float, float, int]:
    """(median KB, median ms, files) of `runs` cold loads of `url`."""
    sizes, times, files = [], [], 0
    for _ in range(runs):
        page.goto(url, wait_until="load")
        figures = page.evaluate(TIMING)
        sizes.append(figures["bytes"] / 1024)
        times.append(figures["ms"])
        files = figures["files"]
    return statistics.median(sizes), statistics.median(times), files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        database = "sqlite:///" + str(Path(folder) / "pages.sqlite3")
        flask("db", "upgrade", database_url=database)
        demo = flask("p2p", "demo", database_url=database)
        reviewer_id = demo.split("sign-in-link reviewer ")[1].split()[0]
        with gunicorn(database, workers=2) as port, sync_playwright() as playwright:
            base = f"http://127.0.0.1:{port}"
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            context = browser.new_context(timezone_id="America/New_York")
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every visit a first

            def link(*args: str) -> str:
                return base + path_of(flask("p2p", "sign-in-link", *args, database_url=database))

            rows = [("baseline: /healthz", *measure(page, base + "/healthz", runs))]
            page.goto(link("provider", "--npi", "1234567893", "--name", "Dr. Jane Doe",
                           "--email", "jane.doe@clinic.example.org", "--case",
                           "DEMO-MEDICAID-OPEN"))
            urls = {"Your time zone": page.url}
            page.get_by_role("button", name="Use this time zone").click()
            urls["Case Info"] = page.url
            page.get_by_role("link", name="Continue to Questions").click()
            urls["Questions"] = page.url
            page.get_by_role("button", name="Show available times").click()
            urls["Schedule"] = page.url
            page.locator(".p2p-times button").first.click()
            urls["Confirmation"] = page.url
            urls["My P2P Requests"] = base + "/p2p/requests"
            page.goto(urls["My P2P Requests"])
            page.locator("table a").first.click()
            urls["An appointment"] = page.url
            for name, url in urls.items():
                rows.append((name, *measure(page, url, runs)))

            page.goto(link("reviewer", reviewer_id))
            page.get_by_role("button", name="Sign in and continue").click()
            rows.append(("Medical director's week", *measure(page, base + "/calendar", runs)))
            page.goto(link("staff", "Bench operations"))
            page.get_by_role("button", name="Sign in and continue").click()
            rows.append(("Operations report (staff)", *measure(page, base + "/report", runs)))
            browser.close()

    print(f"First visit, cache off, median of {runs} (targets: < 100 KB, < 300 ms)")
    print(f"{'page':<26}{'KB':>8}{'ms':>8}{'files':>7}")
    for name, size, ms, files in rows:
        print(f"{name:<26}{size:8.1f}{ms:8.1f}{files:7d}")


if __name__ == "__main__":
    main()
