"""Validate pipeline: a report without title or URL, on a host that is no government portal and
not trusted (crawler.hosts), whose title is no report title although its link's was none either
(a link followed on a title cut short), or outside the asked year range, is dropped with a logged
reason and counted (`reports/dropped/<reason>`)."""
from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.extract.title import is_annual_report
from crawler.hosts import host_allowed
from crawler.items import Report
from crawler.plan import PlanPipeline


class ValidatePipeline(PlanPipeline):

    def process_item(self, item):
        if not isinstance(item, Report):
            return item
        if not item.url:
            self._drop("no_url", "report without URL")
        if not host_allowed(item.url, item.trusted_hosts):
            self._drop("not_government_host",
                       f"report on a host that is no government portal and not trusted: {item.url}")
        if not (item.title or "").strip():
            self._drop("no_title", f"report without title: {item.url}")
        if not is_annual_report(item.title) and not is_annual_report(item.listing_title or ""):
            # a link followed on a title cut short ('…2024年政务公开工作…', crawler.families.shapes)
            # whose page turned out to be something else (…工作要点)
            self._drop("not_a_report", f"neither the page's title nor its link's is a report title: {item.url}")
        if not self.plan.in_range(item.report_year):
            self._drop("out_of_range", f"report year {item.report_year} outside "
                                       f"{self.plan.since}-{self.plan.until}: {item.url}")
        return item

    def _drop(self, reason: str, message: str):
        self.stats.inc_value(f"reports/dropped/{reason}")
        self.stats.inc_value("reports/dropped")
        raise DropItem(message)
