"""Dedupe pipeline: within one crawl, a page reached twice under the same canonical URL is
dropped. Reposts under other URLs, the same 索引号 on a portal, identical and near-identical
bodies are recognised by the data layer against everything stored (`pipelines.db.store_report`),
so they are kept once with every URL they were seen under; for that, each report carries the
MinHash signature of its final body (page text and attachments joined): the parse pipeline
signs the page's body, and this pipeline signs a body the attachments changed (they unset it)."""
from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.extract.similarity import body_minhash, to_bytes
from crawler.items import Report
from crawler.urls import canonical_url, seen_key


class DedupePipeline:
    def __init__(self, stats):
        self.stats = stats
        self.seen_urls: set[bytes] = set()      # seen_key of each canonical URL

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if not isinstance(item, Report):
            return item
        item.url = canonical_url(item.url)
        item.link_url = canonical_url(item.link_url) if item.link_url else None
        key = seen_key(item.url)
        if key in self.seen_urls:
            self.stats.inc_value("reports/dropped/duplicate_url")
            raise DropItem(f"already stored in this crawl: {item.url}")
        self.seen_urls.add(key)
        if item.minhash is None:
            item.minhash = to_bytes(body_minhash(item.body_text))
        return item
