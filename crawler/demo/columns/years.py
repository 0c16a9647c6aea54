"""A column with two years of one body, for the year-over-year checks (crawler/extract/years.py).

鹤岗市南山区's 2020 report (seed 001, the same page as in the TRS column) and a 2021 report made
from it: the 2021 table says `CARRIED` requests of natural persons came over from 2020
(二、上年结转), while the 2020 report left none open (四、结转下年度继续办理 0). Each report adds up
on its own (2021: 一 0 + 二 3 = 三（七） 0 + 四 3); only the pair breaks `year.carry_over`. Listed
newest first, like a real column, so a crawl reaches the later year first.
"""
from __future__ import annotations

from dataclasses import replace

from crawler.demo.columns.trs import TrsColumn
from crawler.demo.reports import DemoReport, seed_reports
from crawler.demo.site import Site

YEARS_COLUMN = "/xxgk/ndbg-years/"
CARRIED = 3                 # requests the 2021 report says were carried over from 2020
APPLICANT_COLUMNS = 7       # 自然人, five kinds of organisation, 总计


def _set_row(lines: list[str], label: str, first: int, total: int) -> None:
    """Set the 自然人 (first) and 总计 (last) cells of the part 三 row `label` (one cell per line)."""
    at = next(i for i, line in enumerate(lines) if line.strip() == label)
    cells = [at + 1 + k for k in range(APPLICANT_COLUMNS)]
    lines[cells[0]] = f"\t{first}"
    lines[cells[-1]] = f"\t{total}"


def years_reports() -> list[DemoReport]:
    """The 2021 and 2020 reports of 鹤岗市南山区人民政府, newest first."""
    nanshan_2020 = next(r for r in seed_reports() if r.slug == "nanshan-2020")
    text = nanshan_2020.body_text().replace("2021年1月25日", "2022年1月20日").replace("2020", "2021")
    lines = text.split("\n")
    _set_row(lines, "二、上年结转政府信息公开申请数量", CARRIED, CARRIED)
    _set_row(lines, "四、结转下年度继续办理", CARRIED, CARRIED)
    nanshan_2021 = replace(nanshan_2020, slug="nanshan-2021", title="南山区2021年政府信息公开工作年度报告",
                           published_on="2022-01-20", path="202201/t20220120_520001.html",
                           index_no="11230404MB1901234X/2022-00002", written_on="2022-01-20",
                           body_override="\n".join(lines))
    return [nanshan_2021, nanshan_2020]


class YearsColumn(TrsColumn):
    def __init__(self, site: Site, prefix: str = YEARS_COLUMN):
        super().__init__(site, prefix, years_reports(), per_page=3)
