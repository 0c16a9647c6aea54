"""Listing pages rendered in a headless browser (scrapy-playwright on the system's Chromium).

Only listing pages are ever rendered, and only when they need it:
- a portal whose registry entry says `options.render = "browser"`: its listing requests are sent to
  the browser from the start;
- a listing page that arrives as a JavaScript shell (`js_shell_reason`: no report link, an app root
  element, a script that fetches JSON) and that no CMS family knows how to walk: it is fetched
  again, once, through the browser, and the portal's later listing pages go to the browser at once.
Report pages never go through the browser, nor do a family's API calls (POST, .json, .xml):
scrapy-playwright's download handler passes every request without `meta["playwright"]` to Scrapy's
own HTTP handler.

`BrowserAddon` (settings.py ADDONS) wires this up when `REPORTS_BROWSER` is on (the default):
scrapy-playwright's download handler for http/https, Playwright's launch options pointing at
`REPORTS_BROWSER_EXECUTABLE` (no browser download ever), the navigation timeout and
`RenderingMiddleware`. The Playwright driver and the browser start only when the first page is
rendered (`LazyBrowserProvider`), so a crawl that renders nothing starts neither.
`-s REPORTS_BROWSER=0` switches all of it off (a shell listing then stays a "no report link" failure).
"""
from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy_playwright.provider import PlaywrightBrowserProvider

from crawler import defaults
from crawler.extract.title import is_annual_report
from crawler.families.registry import FAMILIES

logger = logging.getLogger(__name__)

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# Chromium on a machine whose network is closed: nothing that phones home, no GPU, no sandbox
# (containers and CI runners rarely allow Chromium's user-namespace sandbox).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
                 "--disable-extensions", "--metrics-recording-only", "--mute-audio"]

# The element a single-page application mounts itself on.
APP_ROOTS = ("div#app, #root, #__next, #__nuxt, [ng-app], [data-ng-app], [ng-controller], "
             "[data-reactroot], [v-cloak], [x-data]")
# Script text that loads data after the page has arrived.
FETCHES_DATA = re.compile(r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|\$http\b|"
                          r"\baxios\b|\.json\b", re.I)


def js_shell_reason(html: str) -> str | None:
    """Why this listing page looks like a JavaScript shell whose list the browser fills in, or None.

    All three must hold: no link whose title is an annual report, an app root element, and a
    script (or an AngularJS `ng-data` attribute) that fetches data."""
    selector = Selector(text=html, type="html")
    titles = (" ".join(a.attrib.get("title", "").split() or a.css("::text").getall()) for a in selector.css("a"))
    if any(is_annual_report(t.strip()) for t in titles):
        return None
    roots = selector.css(APP_ROOTS)
    if not roots:
        return None
    fetching = [s for s in selector.css("script::text").getall() if FETCHES_DATA.search(s)]
    fetching += selector.css("[ng-data]").xpath("@ng-data").getall()
    if not fetching:
        return None
    root = roots[0].root
    name = root.tag + (f"#{root.get('id')}" if root.get("id") else "") + (
        "[ng-app]" if root.get("ng-app") is not None else "")
    return f"no report link, app root <{name}>, {len(fetching)} script(s) fetching data"


def known_family(response: Response) -> str | None:
    """The CMS family (not the generic one) that walks this page itself, e.g. gkmlpt's shell."""
    for cls in FAMILIES.values():
        if cls.name != "generic" and cls.recognise(response):
            return cls.name
    return None


def _portal(request: Request):
    return request.cb_kwargs.get("portal") if request.cb_kwargs else None


def _portal_id(request: Request) -> str:
    portal = _portal(request)
    return getattr(portal, "id", None) or request.meta.get("portal_id") or "?"


def _data_request(request: Request) -> bool:
    """A family's call of a listing API (a POST, a .json or .xml answer): never for the browser."""
    return request.method != "GET" or urlsplit(request.url).path.lower().endswith((".json", ".xml"))


def _first_line(text: str) -> str:
    for line in str(text).splitlines():
        line = line.strip(" =")
        if line:
            return line[:300]
    return ""


class BrowserError(Exception):
    """A listing page could not be rendered; the message is one line naming the portal."""


