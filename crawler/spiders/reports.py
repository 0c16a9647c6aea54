"""The one spider: registry lookup (or family detection), listing walk, report pages.

    scrapy crawl reports -a portal=ID[,ID…] | -a province=黑龙江 | -a url=LISTING_URL
                         [-a since=2018] [-a until=2020] [-a mode=nightly|full]

Nightly mode (the default) is incremental: known report pages are asked for with conditional
requests (If-None-Match / If-Modified-Since from what the last run stored) and are not parsed
again when their bytes did not change; a listing page whose report links are all known ends
the walk of that listing. `mode=full` walks every listing page and refetches every report.

Requests are de-duplicated by the spider itself (a listing page once per portal, a report URL
once per crawl) rather than by Scrapy's dupefilter, so that a crawl resumed from a JOBDIR after
a hard kill re-walks its listings and fetches whatever was not stored yet. In distributed mode
(REDIS_URL) the shared scrapy-redis dupefilter divides the work between processes instead.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extract.title import is_annual_report, report_year
from crawler.families.base import Family
from crawler.families.detect import detect_family
from crawler.families.registry import family_class
from crawler.items import CrawlFailure, Report
from crawler.registry import Portal, load_portals, select_portals
from pipelines import db
from pipelines.dedupe import seen_key

# Report pages go before further listing pages. Scrapy's queue is LIFO: the listing pages a pager
# announces, yielded after a page's report links, would be fetched first, the walk would run ahead
# of the report pages, and report requests would pile up in memory (bench/: 2,018 pending requests
# at most in a 20,000-report crawl, 1,391 with this priority, of which ~1,000 are the announced
# listing pages themselves, one per 20 reports and at most REPORTS_MAX_LISTING_PAGES per portal).
REPORT_PAGE_PRIORITY = 1


def _year(value) -> int | None:
    return int(value) if value not in (None, "") else None


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, portal: str | None = None, province: str | None = None, url: str | None = None,
                 since=None, until=None, mode: str = "nightly", *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (portal or province or url):
            raise ValueError("reports: give -a portal=ID[,ID…], -a province=P or -a url=LISTING_URL")
        self.portal_ids = [p.strip() for p in portal.split(",") if p.strip()] if portal else []
        self.province = province
        self.listing_url = url
        self.since, self.until = _year(since), _year(until)
        if mode not in ("nightly", "full"):
            raise ValueError(f"reports: mode must be nightly or full, not {mode!r}")
        self.mode = mode
        self.known: dict[str, db.KnownPage] = {}
        self.catch_up = False
        self._seen_listings: set[str] = set()
        self._seen_reports: set[bytes] = set()     # seen_key of each report URL requested
        self.portals: list[Portal] = []
        self._families: dict[str, Family] = {}
        self._listing_pages: dict[str, int] = {}
        self._report_links: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        demo_url = crawler.settings.get("REPORTS_DEMO_URL", "")
        if spider.listing_url:
            host = urlsplit(spider.listing_url).hostname or ""
            spider.portals = [Portal(id=f"url:{host}", name=host, province="", start_url=spider.listing_url)]
        else:
            chosen = select_portals(load_portals(), spider.portal_ids, spider.province)
            spider.portals = [p.resolved(demo_url) for p in chosen]
        spider.allowed_domains = sorted({d for p in spider.portals for d in p.domains()})
        spider.max_listing_pages = crawler.settings.getint("REPORTS_MAX_LISTING_PAGES", 500)
        spider.distributed = bool(crawler.settings.get("REDIS_URL"))
        spider.database_url = crawler.settings.get("DATABASE_URL") or None
        spider._load_known_pages()     # before the store pipeline opens this run's own run row
        return spider

    def _load_known_pages(self) -> None:
        db.upgrade_schema(self.database_url)
        engine = db.make_engine(self.database_url)
        ids = [p.id for p in self.portals]
        try:
            with db.session_factory(engine)() as session:
                self.known = db.known_pages(session, ids)
                self.catch_up = db.last_walk_incomplete(session, ids)
        finally:
            engine.dispose()
        self.logger.info("%d report pages known from earlier crawls%s", len(self.known),
                         "; the last run was cut short or had failures: walking every listing page"
                         if self.catch_up else "")

    def _request(self, url: str, **kwargs) -> scrapy.Request:
        return scrapy.Request(url, dont_filter=not self.distributed, errback=self.on_error, **kwargs)

    # --- start ----------------------------------------------------------------------------------
    async def start(self):
        for portal in self.portals:
            if portal.options.get("unsupported"):
                yield self._failure(portal.start_url, portal, f"portal not supported: {portal.options['unsupported']}",
                                    None)
                continue
            if portal.family != "auto":
                self._families[portal.id] = family_class(portal.family)(portal.options)
            self._listing_pages[portal.id] = 1
            self._report_links[portal.id] = 0
            self._seen_listings.add(_listing_key(scrapy.Request(portal.start_url)))
            yield self._request(portal.start_url, callback=self.parse_listing,
                                cb_kwargs={"portal": portal}, meta={"portal_id": portal.id, "listing": True})

    # --- listings -------------------------------------------------------------------------------
    def parse_listing(self, response: Response, portal: Portal):
        family = self._families.get(portal.id)
        if family is None:
            cls, reason = detect_family(response)
            if cls is None:
                yield self._failure(response.url, portal, f"listing not recognised: {reason}", response.status)
                return
            self.logger.info("portal %s: family %s chosen (%s)", portal.id, cls.name, reason)
            family = self._families[portal.id] = cls(portal.options)
            self.crawler.stats.set_value(f"reports/family/{portal.id}", cls.name)
        links = family.links(response)
        reports = [link for link in links if is_annual_report(link.title)]
        self.crawler.stats.inc_value("reports/listing_pages")
        self.crawler.stats.inc_value("reports/links_skipped_not_report", len(links) - len(reports))
        self._report_links[portal.id] += len(reports)
        new_links = in_range = 0
        for link in reports:
            year = report_year(link.title)
            if year is not None and not self._in_range(year):
                self.crawler.stats.inc_value("reports/links_skipped_year")
                continue
            in_range += 1
            key = seen_key(link.url)
            if key in self._seen_reports:
                continue
            self._seen_reports.add(key)
            known = self.known.get(link.url)
            new_links += known is None
            yield self._report_request(link, portal, family, known)
        if self.mode == "nightly" and not self.catch_up and in_range and not new_links:
            # every report of this page is known: the rest of the listing is older still
            self.crawler.stats.inc_value("reports/listing_walk_stopped")
            return
        for request in family.next_requests(response):
            key = _listing_key(request)
            if key in self._seen_listings:
                continue
            if self._listing_pages[portal.id] >= self.max_listing_pages:
                self.crawler.stats.inc_value("reports/listing_page_cap_reached")
                yield self._failure(request.url, portal,
                                    f"listing page cap {self.max_listing_pages} reached", None)
                break
            self._seen_listings.add(key)
            self._listing_pages[portal.id] += 1
            yield request.replace(callback=self.parse_listing, errback=self.on_error,
                                  dont_filter=not self.distributed, cb_kwargs={"portal": portal},
                                  meta={**request.meta, "portal_id": portal.id, "listing": True})

    def _report_request(self, link, portal: Portal, family: Family, known: db.KnownPage | None) -> scrapy.Request:
        headers, meta = {}, {"portal_id": portal.id}
        if known is not None and self.mode == "nightly":
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
            meta["handle_httpstatus_list"] = [304]
        return self._request(link.url, callback=self.parse_report, headers=headers, meta=meta,
                             priority=REPORT_PAGE_PRIORITY,
                             cb_kwargs={"portal": portal, "family": family.name, "listing_title": link.title,
                                        "listing_date": link.date, "listing_meta": link.meta})

    def _in_range(self, year: int) -> bool:
        return (self.since is None or year >= self.since) and (self.until is None or year <= self.until)

    # --- report pages ---------------------------------------------------------------------------
    def parse_report(self, response: Response, portal: Portal, family: str, listing_title: str,
                     listing_date: str | None, listing_meta: dict, hints: dict | None = None):
        if response.status == 304:
            self.crawler.stats.inc_value("reports/not_modified")
            return
        raw_hash = hashlib.sha256(response.body).hexdigest()
        known = self.known.get(response.url)
        if known is not None and known.raw_hash == raw_hash and self.mode == "nightly":
            self.crawler.stats.inc_value("reports/unchanged_bytes")
            return
        yield Report(
            url=response.url,
            portal_id=portal.id,
            family=family,
            listing_title=listing_title,
            listing_date=listing_date,
            listing_meta=listing_meta or {},
            hints=hints or {},
            raw_html=response.body,
            raw_hash=raw_hash,
            encoding=getattr(response, "encoding", None),
            http_status=response.status,
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )

    # --- failures -------------------------------------------------------------------------------
    def on_error(self, failure: Failure):
        request = failure.request
        response = getattr(failure.value, "response", None)
        portal = request.cb_kwargs.get("portal")
        reason = failure.getErrorMessage() or failure.type.__name__
        yield CrawlFailure(url=request.url, reason=reason, portal_id=getattr(portal, "id", None),
                           status=getattr(response, "status", None), exception=failure.type.__name__,
                           retries=request.meta.get("retry_times", 0))

    def _failure(self, url: str, portal: Portal, reason: str, status: int | None) -> CrawlFailure:
        self.logger.warning("portal %s: %s (%s)", portal.id, reason, url)
        return CrawlFailure(url=url, reason=reason, portal_id=portal.id, status=status)

    def portals_without_reports(self) -> list[Portal]:
        """Portals whose listing gave no report link at all: a silent empty crawl is a failure.
        (Not known in distributed mode: another worker may have read the listing.)"""
        if self.distributed:
            return []
        return [p for p in self.portals
                if self._report_links.get(p.id, 0) == 0 and not p.options.get("unsupported")]


def _listing_key(request: scrapy.Request) -> str:
    """A listing page's identity: POST APIs page through one URL with different form data."""
    return f"{request.method} {request.url} {request.body.decode('latin-1')}"


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
