"""The bench's anchor: bare Scrapy following the links the reports spider follows on the large demo.

    python bench/bare_spider.py DEMO_URL STATS_FILE [-s NAME=VALUE …]

What it follows, as `crawler.spiders.reports` does on a fresh database (`-a province=大型演示`):
the registered start URL of each `大型演示` portal (crawler/registry/demo_large.toml, `{demo}`
replaced by DEMO_URL); on every listing page, the links the portal's family (TRS) finds, kept to
report links (`is_report_link`), each once, requested with the report-page priority; and the
listing pages the family's pager announces (from the first page, at most REPORTS_MAX_LISTING_PAGES
per portal). Finding those links is Scrapy-level work both spiders do, so it reuses the family's
link extraction. A report page is fetched and dropped: no item, no pipeline, no extension, no
middleware of the project; Scrapy's defaults plus the crawl-shaping settings given with -s (the
bench passes the pipeline runs' own) and the project's scheduler queue and cookie setting.

Writes the crawl's final stats as JSON to STATS_FILE, with `bench/cpu_seconds`, the process's CPU
time from spider_opened to spider_closed (start-up excluded).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import defaults  # noqa: E402
from crawler.families.registry import family_class  # noqa: E402
from crawler.families.shapes import is_report_link  # noqa: E402
from crawler.registry import load_portals, select_portals  # noqa: E402
from crawler.spiders.reports import REPORT_PAGE_PRIORITY  # noqa: E402

PROVINCE = "大型演示"
# crawl-shaping settings of crawler/settings.py that change what Scrapy itself does on these pages
PROJECT_SHAPE = {"SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
                 "COOKIES_ENABLED": False, "CONCURRENT_ITEMS": 16}


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, demo_url: str, stats_file: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.portals = select_portals([p.resolved(demo_url) for p in load_portals()], province=PROVINCE)
        self.stats_file = stats_file
        self._seen_reports: set[str] = set()
        self._seen_listings: set[str] = set()
        self._listing_pages: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_listing_pages = crawler.settings.getint("REPORTS_MAX_LISTING_PAGES", defaults.MAX_LISTING_PAGES)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._write_stats, signal=signals.engine_stopped)
        return spider

    def _opened(self) -> None:
        self._cpu_start = time.process_time()

    async def start(self):
        for portal in self.portals:
            family = family_class(portal.family)(portal.options)
            self._seen_listings.add(f"GET {portal.start_url} ")
            self._listing_pages[portal.id] = 1
            yield scrapy.Request(portal.start_url, dont_filter=True, callback=self.parse_listing,
                                 cb_kwargs={"portal_id": portal.id, "family": family})

    def parse_listing(self, response, portal_id: str, family):
        for link in family.links(response):
            if not is_report_link(link.title, link.url) or link.url in self._seen_reports:
                continue
            self._seen_reports.add(link.url)
            yield scrapy.Request(family.document_url(link) or link.url, dont_filter=True,
                                 callback=self.parse_report, priority=REPORT_PAGE_PRIORITY)
        for request in family.next_requests(response):
            key = f"{request.method} {request.url} {request.body.decode('latin-1')}"
            if key in self._seen_listings or self._listing_pages[portal_id] >= self.max_listing_pages:
                continue
            self._seen_listings.add(key)
            self._listing_pages[portal_id] += 1
            yield request.replace(callback=self.parse_listing, dont_filter=True,
                                  cb_kwargs={"portal_id": portal_id, "family": family})

    def parse_report(self, response):
        return None

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value("bench/cpu_seconds", time.process_time() - self._cpu_start)

    def _write_stats(self) -> None:
        """On engine_stopped, when the stats are final (as the project's StatsFile writes them)."""
        Path(self.stats_file).write_text(json.dumps(self.crawler.stats.get_stats(), default=str), encoding="utf-8")


def main(argv: list[str]) -> int:
    demo_url, stats_file, rest = argv[0], argv[1], argv[2:]
    settings = dict(PROJECT_SHAPE)
    for flag, pair in zip(rest[::2], rest[1::2], strict=True):
        if flag != "-s":
            raise SystemExit(f"usage: {__doc__.splitlines()[2].strip()}")
        name, _, value = pair.partition("=")
        settings[name] = value
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, demo_url=demo_url, stats_file=stats_file)
    process.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
