"""The coverage page's template: every value escaped (autoescape), the charts inlined as SVG, and
the counts in data-count attributes; no database needed."""
from __future__ import annotations

from datetime import datetime

import lxml.html

from crawler.coverage import OUTCOMES, AreaCoverage, Coverage, PortalYears, RunSummary
from crawler.coverage_page import render_page, year_ranges

HOSTILE = '<script>alert("x")</script>'


def _coverage() -> Coverage:
    portal = PortalYears(portal_id="p-1", name=HOSTILE, province="黑龙江省", reports=2, found=(2019, 2020),
                         missing=(2018,), crawled=True, prefecture="鹤岗市")
    run = RunSummary(id=1, started_at=datetime(2024, 1, 1, 2), finished_at=None, mode="nightly",
                     finish_reason=None, pages_fetched=3, new_reports=2, changed_reports=0, duplicates=0,
                     failures=1, failure_reasons=((HOSTILE, 1),))
    return Coverage(generated_at=datetime(2024, 1, 2), total_reports=2, reports_without_year=0,
                    years=[2018, 2019, 2020], provinces=["黑龙江省"],
                    by_province_year={("黑龙江省", 2019): 1, ("黑龙江省", 2020): 1}, portals=[portal],
                    outcomes={name: 2 if k == 0 else 0 for k, name in enumerate(OUTCOMES)},
                    checks_by_rule={"2019.part4.total": (3, 1)}, reports_flagged=1,
                    runs=[run], similarities=[0.95, 0.2],
                    areas=[AreaCoverage("黑龙江省", None, 1, 0, 1, 1, 1, 2),
                           AreaCoverage("黑龙江省", "鹤岗市", 1, 0, 1, 1, 1, 2)])


def test_values_are_escaped_and_counts_are_attributes():
    page = render_page(_coverage())
    assert HOSTILE not in page and "&lt;script&gt;" in page
    dom = lxml.html.fromstring(page)
    assert not dom.xpath("//body//script")
    assert dom.xpath("//tr[@data-portal='p-1']/td[2]")[0].text == HOSTILE
    assert dom.xpath("//b[@id='total-reports']/@data-count") == ["2"]
    assert dom.xpath("//td[@data-name='province-year'][@data-year='2019']/@data-count") == ["1"]
    assert dom.xpath("//td[@data-name='check-rows'][@data-rule='2019.part4.total']/@data-count") == ["3"]
    assert dom.xpath("//b[@id='similarity-copies']/@data-count") == ["1"]
    assert dom.xpath("//figure[@id='chart-heatmap']//*[local-name()='svg']")
    assert page.endswith("</html>\n")


def test_year_ranges():
    assert year_ranges([2018, 2012, 2013, 2014, 2015]) == "2012–2015, 2018"
    assert year_ranges([]) == "—"
