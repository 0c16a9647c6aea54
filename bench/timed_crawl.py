"""`python -m crawler crawl …` with CPU timers around the pipeline's stages, for bench/run.py only.

    python bench/timed_crawl.py TIMES_FILE crawl -a province=大型演示 -s …

Runs the project's own crawl command unchanged, after wrapping (in this process only, nothing in
the product) the three stages whose cost the bench reports:
- parse: `ParsePipeline.process_item` (decode, report_from_html, region), in the reactor thread;
- signature: the MinHash of the body (`body_minhash` as the dedupe pipeline calls it);
- store: `CrawlStore._store`, one item's transaction, in the store's database thread;
each timed with `time.thread_time()`, the CPU time of the thread it runs in (so the store thread's
CPU is not counted twice). The rest of the process's CPU between spider_opened and spider_closed is
Scrapy, the spider and the other pipelines. Writes those CPU seconds to TIMES_FILE as JSON.
A timer costs about a microsecond per call, three or four calls per report page.
"""
from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapy import signals  # noqa: E402

import pipelines.dedupe  # noqa: E402
from crawler.cli import main  # noqa: E402
from crawler.spiders.reports import ReportsSpider  # noqa: E402
from pipelines.parse import ParsePipeline  # noqa: E402
from pipelines.store import CrawlStore  # noqa: E402

TIMES = {"parse": 0.0, "signature": 0.0, "store": 0.0, "crawl": 0.0}


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
    ParsePipeline.process_item = timed("parse", ParsePipeline.process_item)
    pipelines.dedupe.body_minhash = timed("signature", pipelines.dedupe.body_minhash)
    CrawlStore._store = timed("store", CrawlStore._store)
    from_crawler = ReportsSpider.from_crawler.__func__

    def with_window(cls, crawler, *args, **kwargs):
        spider = from_crawler(cls, crawler, *args, **kwargs)
        started = {}
        crawler.signals.connect(lambda: started.setdefault("cpu", time.process_time()),
                                signal=signals.spider_opened, weak=False)

        def closed():
            TIMES["crawl"] = time.process_time() - started["cpu"]
        crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
        crawler.signals.connect(lambda: times_file.write_text(json.dumps(TIMES)),
                                signal=signals.engine_stopped, weak=False)
        return spider
    ReportsSpider.from_crawler = classmethod(with_window)


if __name__ == "__main__":
    instrument(Path(sys.argv[1]))
    sys.argv = [sys.argv[0], *sys.argv[2:]]
    raise SystemExit(main())
