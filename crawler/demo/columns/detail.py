"""What the non-TRS demo columns share: their entries (the seed reports plus one look-alike notice)
and a detail page whose body sits in the container the family's portals use."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from crawler.demo.chrome import page
from crawler.demo.columns.trs import Notice
from crawler.demo.render import render_body_html
from crawler.demo.reports import DemoReport, metadata_table, seed_reports
from crawler.demo.site import DemoResponse, html_response

NOTICE = Notice("关于做好2021年政府信息公开工作年度报告编制工作的通知", "2021-01-05",
                "202101/t20210105_480001.html",
                "各乡镇、各部门：请于2021年1月20日前报送本单位2020年政府信息公开工作年度报告。")
_DOC_ID = re.compile(r"_(\d+)\.\w+$")


@dataclass(frozen=True)
class Entry:
    """One item of a demo column: a seed report or the notice, with its document id."""
    item: DemoReport | Notice

    @property
    def doc_id(self) -> str:
        return _DOC_ID.search(self.item.path).group(1)

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def published_on(self) -> str:
        return self.item.published_on

    @property
    def is_report(self) -> bool:
        return isinstance(self.item, DemoReport)


def column_entries() -> list[Entry]:
    """Newest first, the notice among the reports, as a 年报 column shows them."""
    reports = seed_reports()
    return [Entry(x) for x in (reports[0], NOTICE, *reports[1:])]


class DemoColumn:
    """A column of `column_entries()` shown `per_page` to a listing page."""

    def __init__(self, per_page: int):
        self.per_page = per_page
        self.entries = column_entries()

    @property
    def reports(self) -> list[Entry]:
        return [e for e in self.entries if e.is_report]

    def page_count(self) -> int:
        return -(-len(self.entries) // self.per_page)

    def page_entries(self, number: int) -> list[Entry]:
        """The entries of listing page `number` (from 1)."""
        return self.entries[(number - 1) * self.per_page:number * self.per_page]


def detail_response(entry: Entry, body_open: str, body_close: str, with_metadata: bool = True) -> DemoResponse:
    """The entry's detail page, its body between `body_open` and `body_close` (the family's container)."""
    item = entry.item
    if not entry.is_report:
        return html_response(page(item.title, f"<h1>{html.escape(item.title)}</h1>"
                                              f"{body_open}<p>{html.escape(item.text)}</p>{body_close}"))
    header = metadata_table(item) if with_metadata else ""
    content = (f'{header}\n<div class="article"><h1 class="article-title">{html.escape(item.title)}</h1>\n'
               f'{body_open}\n{render_body_html(item.body_text())}\n{body_close}</div>')
    return html_response(page(item.title, content, item.encoding), item.encoding,
                         declare_in_header=item.encoding == "utf-8")
