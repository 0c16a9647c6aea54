"""A column whose report links name one page in several ways (issue 15: one URL identity).

Its list links `show.jsp?year=2020&id=482101#top`: query arguments out of canonical order and a
fragment, as gkmlpt and many JSP portals print them; the page is stored under its canonical URL
`show.jsp?id=482101&year=2020`. One report is linked as `go.jsp?id=…`, which redirects to its
page. A nightly run must recognise every one of them as known, and ask for it conditionally."""
from __future__ import annotations

import html

from crawler.demo.chrome import page
from crawler.demo.columns.detail import DemoColumn, detail_response
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

NOT_FOUND = DemoResponse(404, b"not found", {"Content-Type": "text/plain"})


class IdentityColumn(DemoColumn):
    def __init__(self, site: Site, prefix: str = "/gkml/bs/") -> None:
        super().__init__(per_page=10)
        self.prefix = prefix
        self.listing_path = prefix + "list.jsp"
        self.redirected = self.reports[-1].doc_id          # the one reached through go.jsp
        self._details = {e.doc_id: detail_response(e, '<div class="xxgk_content">', "</div>") for e in self.entries}
        self._years = {e.doc_id: e.published_on[:4] for e in self.entries}
        site.add(self.listing_path, lambda _req: html_response(self.listing_html()))
        site.add(prefix + "show.jsp", self.detail)
        site.add(prefix + "go.jsp", self.go)

    def link(self, doc_id: str) -> str:
        if doc_id == self.redirected:
            return f"go.jsp?id={doc_id}"
        return f"show.jsp?year={self._years[doc_id]}&id={doc_id}#top"

    def listing_html(self) -> str:
        items = "\n".join(f'<li><a href="{html.escape(self.link(e.doc_id))}">{html.escape(e.title)}</a>'
                          f'<span>{e.published_on}</span></li>' for e in self.entries)
        return page("政府信息公开年报", f'<ul class="list">\n{items}\n</ul>', breadcrumb="政府信息公开年报")

    def detail(self, request: DemoRequest) -> DemoResponse:
        return self._details.get(request.query.get("id", [""])[0]) or NOT_FOUND

    def go(self, request: DemoRequest) -> DemoResponse:
        doc_id = request.query.get("id", [""])[0]
        if doc_id not in self._details:
            return NOT_FOUND
        return DemoResponse(302, b"", {"Location": f"{self.prefix}show.jsp?id={doc_id}&year={self._years[doc_id]}"})
