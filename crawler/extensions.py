"""Crawl extensions: a progress display for `python -m crawler crawl`, and a stats file."""
from __future__ import annotations

import json
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.defaults import PROGRESS_INTERVAL


class Progress:
    """One status line on stderr: pages fetched, reports stored, failures (REPORTS_PROGRESS)."""

    def __init__(self, stats, interval: float):
        self.stats = stats
        self.interval = interval
        self.last = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("REPORTS_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler.stats, crawler.settings.getfloat("REPORTS_PROGRESS_INTERVAL", PROGRESS_INTERVAL))
        crawler.signals.connect(ext.tick, signal=signals.response_received)
        crawler.signals.connect(ext.tick, signal=signals.item_scraped)
        crawler.signals.connect(ext.done, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        s = self.stats.get_stats()
        return (f"pages {s.get('response_received_count', 0)}  listing pages {s.get('reports/listing_pages', 0)}  "
                f"new {s.get('reports/stored/new', 0)}  changed {s.get('reports/stored/changed', 0)}  "
                f"reposts {s.get('reports/stored/duplicate', 0)}  unchanged {s.get('reports/stored/unchanged', 0)}  "
                f"failures {s.get('reports/failures', 0)}")

    def tick(self, *args, **kwargs) -> None:
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            print("\r" + self.line(), end="", file=sys.stderr, flush=True)

    def done(self, spider, reason) -> None:
        print("\r" + self.line() + f"  ({reason})", file=sys.stderr, flush=True)


class StatsFile:
    """Writes the crawl's final stats as JSON to REPORTS_STATS_FILE (for scripts and tests)."""

    def __init__(self, stats, path: str):
        self.stats = stats
        self.path = path

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("REPORTS_STATS_FILE")
        if not path:
            raise NotConfigured
        ext = cls(crawler.stats, path)
        crawler.signals.connect(ext.write, signal=signals.engine_stopped)
        return ext

    def write(self) -> None:
        stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in self.stats.get_stats().items()}
        with open(self.path, "w", encoding="utf-8") as fh:
            json.dump(stats, fh, ensure_ascii=False, indent=1, default=str)
