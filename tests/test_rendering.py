"""Which listing pages go to the browser (crawler/rendering.py), without a browser: the JavaScript-shell
test on pages, the middleware's decisions on requests and responses, its one-line errors, the add-on."""
from __future__ import annotations

import json

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.demo.portal import DemoPortal
from crawler.demo.site import DemoRequest
from crawler.registry import Portal
from crawler.rendering import HANDLER, BrowserAddon, BrowserError, RenderingMiddleware, js_shell_reason
from tests.conftest import REAL

BASE = "http://127.0.0.1:8765"


def _demo_page(path: str) -> str:
    site = DemoPortal().site
    return site.handle("GET", path, {}, b"").body.decode("utf-8")


def _page(body: str) -> str:
    return f"<html><body><h1>年报</h1>{body}</body></html>"


# --- the pure test -----------------------------------------------------------------------------

def test_the_demo_js_column_is_a_shell_and_says_why():
    reason = js_shell_reason(_demo_page("/jsapp/index.html"))
    assert reason == "no report link, app root <div#app>, 1 script(s) fetching data"


@pytest.mark.parametrize("path", ["/xxgk/zfxxgknb/index.html", "/gkml/ndbg/list.html", "/col/col4417/index.html",
                                  "/info/annual.jsp"])
def test_static_listings_of_the_demo_portal_are_not_shells(path):
    assert js_shell_reason(_demo_page(path)) is None


def test_the_gkmlpt_shell_fetches_nothing_itself_so_it_is_no_shell_here():
    # its family calls the JSON API; the page has an app root but no script that fetches
    assert js_shell_reason(_demo_page("/gkmlpt/index")) is None


@pytest.mark.parametrize("body", [
    '<div id="app"></div><script>fetch("/api/list.json")</script>'
    '<a href="/a.html">南山区2020年政府信息公开工作年度报告</a>',                          # a report link
    '<div id="app"></div><script>fetch("/api/list.json")</script>'
    '<a href="/a.html" title="南山区2020年政府信息公开工作年度报告">南山区2020年…</a>',      # in the title
    '<div class="app"></div><script>fetch("/api/list.json")</script>',                   # no app root
    '<div id="root"></div><script>var a = 1;</script>',                                   # fetches nothing
])
def test_not_a_shell(body):
    assert js_shell_reason(_page(body)) is None


@pytest.mark.parametrize(("body", "root"), [
    ('<div id="root"></div><script>var x = new XMLHttpRequest();</script>', "div#root"),
    ('<main ng-app="app"><div ng-data="/cn/static/data/list.json"></div></main>', "main[ng-app]"),
    ('<div id="app"></div><script>$.ajax({url: "/list"})</script>', "div#app"),
    ('<div id="app"></div><script>axios.get("/list")</script><a href="/notice.html">通知</a>', "div#app"),
])
def test_shells(body, root):
    assert f"app root <{root}>" in js_shell_reason(_page(body))


def test_the_saved_nfra_page_is_an_angular_shell():
    reason = js_shell_reason((REAL / "nfra__detail__1.html").read_text(encoding="utf-8"))
    assert reason.startswith("no report link, app root <div[ng-app]>")


# --- the middleware ----------------------------------------------------------------------------

def _middleware(**settings) -> RenderingMiddleware:
    crawler = get_crawler(settings_dict={"REPORTS_BROWSER_TIMEOUT": 7, **settings})
    crawler.stats.open_spider()
    return RenderingMiddleware.from_crawler(crawler)


def _listing(portal: Portal, url: str = BASE + "/jsapp/index.html", **meta) -> Request:
    return Request(url, cb_kwargs={"portal": portal}, meta={"portal_id": portal.id, "listing": True, **meta})


def _html(request: Request, body: str, flags=None) -> HtmlResponse:
    return HtmlResponse(request.url, body=body.encode("utf-8"), encoding="utf-8", request=request, flags=flags)


PLAIN = Portal(id="demo-jsapp", name="js", province="演示", start_url=BASE + "/jsapp/index.html")
RENDERED = Portal(id="cn-x", name="x", province="全国", start_url=BASE + "/x.html", options={"render": "browser"})


def test_switched_off_by_reports_browser_0():
    with pytest.raises(NotConfigured):
        _middleware(REPORTS_BROWSER=False)


def test_a_render_option_sends_listing_requests_to_the_browser_with_the_timeout():
    mw = _middleware()
    request = mw.process_request(_listing(RENDERED, RENDERED.start_url))
    assert request.meta["playwright"] is True and request.dont_filter
    assert request.meta["playwright_page_goto_kwargs"] == {"wait_until": "networkidle", "timeout": 7000}
    assert request.meta["reports_render"] == "registry option render=browser"
    assert mw.stats.get_value("reports/rendering/listing_requests") == 1
    assert mw.process_request(request) is None                  # already on its way to the browser


@pytest.mark.parametrize(("url", "method"), [(BASE + "/cn/static/data/DocInfo/list_1.json", "GET"),
                                             (BASE + "/module/web/jpage/dataproxy.jsp", "POST"),
                                             (BASE + "/api/list.XML?page=2", "GET")])
def test_a_family_api_call_of_a_rendered_portal_is_not_sent_to_the_browser(url, method):
    mw = _middleware()
    assert mw.process_request(_listing(RENDERED, url).replace(method=method)) is None
    assert mw.process_request(_listing(RENDERED, BASE + "/list.html?page=2")).meta["playwright"]


