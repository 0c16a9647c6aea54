"""Dedupe pipeline: within one crawl, a page reached twice under the same canonical URL is
dropped. Reposts under other URLs, the same 索引号 on a portal, identical and near-identical
bodies are recognised by the data layer against everything stored (`pipelines.db.store_report`),
so they are kept once with every URL they were seen under; this pipeline gives each report the
MinHash signature of its final body (page text and attachments joined) for that."""
from __future__ import annotations

from scrapy.exceptions import DropItem
from w3lib.url import canonicalize_url

from crawler.extract.similarity import body_minhash, to_bytes
from crawler.items import Report


class DedupePipeline:
    def __init__(self, stats):
        self.stats = stats
        self.seen_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if not isinstance(item, Report):
            return item
        item.url = canonicalize_url(item.url, keep_fragments=False)
        if item.url in self.seen_urls:
            self.stats.inc_value("reports/dropped/duplicate_url")
            raise DropItem(f"already stored in this crawl: {item.url}")
        self.seen_urls.add(item.url)
        item.minhash = to_bytes(body_minhash(item.body_text))
        return item
