"""The crawl's plan: what the spider's arguments decided, for the components that act on it.

A Scrapy extension (EXTENSIONS), so the crawler builds one per crawl and hands it to whoever asks
(`crawler.get_extension(CrawlPlan)`): the spider fills it in when it starts, before any item;
the pipelines and the crawl command read it. No component reads the spider's attributes."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CrawlPlan:
    since: int | None = None            # report years asked for (-a since= / until=)
    until: int | None = None
    portal_regions: dict[str, str] = field(default_factory=dict)   # portal id -> "province prefecture county"
    domains: list[str] = field(default_factory=list)     # the portals' domains: attachments come from there
    discover_only: bool = False         # -a discover=1: columns are found, no report is fetched

    @classmethod
    def from_crawler(cls, crawler) -> CrawlPlan:
        return cls()

    def in_range(self, year: int | None) -> bool:
        return year is None or ((self.since is None or year >= self.since)
                                and (self.until is None or year <= self.until))


class PlanPipeline:
    """An item pipeline that acts on the crawl's plan: the crawl's stats and plan, from the crawler."""

    def __init__(self, stats, plan: CrawlPlan):
        self.stats = stats
        self.plan = plan

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.get_extension(CrawlPlan))
