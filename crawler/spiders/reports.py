"""The one spider: registry lookup (or family detection), discovery, listing walk, report pages.

    scrapy crawl reports -a portal=ID[,ID…] | -a province=黑龙江 [-a prefecture=P] [-a level=county]
                         | -a url=LISTING_URL | -a site=HOME_URL[,HOME_URL…]
                         [-a since=2018] [-a until=2020] [-a mode=nightly|full]
                         [-a rediscover=1] [-a discover=1] [-a allow_hosts=HOST[,HOST…]]

A portal's annual-report columns are its registered listing (`start_url`), the columns earlier
runs found and remembered (`report_columns`), or, when it has neither, when a remembered column
failed last time, or with `rediscover=1`, the columns a discovery walk finds from its home page
(crawler/discovery.py: best first, within REPORTS_DISCOVERY_BUDGET requests and
REPORTS_DISCOVERY_MAX_DEPTH clicks). `discover=1` only discovers: it fetches no report.

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
import re
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import defaults, discovery
from crawler.discovery import ColumnOutcome, DiscoveryWalk, NavLink
from crawler.extract.title import report_year
from crawler.families.base import Family
from crawler.families.detect import detect_family
from crawler.families.registry import family_class
from crawler.families.shapes import is_report_link
from crawler.items import Column, CrawlFailure, DiscoveredColumn, PortalDiscovered, Report
from crawler.plan import CrawlPlan
from crawler.registry import Portal, load_portals, select_portals
from crawler.urls import canonical_url, registered_domain, seen_key, within
from pipelines.store import CrawlStore, PortalOutcome

# Report pages go before further listing pages. Scrapy's queue is LIFO: the listing pages a pager
# announces, yielded after a page's report links, would be fetched first, the walk would run ahead
# of the report pages, and report requests would pile up in memory (bench/: 2,018 pending requests
# at most in a 20,000-report crawl, 1,391 with this priority, of which ~1,000 are the announced
# listing pages themselves, one per 20 reports and at most REPORTS_MAX_LISTING_PAGES per portal).
REPORT_PAGE_PRIORITY = 1
# Discovery pages go first of all: the columns they find feed the rest of the crawl.
DISCOVERY_PRIORITY = 2


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"reports: a year must be a number, not {value!r}") from None


def _flag(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, portal: str | None = None, province: str | None = None, url: str | None = None,
                 since=None, until=None, mode: str = "nightly", site: str | None = None,
                 prefecture: str | None = None, level: str | None = None, rediscover=None, discover=None,
                 allow_hosts: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (portal or province or url or site or prefecture or level):
            raise ValueError("reports: give -a portal=ID[,ID…], -a province=P, -a url=LISTING_URL "
                             "or -a site=HOME_URL")
        self.portal_ids = _list(portal)
        self.province = province
        self.prefecture = prefecture
        self.level = level
        self.listing_url = url
        self.site_urls = _list(site)
        for home in self.site_urls + ([url] if url else []):
            if not urlsplit(home).hostname or urlsplit(home).scheme not in ("http", "https"):
                raise ValueError(f"reports: {home!r} is not an http(s) URL")
        self.rediscover = _flag(rediscover)
        self.discover_only = _flag(discover)
        self.allow_hosts = tuple(_list(allow_hosts))
        self.since, self.until = _year(since), _year(until)
        if mode not in ("nightly", "full"):
            raise ValueError(f"reports: mode must be nightly or full, not {mode!r}")
        self.mode = mode
        self.store: CrawlStore | None = None           # the crawl's store service, from the crawler
        self.known: dict = {}                           # canonical URL -> validators stored
        self.catch_up = False
        self._seen_listings: set[str] = set()
        self._seen_reports: set[bytes] = set()     # seen_key of each report URL requested
        self.portals: list[Portal] = []
        self._families: dict[str, Family] = {}          # by column URL
        self._listing_pages: dict[str, int] = {}        # by portal
        self._report_links: dict[str, int] = {}         # by portal
        self.remembered: dict[str, list[Column]] = {}   # by portal: columns earlier runs found
        self.needs_discovery: set[str] = set()          # portals whose remembered column failed
        self._walks: dict[str, DiscoveryWalk] = {}
        self._columns: dict[str, str] = {}              # column URL -> portal id
        self._column_reports: dict[str, int] = {}
        self._column_errors: dict[str, str] = {}
        self._columns_read: set[str] = set()
        self._extra_domains: list[str] = []             # .gov.cn platforms a home page redirected to

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.portals = spider._chosen_portals(settings.get("REPORTS_DEMO_URL", ""))
        spider.max_listing_pages = settings.getint("REPORTS_MAX_LISTING_PAGES", defaults.MAX_LISTING_PAGES)
        spider.discovery_budget = settings.getint("REPORTS_DISCOVERY_BUDGET", defaults.DISCOVERY_BUDGET)
        spider.discovery_depth = settings.getint("REPORTS_DISCOVERY_MAX_DEPTH", defaults.DISCOVERY_MAX_DEPTH)
        spider.discovery_concurrency = settings.getint("REPORTS_DISCOVERY_CONCURRENCY", defaults.DISCOVERY_CONCURRENCY)
        spider.distributed = bool(settings.get("REDIS_URL"))
        spider.allowed_domains = sorted({d for p in spider.portals for d in p.domains()})
        return spider

    def _chosen_portals(self, demo_url: str) -> list[Portal]:
        """The portals this crawl is about: registry entries, a bare listing URL, or home pages
        (a registry entry when its home page's site is registered, else a portal of its own)."""
        if self.listing_url:
            host = urlsplit(self.listing_url).hostname or ""
            return [Portal(id=f"url:{host}", name=host, province="", start_url=self.listing_url,
                           allowed_domains=self.allow_hosts)]
        registry = [p.resolved(demo_url) for p in load_portals()]
        portals = select_portals(registry, self.portal_ids, self.province, self.prefecture, self.level) \
            if (self.portal_ids or self.province or self.prefecture or self.level) else []
        by_home = {_site_key(p.home_url): p for p in registry if p.home_url}
        for home in self.site_urls:
            portal = by_home.get(_site_key(home))
            if portal is None:
                portal = Portal(id=f"site:{_site_key(home)}", name=urlsplit(home).hostname, province="",
                                home_url=home, allowed_domains=self.allow_hosts)
            if portal.id not in {p.id for p in portals}:
                portals.append(portal)
        return portals

    def _publish_plan(self) -> None:
        """What the crawl's other components act on, in the crawl's plan (before any item)."""
        plan = self.crawler.get_extension(CrawlPlan)
        plan.since, plan.until, plan.discover_only = self.since, self.until, self.discover_only
        plan.domains = list(self.allowed_domains)
        plan.portal_regions = {p.id: " ".join(x for x in (p.province, p.prefecture, p.county) if x)
                               for p in self.portals}

    def _recall(self) -> None:
        """What earlier crawls stored, from the crawl's store (before this run's own run row)."""
        self.store = self.crawler.get_extension(CrawlStore)
        ids = [p.id for p in self.portals]
        memory = self.store.memory(ids)
        self.known, self.catch_up, self.needs_discovery = memory.known, memory.catch_up, memory.needs_discovery
        for portal_id, rows in memory.columns.items():
            self.remembered[portal_id] = [Column(r.url, r.family or "auto", r.title, r.department, r.found_via)
                                          for r in rows]
        # columns on hosts the registry does not name (a platform a home page redirected to) pass
        # Scrapy's offsite check, whose domains were fixed when the crawl opened
        hosts = {urlsplit(c.url).hostname for columns in self.remembered.values() for c in columns}
        self._extra_domains += sorted({registered_domain(h) for h in hosts if h
                                       and not within(f"http://{h}/", self.allowed_domains)})
        if not self.settings.getbool("REPORTS_REDIS_ENQUEUE_ONLY"):    # seeding a shared queue is no run
            self.store.start_run(self.mode, ids)
        self.logger.info("%d report pages known from earlier crawls%s", len(self.known),
                         "; the last run was cut short or had failures: walking every listing page"
                         if self.catch_up else "")

    def _request(self, url: str, meta: dict | None = None, **kwargs) -> scrapy.Request:
        return scrapy.Request(url, dont_filter=not self.distributed, errback=self.on_error,
                              meta={**(meta or {}), **self._offsite_meta(url)}, **kwargs)

    def _offsite_meta(self, url: str) -> dict:
        """Pages of a .gov.cn platform a home page redirected to during this crawl pass Scrapy's
        offsite check, whose domains were fixed when the crawl opened."""
        if self._extra_domains and within(url, self._extra_domains):
            return {"allow_offsite": True}
        return {}

    # --- start ----------------------------------------------------------------------------------
    async def start(self):
        self._publish_plan()
        self._recall()
        for portal in self.portals:
            if portal.options.get("unsupported"):
                yield self._failure(portal.start_url or portal.home, portal,
                                    f"portal not supported: {portal.options['unsupported']}", None)
                continue
            self._listing_pages[portal.id] = 0
            self._report_links[portal.id] = 0
            columns = self._columns_to_crawl(portal)
            for column in columns:
                request = self._column_request(column, portal)
                if request is not None:
                    yield request
            if self.discover_only or self.rediscover or portal.id in self.needs_discovery or not columns:
                for item in self._start_discovery(portal):
                    yield item

    def _columns_to_crawl(self, portal: Portal) -> list[Column]:
        """The registered listing, and the columns earlier runs found (unless the portal is to be
        rediscovered: one of them failed, or `rediscover=1`). None in discover-only mode."""
        if self.discover_only:
            return []
        columns = [Column(portal.start_url, portal.family, None, None, None)] if portal.start_url else []
        if not (self.rediscover or portal.id in self.needs_discovery):
            columns += [c for c in self.remembered.get(portal.id, []) if c.url != portal.start_url]
        return columns

    def _column_request(self, column: Column, portal: Portal) -> scrapy.Request | None:
        """The first listing page of a column (once per crawl)."""
        request = self._request(column.url, callback=self.parse_listing,
                                cb_kwargs={"portal": portal, "column": column.url},
                                meta={"portal_id": portal.id, "listing": True, "column_first": True})
        key = _listing_key(request)
        if key in self._seen_listings:
            return None
        self._seen_listings.add(key)
        self._listing_pages[portal.id] += 1
        self._columns[column.url] = portal.id
        self._column_reports.setdefault(column.url, 0)
        if column.family != "auto":
            self._families[column.url] = family_class(column.family)(portal.options)
        return request

    # --- discovery ------------------------------------------------------------------------------
    def _start_discovery(self, portal: Portal):
        home = portal.home
        if not home:
            yield self._failure(portal.start_url, portal, "no home page known to discover columns from", None)
            return
        if self.distributed:
            yield self._failure(home, portal, "columns unknown: discovery does not run in distributed mode; "
                                "run `python -m crawler discover` for this portal first", None)
            return
        walk = self._walks[portal.id] = DiscoveryWalk(portal.id, list(portal.domains()), self.discovery_budget,
                                                      self.discovery_depth)
        walk.start(home)
        self.crawler.stats.inc_value("reports/discovery/portals")
        yield self._discovery_request(home, portal, 0, None)

    def _discovery_request(self, url: str, portal: Portal, depth: int, link: NavLink | None) -> scrapy.Request:
        # allow_offsite: a home page may redirect to another .gov.cn platform of its region, which
        # parse_discovery judges; links are kept to the portal's domains before they are requested
        return scrapy.Request(url, callback=self.parse_discovery, errback=self.on_discovery_error,
                              dont_filter=True, priority=DISCOVERY_PRIORITY,
                              meta={"portal_id": portal.id, "allow_offsite": True, "discovery": True},
                              cb_kwargs={"portal": portal, "depth": depth, "link": link})

    def parse_discovery(self, response: Response, portal: Portal, depth: int, link: NavLink | None):
        walk = self._walks[portal.id]
        walk.in_flight -= 1
        self.crawler.stats.inc_value("reports/discovery/pages")
        if not within(response.url, walk.domains):
            refusal = self._follow_platform(response, portal, walk)
            if refusal is not None:
                self.crawler.stats.inc_value("reports/discovery/offsite_refused")
                if depth == 0:
                    walk.stopped_by = refusal
                    yield self._failure(response.url, portal, refusal, response.status)
                yield from self._pump(walk, portal)
                return
        if depth == 0:
            walk.home_url = response.url
        problem = discovery.obstacle(response)
        if problem:
            if depth == 0:
                walk.stopped_by = f"home page: {problem}"
                yield self._failure(response.url, portal, walk.stopped_by, response.status)
            self.crawler.stats.inc_value("reports/discovery/obstacles")
            yield from self._pump(walk, portal)
            return
        label = discovery.is_labelled_column(response)
        column = self._as_column(response, portal, label, link)
        if column is not None:
            walk.columns.append(column)
            self.logger.info("portal %s: annual-report column %s %s (%s%s)", portal.id, column.title or "",
                             column.url, column.family, f", {column.department}" if column.department else "")
            yield DiscoveredColumn(portal.id, column)
            if not self.discover_only:
                yield from self._crawl_discovered(response, portal, column)
        if depth < walk.max_depth:
            department = link.department if link else None
            walk.offer(discovery.nav_links(response, walk.domains, department,
                                           lists_departments=bool(link and link.kind == "departments"),
                                           column_index=bool(label) and column is None), depth + 1)
        yield from self._pump(walk, portal)

    def _follow_platform(self, response: Response, portal: Portal, walk: DiscoveryWalk) -> str | None:
        """A redirect off the portal's domains: followed (and recorded) to another .gov.cn platform
        of the same region; otherwise refused, and why."""
        names = [n for n in (portal.county, portal.prefecture,
                             re.sub(r"(?:人民政府|行政公署)$", "", portal.name or "")) if n]
        if discovery.is_government_platform(response.url) and discovery.same_region(names, response):
            domain = registered_domain(urlsplit(response.url).hostname or "")
            walk.domains.append(domain)
            self._extra_domains.append(domain)
            self.crawler.stats.inc_value("reports/discovery/platform_redirects")
            self.logger.info("portal %s: %s leads to %s, a .gov.cn platform of the same region: followed",
                             portal.id, walk.home_url, response.url)
            return None
        return f"home page redirects off-region to {response.url}"

    def _as_column(self, response: Response, portal: Portal, label: str | None,
                   link: NavLink | None) -> Column | None:
        """The page as an annual-report column, or None: labelled as one with report links or more
        rows to ask for, or with links that are mostly annual reports."""
        cls, reason = detect_family(response)
        if cls is None:
            return None
        family = cls(portal.options)
        links = family.links(response)
        reports = sum(1 for listed in links if is_report_link(listed.title, listed.url))
        more = bool(label) and not reports and any(True for _ in family.next_requests(response))
        if not ((label and (reports or more)) or discovery.mostly_reports(reports, len(links))):
            return None
        self._families[response.url] = family
        title = label or next(iter(discovery.page_labels(response)), None)
        return Column(response.url, cls.name, title, link.department if link else None,
                      link.via if link else None)

    def _crawl_discovered(self, response: Response, portal: Portal, column: Column):
        """A column found by discovery is read at once from the page discovery fetched."""
        request = self._request(column.url, meta={"portal_id": portal.id, "listing": True})
        key = _listing_key(request)
        if key in self._seen_listings:
            return
        self._seen_listings.add(key)
        self._listing_pages[portal.id] += 1
        self._columns[column.url] = portal.id
        self._column_reports.setdefault(column.url, 0)
        yield from self.parse_listing(response, portal, column.url)

    def _pump(self, walk: DiscoveryWalk, portal: Portal):
        for link, depth in walk.take(self.discovery_concurrency):
            yield self._discovery_request(link.url, portal, depth, link)
        if walk.exhausted and not walk.finished:
            walk.finished = True
            self.crawler.stats.inc_value("reports/discovery/requests", walk.spent)
            self.crawler.stats.inc_value("reports/discovery/columns", len(walk.columns))
            self.crawler.stats.set_value(f"reports/discovered/{portal.id}", len(walk.columns))
            if not walk.columns and walk.stopped_by is None:
                yield self._failure(walk.home_url, portal, walk.failure_reason(), None)
            elif walk.columns:
                self.logger.info("portal %s: %d annual-report column(s) found in %d requests", portal.id,
                                 len(walk.columns), walk.spent)
            yield PortalDiscovered(portal_id=portal.id, home_url=walk.home_url, requests=walk.spent,
                                   columns=len(walk.columns))

    def on_discovery_error(self, failure: Failure):
        request = failure.request
        portal, depth = request.cb_kwargs["portal"], request.cb_kwargs["depth"]
        walk = self._walks[portal.id]
        walk.in_flight -= 1
        self.crawler.stats.inc_value("reports/discovery/errors")
        if depth == 0:
            response = getattr(failure.value, "response", None)
            walk.stopped_by = f"home page unreachable: {failure.getErrorMessage() or failure.type.__name__}"
            yield CrawlFailure(url=request.url, portal_id=portal.id, exception=failure.type.__name__,
                               status=getattr(response, "status", None), retries=request.meta.get("retry_times", 0),
                               reason=walk.stopped_by)
        yield from self._pump(walk, portal)

    # --- listings -------------------------------------------------------------------------------
    def parse_listing(self, response: Response, portal: Portal, column: str):
        if response.meta.get("column_first") and self._redirected_home(response, portal, column):
            self._column_errors[column] = f"redirected to the home page ({response.url})"
            return
        family = self._families.get(column)
        if family is None:
            cls, reason = detect_family(response)
            if cls is None:
                self._column_errors.setdefault(column, f"listing not recognised: {reason}")
                yield self._failure(response.url, portal, f"listing not recognised: {reason}", response.status)
                return
            self.logger.info("portal %s: family %s chosen (%s) for column %s", portal.id, cls.name, reason, column)
            family = self._families[column] = cls(portal.options)
            self.crawler.stats.set_value(f"reports/family/{portal.id}", cls.name)
        links = family.links(response)
        reports = [link for link in links if is_report_link(link.title, link.url)]
        self._columns_read.add(column)
        self.crawler.stats.inc_value("reports/listing_pages")
        self.crawler.stats.inc_value("reports/links_skipped_not_report", len(links) - len(reports))
        self._report_links[portal.id] += len(reports)
        self._column_reports[column] = self._column_reports.get(column, 0) + len(reports)
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
            known = self.known.get(canonical_url(link.url))
            new_links += known is None
            yield self._report_request(link, portal, family, known)
        if (self.mode == "nightly" and not self.catch_up and in_range and not new_links
                and family.newest_first(response)):
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
            meta = {k: v for k, v in request.meta.items() if k != "column_first"}
            yield request.replace(callback=self.parse_listing, errback=self.on_error,
                                  dont_filter=not self.distributed,
                                  cb_kwargs={"portal": portal, "column": column},
                                  meta={**meta, "portal_id": portal.id, "listing": True,
                                        **self._offsite_meta(request.url)})

    @staticmethod
    def _redirected_home(response: Response, portal: Portal, column: str) -> bool:
        """A column URL that now lands on the site's home page: the column is gone."""
        landed = urlsplit(response.url)
        return (response.url.rstrip("/") != column.rstrip("/")
                and (landed.path in ("", "/", "/index.html", "/index.htm", "/index.shtml")
                     or _site_key(response.url) == _site_key(portal.home)))

    def _report_request(self, link, portal: Portal, family: Family, known) -> scrapy.Request:
        headers, meta = {}, {"portal_id": portal.id}
        if known is not None and self.mode == "nightly":
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
            meta["handle_httpstatus_list"] = [304]
        document = family.document_url(link)       # a JavaScript page's document, from its API
        return self._request(document or link.url, callback=self.parse_report, headers=headers, meta=meta,
                             priority=REPORT_PAGE_PRIORITY,
                             cb_kwargs={"portal": portal, "family": family.name, "listing_title": link.title,
                                        "listing_date": link.date, "listing_meta": link.meta,
                                        "page_url": link.url if document else None})

    def _in_range(self, year: int) -> bool:
        return (self.since is None or year >= self.since) and (self.until is None or year <= self.until)

    # --- report pages ---------------------------------------------------------------------------
    def parse_report(self, response: Response, portal: Portal, family: str, listing_title: str,
                     listing_date: str | None, listing_meta: dict, page_url: str | None = None):
        """A report page; or, for a page whose document comes from an API (`page_url` set), that
        API's answer, turned into the page by the family and stored under the page's URL."""
        if response.status == 304:
            self.crawler.stats.inc_value("reports/not_modified")
            return
        raw_hash = hashlib.sha256(response.body).hexdigest()
        known = self.known.get(canonical_url(page_url or response.url))
        if known is not None and known.raw_hash == raw_hash and self.mode == "nightly":
            self.crawler.stats.inc_value("reports/unchanged_bytes")
            return
        body = response.body
        if page_url is not None:
            body = family_class(family)(portal.options).document_page(response)
            if body is None:
                yield self._failure(response.url, portal, f"no document in the answer for {page_url}",
                                    response.status)
                return
        redirected_from = response.request.meta.get("redirect_urls") if response.request else None
        yield Report(
            url=page_url or response.url,
            link_url=redirected_from[0] if redirected_from and not page_url else None,
            portal_id=portal.id,
            trusted_hosts=self._trusted_hosts(portal),
            family=family,
            listing_title=listing_title,
            listing_date=listing_date,
            listing_meta=listing_meta or {},
            raw_html=body,
            raw_hash=raw_hash,
            encoding="utf-8" if page_url else getattr(response, "encoding", None),
            http_status=response.status,
            etag=_header(response, "ETag"),
            last_modified=_header(response, "Last-Modified"),
        )

    def _trusted_hosts(self, portal: Portal) -> tuple[str, ...]:
        """Hosts a report may come from besides government ones: what the user allowed, and a
        registry entry's own domains (a bare -a url= or -a site= vouches for nothing)."""
        if portal.id.startswith(("url:", "site:")):
            return self.allow_hosts
        return self.allow_hosts + tuple(portal.domains())

    # --- failures -------------------------------------------------------------------------------
    def on_error(self, failure: Failure):
        request = failure.request
        response = getattr(failure.value, "response", None)
        portal = request.cb_kwargs.get("portal")
        reason = failure.getErrorMessage() or failure.type.__name__
        if request.meta.get("column_first"):
            status = getattr(response, "status", None)
            self._column_errors[request.cb_kwargs["column"]] = f"HTTP {status}" if status else reason
        yield CrawlFailure(url=request.url, reason=reason, portal_id=getattr(portal, "id", None),
                           status=getattr(response, "status", None), exception=failure.type.__name__,
                           retries=request.meta.get("retry_times", 0))

    def _failure(self, url: str, portal: Portal, reason: str, status: int | None) -> CrawlFailure:
        self.logger.warning("portal %s: %s (%s)", portal.id, reason, url)
        return CrawlFailure(url=url, reason=reason, portal_id=portal.id, status=status)

    def closed(self, reason: str) -> None:
        """Tell the store how the crawl went (Scrapy calls this on spider_closed, before the
        store closes the run row)."""
        if self.store is not None:
            self.store.crawl_outcomes(self.portal_outcomes(), self.column_outcomes())

    def portal_outcomes(self) -> list[PortalOutcome]:
        """Per portal: one line on what this crawl gave (`python -m crawler portals` shows it); the
        listing whose columns gave no report link at all (a silent empty crawl is a failure); and
        whether the registry portal is verified. Distributed workers know only their share: no
        line, no empty-listing verdict."""
        crawled = set(self._columns.values())
        outcomes = []
        for portal in self.portals:
            unsupported = portal.options.get("unsupported")
            links = self._report_links.get(portal.id, 0)
            empty = (not self.distributed and not self.discover_only and not unsupported
                     and portal.id in crawled and links == 0)
            outcomes.append(PortalOutcome(
                portal.id, None if self.distributed else self._portal_line(portal),
                self.crawler.stats.get_value(f"reports/family/{portal.id}") or portal.family,
                (portal.start_url or portal.home) if empty else None,
                verified=(links > 0 or self.distributed) and not unsupported
                and not portal.id.startswith(("url:", "site:"))))
        return outcomes

    def _portal_line(self, portal: Portal) -> str:
        walk = self._walks.get(portal.id)
        columns = sum(1 for owner in self._columns.values() if owner == portal.id)
        links = self._report_links.get(portal.id, 0)
        if portal.options.get("unsupported"):
            return f"not supported: {portal.options['unsupported']}"
        if links:
            return f"{links} report link(s) in {columns} column(s)"
        if walk is not None and walk.finished and not walk.columns:
            return walk.stopped_by or walk.failure_reason()
        if walk is not None and self.discover_only:
            return f"discovery: {len(walk.columns)} column(s) in {walk.spent} requests"
        if columns:
            return f"no report link in {columns} column(s)"
        return "not reached (the crawl ended first)"

    def column_outcomes(self) -> list[ColumnOutcome]:
        """What each column crawled gave: its report links, or why it failed (an error on its
        first listing page, a redirect to the home page, no report link). Only columns this
        process read (distributed workers share the reading of a column)."""
        registered = {p.start_url for p in self.portals}
        remembered = {c.url for columns in self.remembered.values() for c in columns} - registered
        outcomes = []
        for url, portal_id in self._columns.items():
            error = self._column_errors.get(url)
            if error is None and url not in self._columns_read:
                continue
            if error is None and not self._column_reports.get(url) and not self.distributed:
                error = "no report link any more"
            family = self._families.get(url)
            outcomes.append(ColumnOutcome(portal_id, url, family.name if family else None,
                                          self._column_reports.get(url, 0), error, url in remembered))
        return outcomes


def _site_key(url: str) -> str:
    """A home page's identity: host (without www.) and port, and path without index.html."""
    parts = urlsplit(url)
    host = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    path = re.sub(r"/(?:index|default)\.s?html?$", "", parts.path).rstrip("/")
    return f"{host}{path}"


def _listing_key(request: scrapy.Request) -> str:
    """A listing page's identity: POST APIs page through one URL with different form data."""
    return f"{request.method} {request.url} {request.body.decode('latin-1')}"


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
