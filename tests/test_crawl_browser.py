"""End-to-end through the browser: the demo portal's JavaScript column (its list filled by fetch()) is
crawled by the real spider, its listing pages rendered by scrapy-playwright on the system's Chromium,
its report pages fetched by Scrapy's own downloader. Then what goes wrong: a page that never finishes
rendering, a browser that cannot start, and a crawl that needs no browser starting none.

The crawls are child processes (tests/conftest.py `crawl`), run side by side to keep this file fast."""
from __future__ import annotations

import json
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.demo.portal import DemoPortal
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoResponse
from pipelines import db
from tests.conftest import crawl

pytestmark = pytest.mark.db

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium "
                                    "(Debian: apt-get install chromium; `make system` does)")
MARKER = f"--reports-test-run={uuid.uuid4().hex}"     # finds this file's browsers among the processes
LAUNCH = json.dumps({"executable_path": str(CHROMIUM), "headless": True,
                     "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                              "--disable-component-update", "--disable-sync", "--no-first-run", MARKER]})


class Crawled:
    def __init__(self, result, database_url: str):
        self.result = result
        engine = db.make_engine(database_url)
        with db.session_factory(engine)() as session:
            self.reports = {r.title: r for r in session.scalars(select(db.ReportRow))}
            self.failures = [(f.portal_id, f.url, f.reason) for f in session.scalars(select(db.Failure))]
        engine.dispose()


RUNS = {  # name -> spider arguments, settings
    "browser": ({"portal": "demo-jsapp"}, {"PLAYWRIGHT_LAUNCH_OPTIONS": LAUNCH}),
    "timeout": ({"portal": "demo-jsapp,demo-plain-list"},
                {"PLAYWRIGHT_LAUNCH_OPTIONS": LAUNCH, "REPORTS_BROWSER_TIMEOUT": "3"}),
    "no_browser": ({"portal": "demo-jsapp,demo-plain-list"},
                   {"REPORTS_BROWSER_EXECUTABLE": "/nonexistent/chromium"}),
    "never_renders": ({"portal": "demo-plain-list,demo-gkmlpt"},
                      {"REPORTS_BROWSER_EXECUTABLE": "/nonexistent/chromium"}),
    "switched_off": ({"portal": "demo-jsapp"}, {"REPORTS_BROWSER": "0"}),
}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    portals = {name: DemoPortal() for name in RUNS}
    # the list's JSON never comes: the page never finishes rendering
    portals["timeout"].site.add("/jsapp/api/list.json", DemoResponse(200, b"{}", {"Content-Type": "application/json"},
                                                                     delay=20))
    servers = {name: DemoServer(portal.site) for name, portal in portals.items()}
    for server in servers.values():
        server.__enter__()
    try:
        def run(name):
            args, settings = RUNS[name]
            folder = tmp_path_factory.mktemp(name)
            url = f"sqlite:///{folder / 'reports.sqlite'}"
            result = crawl(url, servers[name].base_url, args, settings, tmp_path=folder, timeout=180)
            return name, Crawled(result, url)

        names = [n for n in RUNS if CHROMIUM.exists() or n in ("no_browser", "never_renders", "switched_off")]
        with ThreadPoolExecutor(max_workers=3) as pool:
            results = dict(pool.map(run, names))
        yield portals, results
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)


def _ok(crawled: Crawled) -> None:
    assert crawled.result.returncode == 0, crawled.result.log[-3000:]
    assert "Traceback" not in crawled.result.log, crawled.result.log[-3000:]


@needs_chromium
def test_the_js_column_is_crawled_through_the_browser(crawls):
    portals, results = crawls
    crawled, column = results["browser"], portals["browser"].jsapp
    _ok(crawled)
    assert crawled.failures == []
    assert sorted(crawled.reports) == sorted(e.title for e in column.reports)      # the notice is not stored
    for entry in column.reports:
        row = crawled.reports[entry.title]
        assert row.url.endswith(column.detail_path(entry))
        assert (row.publisher, row.published_on, row.index_no) == (entry.item.publisher, entry.item.published_on,
                                                                   entry.item.index_no)
        assert "当前位置" not in row.body_text and len(row.body_text) > 200
    log, stats = crawled.result.log, crawled.result.stats
    assert "portal demo-jsapp: the listing" in log
    assert "is a JavaScript shell (no report link, app root <div#app>" in log
    assert "family generic chosen" in log                   # detected on the rendered page
    assert stats["reports/rendering/js_shell"] == 1
    assert stats["reports/listing_pages"] == column.page_count() == stats["reports/rendering/rendered"]


@needs_chromium
def test_report_pages_were_not_rendered(crawls):
    portals, results = crawls
    stats, column, site = results["browser"].result.stats, portals["browser"].jsapp, portals["browser"].site
    pages = column.page_count()
    # the browser navigated to the listing pages only, and fetched their JSON
    assert stats["playwright/page_count"] == stats["playwright/request_count/resource_type/document"] == pages
    assert stats["playwright/request_count/resource_type/fetch"] == pages == site.hits[column.api_path]
    # each report page was fetched once, by Scrapy's downloader (the shell once more than rendered)
    assert all(site.hits[column.detail_path(e)] == 1 for e in column.entries if e.is_report)
    assert site.hits[column.listing_path] == pages + 1
    assert stats["playwright/browser_count"] == 1


@needs_chromium
def test_a_page_that_never_finishes_rendering_is_a_failure_row_and_the_browser_is_closed(crawls):
    _, results = crawls
    crawled = results["timeout"]
    _ok(crawled)
    reasons = [reason for portal, _url, reason in crawled.failures if portal == "demo-jsapp"]
    assert reasons[0].startswith("portal demo-jsapp: the listing did not finish rendering within 3 s (")
    assert crawled.result.stats["reports/rendering/timeout"] == 1
    assert crawled.result.stats["playwright/page_count/closed"] == crawled.result.stats["playwright/page_count"]
    assert "Closing browser" in crawled.result.log
    assert subprocess.run(["pgrep", "-f", MARKER], capture_output=True).stdout == b""    # no Chromium left
    # the other portal of the crawl is stored whole
    assert {r.portal_id for r in crawled.reports.values()} == {"demo-plain-list"} and len(crawled.reports) == 5


def test_a_browser_that_cannot_start_is_one_error_line_naming_the_portal_and_a_failure_row(crawls):
    _, results = crawls
    crawled = results["no_browser"]
    _ok(crawled)
    message = ("portal demo-jsapp: the browser could not start (/nonexistent/chromium): BrowserType.launch: "
               "Failed to launch chromium because executable doesn't exist at /nonexistent/chromium")
    errors = [line for line in crawled.result.log.splitlines() if " ERROR: " in line]
    assert errors == [next(line for line in errors if line.endswith(message))]
    assert ("demo-jsapp", message) in [(portal, reason) for portal, _url, reason in crawled.failures]
    assert crawled.result.stats["reports/rendering/browser_failed"] == 1
    assert len(crawled.reports) == 5 and {r.portal_id for r in crawled.reports.values()} == {"demo-plain-list"}


def test_a_crawl_that_renders_nothing_starts_no_browser(crawls):
    _, results = crawls
    crawled = results["never_renders"]                 # a bogus executable: starting a browser would fail
    _ok(crawled)
    assert crawled.failures == [] and len(crawled.reports) == 5
    assert not [k for k in crawled.result.stats if k.startswith(("playwright/", "reports/rendering/"))]
    assert "Launching browser" not in crawled.result.log


def test_reports_browser_0_switches_rendering_off(crawls):
    _, results = crawls
    crawled = results["switched_off"]
    # nothing stored and a failure recorded: the crawl says so in one line and exits 1
    assert crawled.result.returncode == 1 and "Traceback" not in crawled.result.log
    assert crawled.result.log.strip().splitlines()[-1].startswith("crawl failed: 0 reports stored")
    assert crawled.reports == {}
    assert [reason for _, _, reason in crawled.failures] == ["portal demo-jsapp: its listing yielded no report link"]
    assert "Starting download handler" not in crawled.result.log        # scrapy-playwright not even loaded
