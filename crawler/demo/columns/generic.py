"""Columns of no CMS family: what the generic family has to walk.

- `PlainListColumn`: a small site's list, `list.html`, `list_2.html` …, paged by 下一页 links only;
- `UnknownMarkupColumn`: markup no family knows (a table of `view.jsp?id=N` links, dates in their
  own cells, pages as `annual.jsp?page=N` numbers with no 下一页), to show the fallback works."""
from __future__ import annotations

import html

from crawler.demo.chrome import page
from crawler.demo.columns.detail import DemoColumn, Entry, detail_response
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response


class PlainListColumn(DemoColumn):
    def __init__(self, site: Site, prefix: str = "/gkml/ndbg/", per_page: int = 2):
        super().__init__(per_page)
        self.site, self.prefix = site, prefix
        self.listing_path = prefix + "list.html"
        for number in range(1, self.page_count() + 1):
            site.add(self.page_path(number), html_response(self.listing_html(number)))
        for entry in self.entries:
            site.add(self.detail_path(entry), detail_response(entry, '<div class="xxgk_content">', "</div>"))

    def page_path(self, number: int) -> str:
        return self.prefix + ("list.html" if number == 1 else f"list_{number}.html")

    def detail_path(self, entry: Entry) -> str:
        return f"{self.prefix}show-{entry.doc_id}.html"

    def listing_html(self, number: int) -> str:
        chunk = self.page_entries(number)
        items = "\n".join(f'<li><span class="date">[{e.published_on}]</span> '
                          f'<a href="show-{e.doc_id}.html">{html.escape(e.title)}</a></li>' for e in chunk)
        pager = (f'<a href="{self.page_path(number - 1).rsplit("/", 1)[1]}">上一页</a> ' if number > 1 else "")
        if number < self.page_count():
            pager += f'<a href="{self.page_path(number + 1).rsplit("/", 1)[1]}">下一页</a>'
        content = f'<h2>年度报告</h2>\n<ul class="list">\n{items}\n</ul>\n<div class="pager">{pager}</div>'
        return page("年度报告", content, breadcrumb="年度报告")


class UnknownMarkupColumn(DemoColumn):
    def __init__(self, site: Site, prefix: str = "/info/", per_page: int = 2):
        super().__init__(per_page)
        self.site, self.prefix = site, prefix
        self.listing_path = prefix + "annual.jsp"
        site.add(self.listing_path, self.listing)
        self._details = {e.doc_id: detail_response(e, '<div class="article_content">', "</div>")
                         for e in self.entries}
        site.add(prefix + "view.jsp", self.detail)

    def listing(self, request: DemoRequest) -> DemoResponse:
        number = int(request.query.get("page", ["1"])[0])
        if not 1 <= number <= self.page_count():
            return DemoResponse(404, b"not found", {"Content-Type": "text/plain"})
        chunk = self.page_entries(number)
        rows = "\n".join(f'<tr><td class="c1"><a href="view.jsp?id={e.doc_id}" target="_blank">'
                         f'{html.escape(e.title)}</a></td><td class="c2">{e.published_on}</td></tr>'
                         for e in chunk)
        numbers = " ".join(f"<b>{n}</b>" if n == number else f'<a href="annual.jsp?page={n}">{n}</a>'
                           for n in range(1, self.page_count() + 1))
        content = (f'<div class="rpt-box"><table class="grid"><tbody>\n{rows}\n</tbody></table>'
                   f'<div class="pg">{numbers}</div></div>')
        return html_response(page("年度报告", content, breadcrumb="年度报告"))

    def detail(self, request: DemoRequest) -> DemoResponse:
        response = self._details.get(request.query.get("id", [""])[0])
        return response or DemoResponse(404, b"not found", {"Content-Type": "text/plain"})
