"""A column whose list the browser builds: `/jsapp/index.html` is a JavaScript shell (an empty
`<div id="app">` and a script) that `fetch()`es `/jsapp/api/list.json?page=N` and writes the rows
and a 下一页 link into the page. Without a browser the page holds no report link at all; rendered,
it is a plain list the generic family walks (`index.html?page=N`). The detail pages are ordinary
HTML (`/jsapp/content/{id}.html`, body in `div.article_content`), fetched without the browser."""
from __future__ import annotations

import json

from crawler.demo.chrome import page
from crawler.demo.columns.detail import DemoColumn, Entry, detail_response
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

PREFIX = "/jsapp/"

APP_SCRIPT = """
(function () {
  var page = Number(new URLSearchParams(location.search).get("page") || "1");
  fetch("/jsapp/api/list.json?page=" + page)
    .then(function (answer) { return answer.json(); })
    .then(function (data) {
      var app = document.getElementById("app");
      var list = document.createElement("ul");
      list.className = "list";
      data.items.forEach(function (item) {
        var row = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        var date = document.createElement("span");
        date.className = "date";
        date.textContent = item.date;
        row.appendChild(link);
        row.appendChild(date);
        list.appendChild(row);
      });
      app.innerHTML = "";
      app.appendChild(list);
      if (data.page < data.pages) {
        var next = document.createElement("a");
        next.href = "index.html?page=" + (data.page + 1);
        next.textContent = "下一页";
        var pager = document.createElement("div");
        pager.className = "pager";
        pager.appendChild(next);
        app.appendChild(pager);
      }
    });
})();
"""


class JsAppColumn(DemoColumn):
    def __init__(self, site: Site, prefix: str = PREFIX, per_page: int = 2):
        super().__init__(per_page)
        self.site, self.prefix = site, prefix
        self.listing_path = prefix + "index.html"
        self.api_path = prefix + "api/list.json"
        site.add(self.listing_path, html_response(self.shell_html()))
        site.add(self.api_path, self.api)
        for entry in self.entries:
            site.add(self.detail_path(entry), detail_response(entry, '<div class="article_content">', "</div>"))

    def detail_path(self, entry: Entry) -> str:
        return f"{self.prefix}content/{entry.doc_id}.html"

    def shell_html(self) -> str:
        content = ('<h2>政府信息公开年报</h2>\n<div id="app"><p class="loading">加载中…</p></div>\n'
                   f"<script>{APP_SCRIPT}</script>")
        return page("政府信息公开年报", content, breadcrumb="政府信息公开年报")

    def api(self, request: DemoRequest) -> DemoResponse:
        number = int(request.query.get("page", ["1"])[0] or 1)
        if not 1 <= number <= self.page_count():
            return DemoResponse(404, b'{"error": "no such page"}', {"Content-Type": "application/json"})
        items = [{"title": e.title, "url": self.detail_path(e), "date": e.published_on}
                 for e in self.page_entries(number)]
        body = {"page": number, "pages": self.page_count(), "total": len(self.entries), "items": items}
        return DemoResponse(200, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                            {"Content-Type": "application/json; charset=utf-8"})
