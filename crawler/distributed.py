"""Distributed crawling: N crawler processes share one Redis queue (scrapy-redis) and one database.

Switched on by the add-on `RedisAddon` (settings.py: `ADDONS = {"crawler.distributed.RedisAddon": 0}`)
whenever the setting REDIS_URL is set (environment or `-s REDIS_URL=…`). It then sets:
- the scheduler `ReliableScheduler`: scrapy-redis's scheduler (persistent Redis priority queue, shared
  request dupefilter), so every process pulls from one queue and a URL seen by one is not fetched
  again by another. Seeding is done once: a second process's start requests are filtered as seen.
- delivery at least once: a request taken from the queue is moved, atomically, into this worker's
  in-flight hash and removed from it only when everything its response produced is stored (items
  through the pipelines, child requests in the queue). A worker announces itself with a key that
  expires (REPORTS_REDIS_WORKER_TTL seconds) unless refreshed; the in-flight hash of a worker whose
  key expired (killed, machine lost) is put back into the queue by the next worker to look.
  A worker closed gracefully (Ctrl-C) puts its own in-flight requests back itself.
- the end of a crawl: a worker with nothing to do stays until the queue is empty and no other
  worker has a request in flight; the last one clears the dupefilter, so the next crawl refetches.

Compatibility with Scrapy 2.19 (checked on scrapy-redis 0.9.1): the scheduler, queue and dupefilter
work; what Scrapy 2.19 deprecates is `stats.inc_value(…, spider=…)` and `Spider.log()`, both called by
scrapy-redis's Scheduler, and overridden in the subclass `ReliableScheduler` so they are not called.
`from_settings` is only used inside scrapy-redis (Scheduler.from_crawler → Scheduler.from_settings;
the dupefilter is built with `from_spider`), never by Scrapy itself, so it raises no deprecation.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler import defaults
from crawler.urls import CanonicalFingerprinter

logger = logging.getLogger(__name__)

INFLIGHT = "redis_inflight"        # request.meta: this request's id in the worker's in-flight hash
PARENT = "redis_parent"            # request.meta: the in-flight id of the response that yielded it

REDIS_SETTINGS = {
    "SCHEDULER": "crawler.distributed.ReliableScheduler",
    "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
    "DUPEFILTER_CLASS": "crawler.distributed.CanonicalDupeFilter",
    "SCHEDULER_PERSIST": True,              # the queue outlives any one process
    "SCHEDULER_IDLE_BEFORE_CLOSE": 0,       # never block the reactor on an empty queue
    "SCHEDULER_QUEUE_KEY": "%(spider)s:requests",
    "SCHEDULER_DUPEFILTER_KEY": "%(spider)s:dupefilter",
    "REPORTS_REDIS_WORKER_KEY": "%(spider)s:worker",   # <key>:<worker>:alive (expiring), <key>:<worker>:inflight
}

# Pop the best request and, in the same atomic step, file it under this worker's in-flight hash.
_POP_TO_INFLIGHT = """
local popped = redis.call('ZRANGE', KEYS[1], 0, 0)
if #popped == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local id = redis.sha1hex(popped[1])
redis.call('HSET', KEYS[2], id, popped[1])
return {id, popped[1]}
"""


# Queue a request unless the shared dupefilter has seen it: the fingerprint and the request in one
# round trip (scrapy-redis takes one for the SADD and one for the ZADD, both in the reactor thread).
_PUSH_UNSEEN = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class RedisAddon:
    """Applies REDIS_SETTINGS, the ack middleware and the idle handling when REDIS_URL is set."""

    def update_settings(self, settings) -> None:
        if not settings.get("REDIS_URL"):
            return
        for name, value in REDIS_SETTINGS.items():
            settings.set(name, value, "addon")
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", AckMiddleware, 1)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class CanonicalDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared dupefilter, on the project's one URL identity (crawler.urls)."""

    def request_fingerprint(self, request) -> str:
        return CanonicalFingerprinter().fingerprint(request).hex()


