"""Validate pipeline: a page reached through a link whose title was cut short ('…') is kept only
when its own title is a report title."""
from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.items import Report
from crawler.plan import CrawlPlan
from pipelines.validate import ValidatePipeline

URL = "http://luoping.gov.cn/public/description/557000.html"


def _pipeline():
    stats = MemoryStatsCollector(get_crawler())
    return ValidatePipeline(stats, CrawlPlan()), stats


def test_a_cut_short_link_to_a_page_that_is_no_report_is_dropped():
    pipeline, stats = _pipeline()
    page = Report(url=URL, title="罗平县长底布依族乡2024年政务公开工作要点",
                  listing_title="罗平县长底布依族乡2024年政务公开工作…")
    with pytest.raises(DropItem, match="neither the page's title nor its link's"):
        pipeline.process_item(page)
    assert stats.get_value("reports/dropped/not_a_report") == 1


@pytest.mark.parametrize(("title", "listing_title"), [
    ("罗平县长底布依族乡2024年政务公开工作年度报告", "罗平县长底布依族乡2024年政务公开工作…"),   # the page says report
    ("政府信息公开年报", "盐城市大丰区人民政府办公室2024年政府信息公开工作年度报告"),        # the link says report
])
def test_a_report_title_on_the_page_or_its_link_keeps_it(title, listing_title):
    pipeline, stats = _pipeline()
    report = Report(url=URL, title=title, listing_title=listing_title)
    assert pipeline.process_item(report) is report
    assert stats.get_value("reports/dropped") is None
