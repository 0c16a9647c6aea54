"""The store of a crawl: `CrawlStore`, the service every crawl component reaches the database
through, and `StorePipeline`, the thin item pipeline that hands it each item.

`CrawlStore` is a Scrapy extension (EXTENSIONS), so the crawler builds it once and hands it to
whoever asks (`crawler.get_extension(CrawlStore)`): the spider asks it what earlier crawls stored
(`memory`), opens the run (`start_run`) and tells it how the crawl went (`crawl_outcomes`); the
pipeline stores each item through it (`store`), in the store's own database thread.

Items are written in batches, by group commit: whenever the database thread is free it takes
every item that arrived while it wrote the last batch (at most REPORTS_STORE_BATCH) and writes
them in one transaction. A slow crawl thus commits each report at once, a fast one shares a
commit among many; no item waits longer than the batch before it takes to write. An item's
`store` returns only after its batch commits, so an item (and, distributed, its request) is
acknowledged only once it is stored: a killed crawl loses no acknowledged item. When a batch
fails, it is rolled back and its items are written again one transaction each, so a failing item
rolls back alone. On spider_closed, the first moment the finish reason is known, it closes the
run row."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler import defaults
from crawler.discovery import ColumnOutcome
from crawler.items import CrawlFailure, DiscoveredColumn, PortalDiscovered, Report
from pipelines import db

logger = logging.getLogger(__name__)

OUTCOME_COUNTS = {"new": "new_reports", "changed": "changed_reports", "duplicate": "duplicates"}


@dataclass
class CrawlMemory:
    """What earlier crawls stored of a crawl's portals."""
    known: dict[str, db.KnownPage] = field(default_factory=dict)   # canonical URL -> validators
    catch_up: bool = False                    # the last run was cut short or had failures
    columns: dict[str, list] = field(default_factory=dict)         # portal id -> active ReportColumn rows
    needs_discovery: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PortalOutcome:
    """How the crawl went for one portal, as the spider reports it at the end."""
    portal_id: str
    line: str | None                          # `python -m crawler portals` shows it (None: not known here)
    family: str | None = None
    no_report_link: str | None = None         # the listing URL, when its columns gave no report link
    verified: bool = False                    # a registry portal whose crawl went through