class ReliableScheduler(Scheduler):
    """scrapy-redis's scheduler with at-least-once delivery across workers (see the module text)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = cls.from_settings(crawler.settings)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.worker = worker_id()
        scheduler.worker_key = crawler.settings.get("REPORTS_REDIS_WORKER_KEY",
                                                    REDIS_SETTINGS["REPORTS_REDIS_WORKER_KEY"])
        scheduler.ttl = crawler.settings.getint("REPORTS_REDIS_WORKER_TTL", defaults.REDIS_WORKER_TTL)
        scheduler.enqueue_only = crawler.settings.getbool("REPORTS_REDIS_ENQUEUE_ONLY")
        scheduler.pending: dict[str, int] = {}      # in-flight id -> outputs not yet stored/queued
        scheduler.callback_done: set[str] = set()
        scheduler.complete = False
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(scheduler.item_done, signal=signal)
        crawler.signals.connect(scheduler.request_dropped, signal=signals.request_dropped)
        return scheduler

    # --- keys -----------------------------------------------------------------------------------
    def _worker_key(self, worker: str, kind: str) -> str:
        return f"{self.worker_key % {'spider': self.spider.name}}:{worker}:{kind}"

    @property
    def inflight_key(self) -> str:
        return self._worker_key(self.worker, "inflight")

    # --- life cycle -----------------------------------------------------------------------------
    def open(self, spider):
        # Scheduler.open without its `spider.log(…)` (deprecated since Scrapy 2.15)
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider,
                                                 key=self.queue_key % {"spider": spider.name},
                                                 serializer=self.serializer)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        self._pop = self.server.register_script(_POP_TO_INFLIGHT)
        self._push_unseen = self.server.register_script(_PUSH_UNSEEN)
        self._beat()
        self.heartbeat = LoopingCall(self._beat)
        self.heartbeat.start(max(1.0, self.ttl / 3), now=False)
        self.recover_lost()
        logger.info("worker %s on queue %s (%d requests waiting)", self.worker, self.queue.key, len(self.queue))

    def _beat(self) -> None:
        self.server.set(self._worker_key(self.worker, "alive"), "1", ex=self.ttl)

    def close(self, reason):
        if getattr(self, "heartbeat", None) is not None and self.heartbeat.running:
            self.heartbeat.stop()
        if reason == "finished":
            self.server.delete(self.inflight_key)     # idle: everything this worker took is done
            if self.complete:
                self.df.clear()                       # the crawl is over: the next one refetches
        else:
            self._requeue(self.inflight_key)          # shutdown: hand unfinished requests back
        self.server.delete(self._worker_key(self.worker, "alive"))

    # --- queue ----------------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        rescheduled = request.meta.pop(INFLIGHT, None)    # a retry or redirect of a taken request
        parent = request.meta.pop(PARENT, None)
        if request.dont_filter:
            self.queue.push(request)
            added = True
        elif not isinstance(self.queue, PriorityQueue):     # another SCHEDULER_QUEUE_CLASS: its own push
            added = not self.df.request_seen(request)
            if added:
                self.queue.push(request)
            else:
                self.df.log(request, self.spider)
        else:
            added = bool(self._push_unseen(keys=[self.df.key, self.queue.key],
                                           args=[self.df.request_fingerprint(request), -request.priority,
                                                 self.queue._encode_request(request)]))
            if not added:
                self.df.log(request, self.spider)
        if added:
            self.stats.inc_value("scheduler/enqueued/redis")
        if rescheduled:
            self._ack(rescheduled)
        if parent:
            self._settle(parent)
        return added

    def next_request(self) -> Request | None:
        if self.enqueue_only:
            return None
        popped = self._pop(keys=[self.queue.key, self.inflight_key])
        if not popped:
            return None
        inflight_id, data = popped
        request = self.queue._decode_request(data)
        request.meta[INFLIGHT] = inflight_id.decode() if isinstance(inflight_id, bytes) else inflight_id
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return not self.enqueue_only and len(self) > 0

    # --- acknowledgements -----------------------------------------------------------------------
    def output_expected(self, inflight_id: str) -> None:
        self.pending[inflight_id] = self.pending.get(inflight_id, 0) + 1

    def output_finished(self, inflight_id: str) -> None:
        """The callback has yielded its last output; acknowledged once each output is settled."""
        self.callback_done.add(inflight_id)
        if not self.pending.get(inflight_id):
            self._ack(inflight_id)

    def _settle(self, inflight_id: str) -> None:
        left = self.pending.get(inflight_id, 0) - 1
        if left > 0:
            self.pending[inflight_id] = left
            return
        self.pending.pop(inflight_id, None)
        if inflight_id in self.callback_done:
            self._ack(inflight_id)

    def _ack(self, inflight_id: str) -> None:
        self.pending.pop(inflight_id, None)
        self.callback_done.discard(inflight_id)
        self.server.hdel(self.inflight_key, inflight_id)

    def item_done(self, item, response, spider, **kwargs) -> None:
        request = getattr(response, "request", None)
        inflight_id = request.meta.get(INFLIGHT) if request is not None else None
        if inflight_id is None:
            return
        if inflight_id in self.pending:
            self._settle(inflight_id)
        else:                      # an errback's item: errback output bypasses spider middlewares
            self._ack(inflight_id)

    def request_dropped(self, request, spider) -> None:
        parent = request.meta.pop(PARENT, None)
        if parent:
            self._settle(parent)

    # --- other workers --------------------------------------------------------------------------
    def _workers_with_inflight(self) -> list[tuple[str, str]]:
        pattern = self._worker_key("*", "inflight")
        prefix, suffix = pattern.split("*")
        keys = [k.decode() if isinstance(k, bytes) else k for k in self.server.scan_iter(match=pattern)]
        return [(k[len(prefix):-len(suffix)], k) for k in keys]

    def recover_lost(self) -> int:
        """Put back into the queue the in-flight requests of workers whose alive key expired."""
        recovered = 0
        for worker, key in self._workers_with_inflight():
            if worker == self.worker or self.server.exists(self._worker_key(worker, "alive")):
                continue
            recovered += self._requeue(key, claim=True)
            if recovered:
                logger.warning("worker %s is gone: %d of its requests put back in the queue", worker, recovered)
        if recovered:
            self.stats.inc_value("scheduler/recovered/redis", recovered)
        return recovered

    def _requeue(self, key: str, claim: bool = False) -> int:
        if claim:            # RENAME is atomic: of two workers claiming one dead worker, one wins
            claimed = f"{self.inflight_key}:claim"
            try:
                self.server.rename(key, claimed)
            except Exception:
                return 0
            key = claimed
        entries = self.server.hgetall(key)
        for data in entries.values():
            self.queue.push(self.queue._decode_request(data))
        self.server.delete(key)
        return len(entries)

    def _others_busy(self) -> bool:
        return any(worker != self.worker and self.server.hlen(key)
                   for worker, key in self._workers_with_inflight())

    def spider_idle(self, spider) -> None:
        """Nothing to do here: wait while others still work, else this crawl is complete."""
        if self.enqueue_only:
            return
        self.recover_lost()
        if len(self.queue) or self._others_busy():
            raise DontCloseSpider
        self.complete = True


class AckMiddleware:
    """Counts what each taken request's callback yields, so the scheduler can acknowledge it
    only after every item is through the pipelines and every child request is queued."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_spider_output(self, response, result):
        scheduler = self.crawler.engine.scheduler
        inflight_id = response.request.meta.get(INFLIGHT) if response.request is not None else None
        if inflight_id is None or not isinstance(scheduler, ReliableScheduler):
            async for output in result:
                yield output
            return
        try:
            async for output in result:
                if isinstance(output, Request):
                    output.meta[PARENT] = inflight_id
                scheduler.output_expected(inflight_id)
                yield output
        finally:
            scheduler.output_finished(inflight_id)
