"""Store pipeline: every report and failure goes to the database through the data layer
(`pipelines.db`); each item is its own transaction, so a failing item rolls back alone.
It also writes the crawl's run row."""
from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.items import CrawlFailure, DiscoveredColumn, PortalDiscovered, Report
from pipelines import db

logger = logging.getLogger(__name__)

OUTCOME_COUNTS = {"new": "new_reports", "changed": "changed_reports", "duplicate": "duplicates"}


class StorePipeline:
    def __init__(self, crawler, database_url: str | None, keep_raw: bool, repost_similarity: float = 0.9):
        self.crawler = crawler
        self.repost_similarity = repost_similarity
        self.database_url = database_url
        self.keep_raw = keep_raw
        self.run_id: int | None = None
        self.counts = {"new_reports": 0, "changed_reports": 0, "duplicates": 0, "failures": 0}

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler, crawler.settings.get("DATABASE_URL") or None,
                       crawler.settings.getbool("REPORTS_STORE_RAW_HTML", True),
                       crawler.settings.getfloat("REPORTS_REPOST_SIMILARITY", 0.9))
        # the run row is closed on spider_closed, the first moment the finish reason is known
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None):
        db.upgrade_schema(self.database_url)
        self.engine = db.make_engine(self.database_url)
        self.Session = db.session_factory(self.engine)
        spider = self.crawler.spider
        with self.Session() as session:
            self.run_id = db.start_run(session, getattr(spider, "mode", "nightly"),
                                       [p.id for p in getattr(spider, "portals", [])])
        from twisted.python.threadpool import ThreadPool
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="reports-store")
        self.pool.start()

    async def process_item(self, item):
        """Store in the pipeline's own database thread (one, so SQLite has one writer and items are
        stored in the order they come); the reactor thread goes on downloading and parsing.
        A coroutine, as Scrapy 2.13+ wants: a returned Deferred costs a deprecation warning per item."""
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool

        if not isinstance(item, (Report, CrawlFailure, DiscoveredColumn, PortalDiscovered)):
            return item
        outcome = await maybe_deferred_to_future(deferToThreadPool(reactor, self.pool, self._store, item))
        return self._count(outcome, item)

    def _store(self, item) -> str:
        """Runs in the database thread; one transaction per item."""
        with self.Session() as session:
            if isinstance(item, CrawlFailure):
                self._record_failure(session, item)
                return "failure"
            if isinstance(item, DiscoveredColumn):
                db.remember_column(session, item.portal_id, item.url, item.family, item.title, item.department,
                                   item.found_via)
                return "column"
            if isinstance(item, PortalDiscovered):
                db.portal_discovered(session, item.portal_id, item.home_url, item.columns)
                return "discovered"
            fields = dict(ItemAdapter(item))     # asdict() would deep-copy the raw page and the cells
            try:
                return db.store_report(session, fields, item.raw_html, item.encoding, self.keep_raw,
                                       self.repost_similarity)
            except Exception as exc:  # this item rolls back alone; the ones before it stay
                logger.exception("cannot store %s", item.url)
                self._record_failure(session, CrawlFailure(url=item.url, portal_id=item.portal_id,
                                                           exception=type(exc).__name__,
                                                           reason=f"store error: {exc}"))
                return "failure"

    def _count(self, outcome: str, item):
        """Back in the reactor thread: the crawl stats and the run's counts."""
        if outcome == "failure":
            self.counts["failures"] += 1
            self.crawler.stats.inc_value("reports/failures")
            return item
        if outcome in ("column", "discovered"):
            return item
        self.crawler.stats.inc_value(f"reports/stored/{outcome}")
        if outcome in OUTCOME_COUNTS:
            self.counts[OUTCOME_COUNTS[outcome]] += 1
        logger.info("%s report: %s (%s)", outcome, item.title, item.url)
        return item

    def _record_failure(self, session, failure: CrawlFailure) -> None:
        db.record_failure(session, self.run_id, failure.url, failure.reason, failure.portal_id,
                          failure.status, failure.exception, failure.retries)

    def _record_columns(self, session, spider) -> None:
        """Each column's outcome; a remembered column that failed leaves a failure row saying its
        portal will be rediscovered. Each portal's one-line outcome."""
        for outcome in getattr(spider, "column_outcomes", list)():
            db.record_column_outcome(session, outcome.portal_id, outcome.url, outcome.family,
                                     outcome.reports_seen, outcome.error)
            if outcome.error and outcome.remembered:
                self._count(self._store(CrawlFailure(
                    url=outcome.url, portal_id=outcome.portal_id,
                    reason=f"column failed ({outcome.error}): portal {outcome.portal_id} will be "
                           f"rediscovered on the next run")), None)
        for portal_id, line in getattr(spider, "portal_outcomes", dict)().items():
            db.record_portal_outcome(session, portal_id, line)

    def spider_closed(self, spider, reason):
        self.pool.stop()          # every item's Deferred has fired before the spider closes
        with self.Session() as session:
            empty = {p.id for p in getattr(spider, "portals_without_reports", lambda: [])()}
            for portal in getattr(spider, "portals", []):
                if portal.id in empty:
                    self._count(self._store(CrawlFailure(
                        url=portal.start_url, portal_id=portal.id,
                        reason=f"portal {portal.id}: its listing yielded no report link")), None)
                elif not portal.id.startswith("url:") and not portal.options.get("unsupported"):
                    db.mark_portal_verified(session, portal.id,
                                            self.crawler.stats.get_value(f"reports/family/{portal.id}")
                                            or portal.family)
            self._record_columns(session, spider)
            stats = self.crawler.stats.get_stats()
            counts = dict(self.counts,
                          pages_fetched=stats.get("response_received_count", 0),
                          not_modified=stats.get("downloader/response_status_count/304", 0),
                          dropped=stats.get("reports/dropped", 0))
            db.finish_run(session, self.run_id, counts, reason,
                          {k: v for k, v in stats.items() if isinstance(v, (int, float, str))})
        self.engine.dispose()