class CrawlStore:
    def __init__(self, crawler, database_url: str | None, keep_raw: bool, repost_similarity: float,
                 batch_size: int = defaults.STORE_BATCH):
        self.crawler = crawler
        self.database_url = database_url
        self.keep_raw = keep_raw
        self.repost_similarity = repost_similarity
        self.batch_size = max(1, batch_size)
        self.run_id: int | None = None
        self.counts = {"new_reports": 0, "changed_reports": 0, "duplicates": 0, "failures": 0}
        self.Session = None
        self.pool = None
        self.waiting: list[tuple[object, Deferred]] = []    # items handed over, not yet in a batch
        self.writing = False                                  # a batch is in the database thread
        self.bodies: dict[str, int] = {}                      # body key -> id, of committed bodies

    @classmethod
    def from_crawler(cls, crawler):
        store = cls(crawler, crawler.settings.get("DATABASE_URL") or None,
                    crawler.settings.getbool("REPORTS_STORE_RAW_HTML", defaults.STORE_RAW_HTML),
                    crawler.settings.getfloat("REPORTS_REPOST_SIMILARITY", defaults.REPOST_SIMILARITY),
                    crawler.settings.getint("REPORTS_STORE_BATCH", defaults.STORE_BATCH))
        crawler.signals.connect(store.spider_closed, signal=signals.spider_closed)
        return store

    def _open(self) -> None:
        if self.Session is not None:
            return
        db.upgrade_schema(self.database_url)
        self.engine = db.make_engine(self.database_url)
        self.Session = db.session_factory(self.engine)
        from twisted.python.threadpool import ThreadPool
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="reports-store")
        self.pool.start()

    # --- what the spider asks and tells ---------------------------------------------------------
    def memory(self, portal_ids: list[str]) -> CrawlMemory:
        """Pages, columns and discovery state earlier crawls stored; read before this run's own
        run row exists (whether the last run was cut short is part of it)."""
        self._open()
        with self.Session() as session:
            return CrawlMemory(db.known_pages(session, portal_ids), db.last_walk_incomplete(session, portal_ids),
                               db.remembered_columns(session, portal_ids),
                               db.portals_needing_discovery(session, portal_ids))

    def start_run(self, mode: str, portal_ids: list[str]) -> None:
        self._open()
        with self.Session.begin() as session:
            self.run_id = db.start_run(session, mode, portal_ids)
        self.crawler.stats.set_value("reports/run_id", self.run_id)      # scripts find the run in the stats

    def crawl_outcomes(self, portals: list[PortalOutcome], columns: list[ColumnOutcome]) -> None:
        """The end of the crawl, as the spider saw it: each column's outcome (a remembered column
        that failed leaves a failure row saying its portal will be rediscovered), each portal's."""
        self._open()
        with self.Session.begin() as session:
            for outcome in columns:
                db.record_column_outcome(session, outcome.portal_id, outcome.url, outcome.family,
                                         outcome.reports_seen, outcome.error)
                if outcome.error and outcome.remembered:
                    self._failure(session, CrawlFailure(
                        url=outcome.url, portal_id=outcome.portal_id,
                        reason=f"column failed ({outcome.error}): portal {outcome.portal_id} will be "
                               f"rediscovered on the next run"))
            for portal in portals:
                if portal.no_report_link is not None:
                    self._failure(session, CrawlFailure(
                        url=portal.no_report_link, portal_id=portal.portal_id,
                        reason=f"portal {portal.portal_id}: its listing yielded no report link"))
                elif portal.verified:
                    db.mark_portal_verified(session, portal.portal_id, portal.family)
                if portal.line is not None:
                    db.record_portal_outcome(session, portal.portal_id, portal.line)

    # --- what the pipeline hands over -----------------------------------------------------------
    async def store(self, item):
        """Store an item; returns once the transaction holding it has committed. The reactor
        thread goes on downloading and parsing meanwhile."""
        self._open()
        written = Deferred()
        self.waiting.append((item, written))
        self._write_next()
        outcome = await maybe_deferred_to_future(written)
        self._count(outcome, item)

    def _write_next(self) -> None:
        """In the reactor thread: hand the waiting items to the database thread as one batch,
        unless it is writing one (the items then go with the next)."""
        if self.writing or not self.waiting:
            return
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool
        batch, self.waiting = self.waiting[:self.batch_size], self.waiting[self.batch_size:]
        self.writing = True
        done = deferToThreadPool(reactor, self.pool, self._store_batch, [item for item, _ in batch])
        done.addBoth(self._batch_written, batch)

    def _batch_written(self, outcomes, batch) -> None:
        self.writing = False
        self.crawler.stats.inc_value("reports/store_batches")
        self.crawler.stats.max_value("reports/store_batch_max", len(batch))
        if not isinstance(outcomes, list):      # a Failure: the database thread itself failed
            outcomes = [outcomes] * len(batch)
        for (_, written), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, (Exception, Failure)):
                written.errback(outcome)
            else:
                written.callback(outcome)
        self._write_next()

    def _store_batch(self, items: list) -> list:
        """Runs in the database thread: the items in one transaction; when that fails, each in
        one of its own. Returns each item's outcome (or the exception it raised)."""
        try:
            with self.Session.begin() as session:
                return [self._store(session, item) for item in items]
        except Exception:
            self.bodies.clear()      # bodies first seen in the batch were rolled back with it
            if len(items) > 1:
                logger.debug("a batch of %d items failed; storing them one by one", len(items), exc_info=True)
        return [self._store_alone(item) for item in items]

    def _store_alone(self, item):
        try:
            with self.Session.begin() as session:
                return self._store(session, item)
        except Exception as exc:
            self.bodies.clear()
            if not isinstance(item, Report):
                return exc
            logger.exception("cannot store %s", item.url)   # this item rolls back alone
            with self.Session.begin() as session:
                db.record_failure(session, self.run_id, item.url, f"store error: {exc}", item.portal_id,
                                  exception=type(exc).__name__)
            return "failure"

    def _store(self, session, item) -> str:
        """One item, in the batch's transaction."""
        if isinstance(item, CrawlFailure):
            db.record_failure(session, self.run_id, item.url, item.reason, item.portal_id, item.status,
                              item.exception, item.retries)
            return "failure"
        if isinstance(item, DiscoveredColumn):
            column = item.column
            db.remember_column(session, item.portal_id, column.url, column.family, column.title,
                               column.department, column.found_via)
            return "column"
        if isinstance(item, PortalDiscovered):
            db.portal_discovered(session, item.portal_id, item.home_url, item.columns)
            return "discovered"
        fields = dict(ItemAdapter(item))     # asdict() would deep-copy the raw page and the cells
        return db.store_report(session, fields, item.raw_html, item.encoding, self.keep_raw, self.repost_similarity,
                               raw_html_z=item.raw_html_z, bodies=self.bodies)

    def _failure(self, session, failure: CrawlFailure) -> None:
        db.record_failure(session, self.run_id, failure.url, failure.reason, failure.portal_id,
                          failure.status, failure.exception, failure.retries)
        self._count("failure", failure)

    def _count(self, outcome: str, item) -> None:
        """In the reactor thread: the crawl stats and the run's counts."""
        if outcome == "failure":
            self.counts["failures"] += 1
            self.crawler.stats.inc_value("reports/failures")
        elif outcome not in ("column", "discovered"):
            self.crawler.stats.inc_value(f"reports/stored/{outcome}")
            if outcome in OUTCOME_COUNTS:
                self.counts[OUTCOME_COUNTS[outcome]] += 1
            logger.info("%s report: %s (%s)", outcome, item.title, item.url)

    def spider_closed(self, spider, reason):
        """Close the run row; every item's Deferred has fired before the spider closes."""
        if self.Session is None:
            return
        self.pool.stop()
        if self.run_id is not None:
            stats = self.crawler.stats.get_stats()
            counts = dict(self.counts, pages_fetched=stats.get("response_received_count", 0),
                          not_modified=stats.get("downloader/response_status_count/304", 0),
                          dropped=stats.get("reports/dropped", 0))
            with self.Session.begin() as session:
                db.finish_run(session, self.run_id, counts, reason,
                              {k: v for k, v in stats.items() if isinstance(v, (int, float, str))})
        self.engine.dispose()


class StorePipeline:
    """Hands every report, failure and discovery item to the crawl's store."""

    def __init__(self, store: CrawlStore):
        self.store = store

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.get_extension(CrawlStore))

    async def process_item(self, item):
        """A coroutine, as Scrapy 2.13+ wants: a returned Deferred costs a deprecation warning per item."""
        if isinstance(item, (Report, CrawlFailure, DiscoveredColumn, PortalDiscovered)):
            await self.store.store(item)
        return item
