"""Dedupe pipeline: a page reached twice in one crawl under the same canonical URL is stored once."""
from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.items import Report
from crawler.urls import seen_key
from pipelines.dedupe import DedupePipeline


class _Crawler:
    spider = None
    settings = Settings()


def _report(url: str) -> Report:
    return Report(url=url, body_text="本机关2023年政府信息公开工作年度报告正文。")


def test_the_same_canonical_url_twice_is_dropped_with_its_reason():
    pipeline = DedupePipeline(MemoryStatsCollector(_Crawler()))
    first = pipeline.process_item(_report("http://a.test/t1.html?b=2&a=1#top"))
    assert first.url == "http://a.test/t1.html?a=1&b=2" and first.minhash
    with pytest.raises(DropItem, match="already stored in this crawl"):
        pipeline.process_item(_report("http://a.test/t1.html?a=1&b=2"))
    assert pipeline.stats.get_value("reports/dropped/duplicate_url") == 1
    assert pipeline.process_item(_report("http://a.test/t2.html")).url == "http://a.test/t2.html"


def test_seen_keys_are_small_and_tell_urls_apart():
    keys = {seen_key(f"http://a.test/{n}.html") for n in range(10_000)}
    assert len(keys) == 10_000 and all(len(key) == 16 for key in keys)
    assert seen_key("http://a.test/1.html") == seen_key("http://a.test/1.html")