class RenderingMiddleware:
    """Sends the listing requests that need a browser to scrapy-playwright (see the module text)."""

    def __init__(self, stats, timeout: float, executable: str):
        self.stats = stats
        self.timeout = timeout
        self.executable = executable
        self.render_portals: set[str] = set()      # portals whose listing turned out to be a shell

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("REPORTS_BROWSER", True):
            raise NotConfigured("REPORTS_BROWSER is off")
        options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
        playwright_log = logging.getLogger("scrapy-playwright")
        if not any(isinstance(f, _OneLine) for f in playwright_log.filters):
            playwright_log.addFilter(_OneLine())
        return cls(crawler.stats, settings.getfloat("REPORTS_BROWSER_TIMEOUT", defaults.BROWSER_TIMEOUT),
                   options.get("executable_path")
                   or settings.get("REPORTS_BROWSER_EXECUTABLE", defaults.BROWSER_EXECUTABLE))

    def _rendered(self, request: Request, reason: str) -> Request:
        meta = {**request.meta, "playwright": True, "reports_render": reason,
                # a list filled by fetch() is complete once the network is quiet
                "playwright_page_goto_kwargs": {"wait_until": "networkidle", "timeout": self.timeout * 1000}}
        return request.replace(meta=meta, dont_filter=True)

    def process_request(self, request: Request, spider=None):
        if not request.meta.get("listing") or request.meta.get("playwright") or _data_request(request):
            return None
        portal = _portal(request)
        options = getattr(portal, "options", None) or {}
        if options.get("render") == "browser":
            reason = "registry option render=browser"
        elif getattr(portal, "id", None) in self.render_portals:
            reason = "the portal's first listing page was a JavaScript shell"
        else:
            return None
        self.stats.inc_value("reports/rendering/listing_requests")
        return self._rendered(request, reason)

    def process_response(self, request: Request, response: Response, spider=None):
        if "playwright" in response.flags:
            self.stats.inc_value("reports/rendering/rendered")
            return response
        if (not request.meta.get("listing") or request.meta.get("reports_render")
                or not isinstance(response, HtmlResponse) or response.status != 200):
            return response
        reason = js_shell_reason(response.text)
        if reason is None or known_family(response):
            return response
        portal_id = _portal_id(request)
        self.render_portals.add(portal_id)
        self.stats.inc_value("reports/rendering/js_shell")
        logger.info("portal %s: the listing %s is a JavaScript shell (%s): rendering it in the browser",
                    portal_id, response.url, reason)
        return self._rendered(request, f"JavaScript shell: {reason}")

    def process_exception(self, request: Request, exception: Exception, spider=None):
        if not request.meta.get("playwright") or isinstance(exception, BrowserError):
            return None
        portal_id = _portal_id(request)
        text = f"{type(exception).__name__}: {exception}"
        if "TimeoutError" in type(exception).__name__ or "Timeout " in text:
            self.stats.inc_value("reports/rendering/timeout")
            message = (f"portal {portal_id}: the listing did not finish rendering within "
                       f"{self.timeout:g} s ({request.url})")
        elif "launch" in text.lower() or "executable" in text.lower():
            self.stats.inc_value("reports/rendering/browser_failed")
            message = (f"portal {portal_id}: the browser could not start ({self.executable or 'Chromium'}): "
                       f"{_first_line(exception)}")
        else:
            self.stats.inc_value("reports/rendering/failed")
            message = f"portal {portal_id}: rendering {request.url} failed: {_first_line(text)}"
        logger.error(message)
        raise BrowserError(message) from None


class _OneLine(logging.Filter):
    """scrapy-playwright logs a failed page with its traceback and Playwright's call log; the crawl's
    log gets the first line (RenderingMiddleware logs the one-line reason naming the portal)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or "\n" in record.getMessage():
            record.msg, record.args = _first_line(record.getMessage()), ()
            record.exc_info = record.exc_text = None
        return True


class LazyBrowserProvider(PlaywrightBrowserProvider):
    """Playwright's default provider, but the Playwright driver starts with the first rendered page
    instead of with the crawl: a crawl that renders nothing starts no Node driver and no browser."""

    started = False

    async def start(self) -> None:
        return None

    async def launch_browser(self):
        if not self.started:
            await super().start()
            self.started = True
        return await super().launch_browser()

    async def close(self) -> None:
        if self.started:
            await super().close()


class BrowserAddon:
    """With REPORTS_BROWSER on: scrapy-playwright's handler, its launch options and the middleware."""

    def update_settings(self, settings) -> None:
        if not settings.getbool("REPORTS_BROWSER", True):
            return
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.update({"http": HANDLER, "https": HANDLER})
        settings.set("DOWNLOAD_HANDLERS", handlers, "addon")
        timeout = settings.getfloat("REPORTS_BROWSER_TIMEOUT", defaults.BROWSER_TIMEOUT)
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", "addon")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {
            "executable_path": settings.get("REPORTS_BROWSER_EXECUTABLE", defaults.BROWSER_EXECUTABLE),
            "headless": True, "args": CHROMIUM_ARGS, "timeout": timeout * 1000}, "addon")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout * 1000, "addon")
        settings.set("PLAYWRIGHT_BROWSER_PROVIDER", "crawler.rendering.LazyBrowserProvider", "addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 2, "addon")
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", RenderingMiddleware, 600)
