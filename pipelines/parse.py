"""Parse pipeline: the raw page of a `Report` item becomes its fields, stats and checks.

The work is `parse_page`, a pure function of the page, run in a pool of worker processes
(REPORTS_PARSE_WORKERS, default one fewer than the machine's cores, at least one) so that parsing
uses the cores the reactor does not; 0 parses in the reactor thread. At most
REPORTS_PARSE_QUEUE pages are handed to the pool at once (the other items wait in the pipeline,
holding nothing more), so memory stays flat however fast pages come. The workers are forked when
the spider opens, before the crawl starts any thread; a worker that dies (a page crashing the
parser) costs that page alone: it is recorded as a failure and the pool is started again."""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from itemadapter import ItemAdapter

from crawler import defaults
from crawler.extract.encoding import decode_html
from crawler.extract.report import report_from_html
from crawler.extract.similarity import body_minhash, to_bytes
from crawler.items import CrawlFailure, Report
from crawler.plan import CrawlPlan, PlanPipeline
from crawler.registry.region import report_region
from pipelines.db import compress

logger = logging.getLogger(__name__)

def parse_page(raw_html: bytes, charset: str | None, url: str, listing_title: str | None = None,
               listing_date: str | None = None, listing_meta: dict | None = None, portal_region=None,
               known: dict | None = None, keep_raw: bool = False) -> dict:
    """A report page's bytes -> the report's fields (`report_from_html`), with `encoding` (the one
    it was decoded with), its region (`report_region`; the portal's as fallback), the MinHash
    signature of its body (`minhash`) and, with `keep_raw`, the page compressed (`raw_html_z`).
    `known`: title, publisher and signed_by the item has already, for the region when the page
    gives none."""
    html, encoding = decode_html(raw_html, f"text/html; charset={charset}" if charset else None)
    fields = report_from_html(html, url, listing_title=listing_title, listing_date=listing_date,
                              listing_meta=listing_meta)
    fields["encoding"] = encoding
    given = {name: fields[name] if name in fields else (known or {}).get(name)
             for name in ("publisher", "signed_by", "title")}
    region = report_region(given["publisher"], given["signed_by"], given["title"], portal_region)
    if region is not None:
        fields.update(province=region.province, prefecture=region.prefecture, county=region.county,
                      division_code=region.division_code)
    fields["minhash"] = to_bytes(body_minhash(fields.get("body_text") or ""))
    fields["raw_html_z"] = compress(raw_html) if keep_raw else None
    return fields


def _worker_started(parent: int) -> None:
    """In each worker: Ctrl-C is the crawl's to handle (the pool is shut down with it), and a
    worker whose crawl process is gone (killed) exits instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _ready() -> int:
    return os.getpid()


class ParsePipeline(PlanPipeline):

    def __init__(self, stats, plan, workers: int = 0, queue: int = 0, keep_raw: bool = defaults.STORE_RAW_HTML):
        super().__init__(stats, plan)
        self.workers = workers
        self.queue = queue or 2 * workers + 2
        self.keep_raw = keep_raw
        self.pool: ProcessPoolExecutor | None = None
        self.slots: asyncio.Semaphore | None = None      # pages in the pool at most (made in the loop)
        self.retrying: asyncio.Lock | None = None        # pages parsed again after a worker died

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        workers = settings.getint("REPORTS_PARSE_WORKERS", defaults.PARSE_WORKERS)
        if workers < 0:
            workers = max(1, (os.cpu_count() or 1) - 1)
        from scrapy.utils.reactor import is_asyncio_reactor_installed
        if workers and not is_asyncio_reactor_installed():
            logger.warning("REPORTS_PARSE_WORKERS needs the asyncio reactor; parsing in the reactor thread")
            workers = 0
        return cls(crawler.stats, crawler.get_extension(CrawlPlan), workers,
                   settings.getint("REPORTS_PARSE_QUEUE", defaults.PARSE_QUEUE),
                   settings.getbool("REPORTS_STORE_RAW_HTML", defaults.STORE_RAW_HTML))

    def open_spider(self, spider=None) -> None:
        if self.workers:
            self._start_pool()

    def close_spider(self, spider=None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _start_pool(self) -> None:
        """Fork the workers now (Linux; elsewhere they are spawned) and wait until they run."""
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method),
                                        initializer=_worker_started, initargs=(os.getpid(),))
        for started in [self.pool.submit(_ready) for _ in range(self.workers)]:
            started.result()

    async def process_item(self, item):
        if not isinstance(item, Report) or item.raw_html is None:
            return item
        arguments = (item.raw_html, item.encoding, item.url, item.listing_title, item.listing_date,
                     item.listing_meta, self.plan.portal_regions.get(item.portal_id),
                     {"title": item.title, "publisher": item.publisher, "signed_by": item.signed_by}, self.keep_raw)
        try:
            fields = await self._parse(arguments)
        except Exception as exc:  # a broken page is a recorded failure, never a crashed crawl
            logger.error("cannot parse %s: %s: %s", item.url, type(exc).__name__, exc,
                         exc_info=not isinstance(exc, BrokenProcessPool))
            self.stats.inc_value("reports/parse_errors")
            reason = "the parser's process died on this page" if isinstance(exc, BrokenProcessPool) else str(exc)
            return CrawlFailure(url=item.url, portal_id=item.portal_id, status=item.http_status,
                                exception=type(exc).__name__, reason=f"parse error: {reason}")
        adapter = ItemAdapter(item)
        for name, value in fields.items():
            adapter[name] = value
        self.stats.inc_value("reports/parsed")
        self.stats.inc_value("reports/stats_cells", len(item.stats))
        return item

    async def _parse(self, arguments: tuple) -> dict:
        if not self.workers:
            return parse_page(*arguments)
        if self.slots is None:
            self.slots, self.retrying = asyncio.Semaphore(self.queue), asyncio.Lock()
        async with self.slots:
            pool = self.pool
            try:
                return await asyncio.wrap_future(pool.submit(parse_page, *arguments))
            except BrokenProcessPool:
                pass
            # a worker died, on this page or on another in flight: every page then in the pool is
            # parsed again, one at a time in a new pool, so only the page that kills it is lost
            async with self.retrying:
                if self.pool is pool:
                    self._restart_pool()
                pool = self.pool
                try:
                    return await asyncio.wrap_future(pool.submit(parse_page, *arguments))
                except BrokenProcessPool:
                    self._restart_pool()
                    raise

    def _restart_pool(self) -> None:
        logger.warning("a parse worker died; starting the pool again")
        self.pool.shutdown(wait=False, cancel_futures=True)
        self._start_pool()
