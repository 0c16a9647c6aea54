"""Parse pipeline: the raw page of a `Report` item becomes its fields, stats and checks."""
from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from crawler.extract.encoding import decode_html
from crawler.extract.report import report_from_html
from crawler.items import CrawlFailure, Report
from crawler.plan import PlanPipeline
from crawler.registry.region import report_region

logger = logging.getLogger(__name__)


class ParsePipeline(PlanPipeline):

    def process_item(self, item):
        if not isinstance(item, Report) or item.raw_html is None:
            return item
        try:
            html, encoding = decode_html(item.raw_html,
                                         f"text/html; charset={item.encoding}" if item.encoding else None)
            fields = report_from_html(html, item.url, listing_title=item.listing_title,
                                      listing_date=item.listing_date, listing_meta=item.listing_meta)
        except Exception as exc:  # a broken page is a recorded failure, never a crashed crawl
            logger.exception("cannot parse %s", item.url)
            self.stats.inc_value("reports/parse_errors")
            return CrawlFailure(url=item.url, portal_id=item.portal_id, status=item.http_status,
                                exception=type(exc).__name__, reason=f"parse error: {exc}")
        adapter = ItemAdapter(item)
        for name, value in fields.items():
            adapter[name] = value
        item.encoding = encoding
        region = report_region(item.publisher, item.signed_by, item.title, self.plan.portal_regions.get(item.portal_id))
        if region is not None:
            item.province, item.prefecture, item.county, item.division_code = (
                region.province, region.prefecture, region.county, region.division_code)
        self.stats.inc_value("reports/parsed")
        self.stats.inc_value("reports/stats_cells", len(item.stats))
        return item
