"""Dedupe pipeline: within one crawl, a page reached twice under the same canonical URL is
dropped. Reposts under other URLs, the same 索引号 on a portal, identical and near-identical
bodies are recognised by the data layer against everything stored (`pipelines.db.store_report`),
so they are kept once with every URL they were seen under; this pipeline gives each report the
MinHash signature of its final body (page text and attachments joined) for that."""
from __future__ import annotations

import hashlib

from scrapy.exceptions import DropItem
from w3lib.url import canonicalize_url

from crawler.extract.similarity import body_minhash, to_bytes
from crawler.items import Report


def seen_key(url: str) -> bytes:
    """What a crawl remembers of a URL it has seen: a 16-byte digest (a 49-byte object) instead
    of the URL (~120 bytes): a national backfill remembers millions. Collisions are negligible
    (2**-64 at a billion URLs)."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=16).digest()


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
        item.url = canonicalize_url(item.url, keep_fragments=False)
        key = seen_key(item.url)
        if key in self.seen_urls:
            self.stats.inc_value("reports/dropped/duplicate_url")
            raise DropItem(f"already stored in this crawl: {item.url}")
        self.seen_urls.add(key)
        item.minhash = to_bytes(body_minhash(item.body_text))
        return item
