"""`python -m crawler crawl …` with CPU timers around the pipeline's stages, for bench/run.py only.

    python bench/timed_crawl.py TIMES_FILE crawl -a province=大型演示 -s …

Runs the project's own crawl command unchanged, after wrapping (in this process only, nothing in
the product) what the bench reports:
- store: `CrawlStore._store_batch`, one batch's transaction, timed with `time.thread_time()` in the
  store's database thread;
- the crawl: the process's CPU between spider_opened and spider_closed (store included; the rest is
  Scrapy, the spider and the other pipelines);
- workers: the CPU of the parse workers (parse, signature, compression: pipelines/parse.py), read
  as the CPU of this process's children once the pool has been shut down (close_spider);
- peak RSS of this process and of its largest child (a worker).
Writes them to TIMES_FILE as JSON.
"""
from __future__ import annotations

import functools
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapy import signals  # noqa: E402

from crawler.cli import main  # noqa: E402
from crawler.spiders.reports import ReportsSpider  # noqa: E402
from pipelines.store import CrawlStore  # noqa: E402

TIMES = {"store": 0.0, "crawl": 0.0, "workers": 0.0, "rss_mb": 0.0, "worker_rss_mb": 0.0}


def timed(stage: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            TIMES[stage] += time.thread_time() - start
    return wrapper


def instrument(times_file: Path) -> None:
    CrawlStore._store_batch = timed("store", CrawlStore._store_batch)
    from_crawler = ReportsSpider.from_crawler.__func__

    def with_window(cls, crawler, *args, **kwargs):
        spider = from_crawler(cls, crawler, *args, **kwargs)
        started = {}
        crawler.signals.connect(lambda: started.setdefault("cpu", time.process_time()),
                                signal=signals.spider_opened, weak=False)

        def closed():
            TIMES["crawl"] = time.process_time() - started["cpu"]
        crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
        def stopped():
            children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
            TIMES.update(workers=children.ru_utime + children.ru_stime, rss_mb=own.ru_maxrss / 1024,
                         worker_rss_mb=children.ru_maxrss / 1024)
            times_file.write_text(json.dumps(TIMES))
        crawler.signals.connect(stopped, signal=signals.engine_stopped, weak=False)
        return spider
    ReportsSpider.from_crawler = classmethod(with_window)


if __name__ == "__main__":
    instrument(Path(sys.argv[1]))
    sys.argv = [sys.argv[0], *sys.argv[2:]]
    raise SystemExit(main())
