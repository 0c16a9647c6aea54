"""The demo portal's fault-injecting columns (test-only: `DemoPortal(faults=True)`).

`/faults/zfxxgknb/` is a TRS column whose report links each lead to one fault: transient and
permanent 5xx (with and without Retry-After), connection resets, answers that hang past the
timeout, truncated bodies, GBK bytes served as UTF-8, a redirect loop, a 40 MB page, a
malformed metadata table, a statistics table with ragged rows, and a link to another host.
`/trap/` is a listing whose pager never ends; `/calendar/` an endless calendar of dated pages.
"""
from __future__ import annotations

import html
import re
import threading
import zlib
from dataclasses import dataclass, replace
from datetime import date, timedelta

from crawler.demo.chrome import page
from crawler.demo.columns.trs import Notice, TrsColumn
from crawler.demo.render import render_body_html
from crawler.demo.reports import DemoReport, seed_reports
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

FAULTS_COLUMN = "/faults/zfxxgknb/"
BIG_PAGE_BYTES = 40 * 1024 * 1024


@dataclass
class Fault:
    slug: str          # names the fault in the URL and in the tests
    title: str
    handler: object    # (FaultColumn, DemoRequest) -> DemoResponse
    stored: bool       # whether a crawl should end up storing it


class FaultColumn:
    def __init__(self, site: Site, prefix: str = FAULTS_COLUMN, hang_seconds: float = 4.0):
        self.site, self.prefix, self.hang_seconds = site, prefix, hang_seconds
        self.attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        seeds = {r.slug: r for r in seed_reports()}
        self.seeds = seeds
        year = iter(range(2001, 2100))
        def t(kind):  # a distinct report title per fault: titles carry their own report year
            return f"故障测试{kind}{next(year)}年政府信息公开工作年度报告"
        self.faults = [
            Fault("ok", t("正常"), lambda req: self._report(seeds["nanshan-2020"], "ok"), True),
            Fault("retry-after", t("限流"),
                  lambda req: self._flaky(req, "retry-after", 1, 503, {"Retry-After": "1"}), True),
            Fault("flaky-502", t("网关"), lambda req: self._flaky(req, "flaky-502", 2, 502, {}), True),
            Fault("always-500", t("错误"),
                  lambda req: DemoResponse(500, b"<h1>500</h1>", {"Content-Type": "text/html"}), False),
            Fault("always-503", t("维护"),
                  lambda req: DemoResponse(503, b"busy", {"Content-Type": "text/html", "Retry-After": "1"}), False),
            Fault("reset", t("重置"), lambda req: DemoResponse(fault="reset"), False),
            Fault("hang", t("超时"),
                  lambda req: replace(self._report(seeds["tongjiang-2017"], "hang"), delay=self.hang_seconds), False),
            Fault("truncated", t("截断"),
                  lambda req: replace(self._report(seeds["nanchang-gxq-2018"], "truncated"), fault="truncate"), False),
            Fault("gbk-as-utf8", t("编码"), lambda req: self._gbk_as_utf8(seeds["songling-2018"]), True),
            Fault("redirect-loop", t("重定向"), lambda req: self._redirect("redirect-loop-b.html"), False),
            Fault("huge", t("超大"), lambda req: self._huge(), False),
            Fault("bad-metadata", t("元数据"), lambda req: self._bad_metadata(seeds["nanshan-2018"]), True),
            Fault("ragged-table", t("表格"), lambda req: self._ragged(), True),
        ]
        self.titles = {f.slug: f.title for f in self.faults}
        entries = [Notice(f.title, "2024-01-01", self.detail_path(f.slug), "") for f in self.faults]
        self.offsite_title = t("外站")
        self.column = TrsColumn(site, prefix, entries, per_page=20)
        for fault in self.faults:
            site.add(prefix + self.detail_path(fault.slug), fault.handler)
        site.add(prefix + "redirect-loop-b.html", lambda req: self._redirect(self.detail_path("redirect-loop")))
        self._big: bytes | None = None

    @staticmethod
    def detail_path(slug: str) -> str:
        return f"202401/t20240101_{zlib.crc32(slug.encode()) % 900000 + 100000}.html"

    def add_offsite_link(self, other_base_url: str) -> None:
        """Add a report link to another host (the same server under another name): never followed."""
        listing = self.site.routes[self.prefix + "index.html"](None)
        text = listing.body.decode("utf-8").replace(
            '<ul class="xxgk_list">',
            f'<ul class="xxgk_list">\n<li><a href="{other_base_url}{self.prefix}{self.detail_path("ok")}" '
            f'title="{html.escape(self.offsite_title)}">{html.escape(self.offsite_title)}</a>'
            f'<span class="date">2024-01-01</span></li>')
        self.site.add(self.prefix + "index.html", html_response(text))

    # --- fault handlers ----------------------------------------------------------------------
    def _count(self, slug: str) -> int:
        with self._lock:
            self.attempts[slug] = self.attempts.get(slug, 0) + 1
            return self.attempts[slug]

    def _report(self, seed: DemoReport, slug: str) -> DemoResponse:
        report = replace(seed, title=self.titles[slug])
        return html_response(self.column.report_html(report))

    def _flaky(self, request: DemoRequest, slug: str, failures: int, status: int, headers: dict) -> DemoResponse:
        if self._count(slug) <= failures:
            return DemoResponse(status, b"<h1>temporarily unavailable</h1>", {"Content-Type": "text/html", **headers})
        return self._report(self.seeds["nanshan-2018"] if slug == "retry-after" else self.seeds["tongjiang-2017"], slug)

    def _gbk_as_utf8(self, seed: DemoReport) -> DemoResponse:
        text = self.column.report_html(replace(seed, title=self.titles["gbk-as-utf8"]))
        text = text.replace('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "")
        return DemoResponse(200, text.encode("gbk"), {"Content-Type": "text/html; charset=utf-8"})

    def _redirect(self, target: str) -> DemoResponse:
        return DemoResponse(302, b"", {"Location": self.prefix + target})

    def _huge(self) -> DemoResponse:
        if self._big is None:
            filler = ("<p>" + "政府信息公开" * 40 + "</p>\n").encode("utf-8")
            self._big = b"<html><body>" + filler * (BIG_PAGE_BYTES // len(filler) + 1) + b"</body></html>"
        return DemoResponse(200, self._big, {"Content-Type": "text/html; charset=utf-8"})

    def _bad_metadata(self, seed: DemoReport) -> DemoResponse:
        report = replace(seed, title=self.titles["bad-metadata"])
        good = self.column.report_html(report)
        start, end = good.index('<table class="xxgk_table">'), good.index("</table>") + len("</table>")
        broken = ('<table class="xxgk_table"><tr><td>索 引 号：<td><td>发布机构：</td>'
                  '<tr><td colspan="x">发布日期：<td>二〇二四年十三月</tr><td>主题分类'
                  '<tr><td></td></td></td><td>关 键 词：')          # unclosed, misnested, impossible date
        return html_response(good[:start] + broken + good[end:])

    def _ragged(self) -> DemoResponse:
        title = self.titles["ragged-table"]
        body = ("<p>一、主动公开情况。本年度主动公开政府信息如下表。</p>"
                "<table border=1><tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>"
                "<tr><td>一、主动公开情况</td></tr>"
                "<tr><td>（一）主动公开政府信息数</td><td>条</td><td>120</td><td>多余</td></tr>"
                "<tr><td>1.政府公报公开政府信息数</td><td>条</td></tr>"
                "<tr><td>2.政府网站公开政府信息数</td><td>条</td><td>100</td></tr></table>")
        content = (f'<h1 class="article-title">{html.escape(title)}</h1>'
                   f'<div id="zoom"><div class="TRS_Editor">{body}</div></div>')
        return html_response(page(title, content))


class TrapColumn:
    """A TRS listing whose pager claims 100,000 pages, each generated on request and linking the
    same report: only the portal's listing-page cap ends the walk."""

    def __init__(self, site: Site, prefix: str = "/trap/", pages: int = 100_000):
        self.prefix, self.pages = prefix, pages
        self.report = replace(seed_reports()[3], title="陷阱县2018年政府信息公开工作年度报告",
                              path="201803/t20180320_900001.html")
        self.column = TrsColumn(site, prefix, [self.report], per_page=1)
        site.add(prefix + "index.html", lambda req: self._page(0))
        site.add_pattern(re.escape(prefix) + r"index_(\d+)\.html",
                         lambda req: self._page(int(req.path.rsplit("_", 1)[1][:-5])))

    def _page(self, index: int) -> DemoResponse:
        return html_response(self.column.listing_html([self.report], self.pages, index))


class CalendarColumn:
    """An endless calendar: every dated page links the same report and the next day (下一页)."""

    def __init__(self, site: Site, prefix: str = "/calendar/"):
        self.prefix = prefix
        self.report = replace(seed_reports()[4], title="日历县2017年政府信息公开工作年度报告")
        site.add(prefix + "show-1.html", html_response(page(self.report.title, (
            f'<h1>{html.escape(self.report.title)}</h1><div class="xxgk_content">'
            f'{render_body_html(self.report.body_text())}</div>'))))
        site.add_pattern(re.escape(prefix) + r"(\d{4})-(\d{2})-(\d{2})\.html", self._day)

    def _day(self, request: DemoRequest) -> DemoResponse:
        day = date.fromisoformat(request.path.rsplit("/", 1)[1][:-5])
        content = (f'<h2>{day.isoformat()} 发布的信息</h2><ul class="list">'
                   f'<li><a href="show-1.html">{html.escape(self.report.title)}</a> <span>{day}</span></li></ul>'
                   f'<div class="pager"><a href="{(day - timedelta(days=1)).isoformat()}.html">上一页</a> '
                   f'<a href="{(day + timedelta(days=1)).isoformat()}.html">下一页</a></div>')
        return html_response(page("信息日历", content))