def test_report_pages_are_never_sent_to_the_browser():
    mw = _middleware()
    report = Request(BASE + "/x/1.html", cb_kwargs={"portal": RENDERED}, meta={"portal_id": RENDERED.id})
    assert mw.process_request(report) is None
    shell = _html(report, _demo_page("/jsapp/index.html"))
    assert mw.process_response(report, shell) is shell


def test_a_shell_listing_is_fetched_again_through_the_browser_once():
    mw = _middleware()
    request = _listing(PLAIN)
    assert mw.process_request(request) is None                  # no option: Scrapy's downloader first
    again = mw.process_response(request, _html(request, _demo_page("/jsapp/index.html")))
    assert isinstance(again, Request) and again.meta["playwright"] and again.url == request.url
    assert again.meta["reports_render"].startswith("JavaScript shell: no report link")
    assert mw.stats.get_value("reports/rendering/js_shell") == 1
    # the browser's answer passes, and so would a shell answer to the re-issued request
    rendered = _html(again, "<div id='app'></div><script>fetch('/x.json')</script>", flags=["playwright"])
    assert mw.process_response(again, rendered) is rendered
    unrendered = _html(again, _demo_page("/jsapp/index.html"))
    assert mw.process_response(again, unrendered) is unrendered
    assert mw.stats.get_value("reports/rendering/js_shell") == 1
    assert mw.stats.get_value("reports/rendering/rendered") == 1
    # the portal's next listing page goes straight to the browser
    page_2 = mw.process_request(_listing(PLAIN, BASE + "/jsapp/index.html?page=2"))
    assert page_2.meta["playwright"] and "first listing page was a JavaScript shell" in page_2.meta["reports_render"]


def test_a_shell_that_a_family_walks_itself_is_left_to_it():
    mw = _middleware()
    request = _listing(PLAIN, "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1&itemId=2")
    page = _html(request, (REAL / "nfra__detail__1.html").read_text(encoding="utf-8"))
    assert mw.process_response(request, page) is page          # the nfra family reads it


def test_json_and_error_answers_are_not_examined():
    mw = _middleware()
    request = _listing(PLAIN, BASE + "/api/list.json")
    answer = TextResponse(request.url, body=b'{"items": []}', encoding="utf-8", request=request)
    assert mw.process_response(request, answer) is answer
    missing = HtmlResponse(request.url, status=404, body=_demo_page("/jsapp/index.html").encode(), encoding="utf-8",
                           request=request)
    assert mw.process_response(request, missing) is missing


@pytest.mark.parametrize(("exception", "message", "stat"), [
    (PlaywrightTimeout("Page.goto: Timeout 7000ms exceeded.\nCall log:\n  - navigating to …"),
     f"portal cn-x: the listing did not finish rendering within 7 s ({BASE}/x.html)", "timeout"),
    (PlaywrightError("BrowserType.launch: Failed to launch chromium because executable doesn't exist at /no/chromium\n"
                     "╔════╗\n║ Looks like Playwright was just installed ║"),
     "portal cn-x: the browser could not start (/no/chromium): BrowserType.launch: Failed to launch chromium "
     "because executable doesn't exist at /no/chromium", "browser_failed"),
])
def test_browser_failures_become_one_line_errors_naming_the_portal(exception, message, stat, caplog):
    mw = _middleware(PLAYWRIGHT_LAUNCH_OPTIONS={"executable_path": "/no/chromium"})
    request = mw.process_request(_listing(RENDERED, RENDERED.start_url))
    with pytest.raises(BrowserError) as raised:
        mw.process_exception(request, exception)
    assert str(raised.value) == message and "\n" not in message
    assert mw.stats.get_value(f"reports/rendering/{stat}") == 1
    assert [r.getMessage() for r in caplog.records if r.name == "crawler.rendering"] == [message]


def test_other_failures_are_left_to_scrapy():
    mw = _middleware()
    plain = _listing(PLAIN)
    assert mw.process_exception(plain, ConnectionRefusedError()) is None


# --- the add-on --------------------------------------------------------------------------------

def test_the_addon_wires_the_browser_only_when_switched_on():
    on = Settings({"REPORTS_BROWSER": True, "REPORTS_BROWSER_EXECUTABLE": "/opt/chromium",
                   "REPORTS_BROWSER_TIMEOUT": 5})
    BrowserAddon().update_settings(on)
    assert on.getdict("DOWNLOAD_HANDLERS") == {"http": HANDLER, "https": HANDLER}
    options = on.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert options["executable_path"] == "/opt/chromium" and options["headless"] is True
    assert {"--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"} <= set(options["args"])
    assert on.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 5000
    assert on["PLAYWRIGHT_BROWSER_PROVIDER"] == "crawler.rendering.LazyBrowserProvider"
    assert on.getdict("DOWNLOADER_MIDDLEWARES")[RenderingMiddleware] == 600
    off = Settings({"REPORTS_BROWSER": False})
    BrowserAddon().update_settings(off)
    assert not off.getdict("DOWNLOAD_HANDLERS") and not off.getdict("DOWNLOADER_MIDDLEWARES")


def test_the_demo_api_answers_the_pages_the_shell_asks_for():
    column = DemoPortal().jsapp
    answer = column.api(DemoRequest("GET", column.api_path, {"page": ["3"]}, {}))
    data = json.loads(answer.body)
    assert (data["page"], data["pages"], data["total"]) == (3, 3, 6)
    assert [i["url"] for i in data["items"]] == [column.detail_path(e) for e in column.entries[4:]]
    assert column.api(DemoRequest("GET", column.api_path, {"page": ["4"]}, {})).status == 404
