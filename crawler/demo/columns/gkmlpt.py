"""A Guangdong gkmlpt catalogue: `/gkmlpt/index` is a JavaScript shell whose `window._CONFIG` holds
the site id (SID) and the column tree; documents come as JSON from
`/gkmlpt/api/all/{column}?page=N&sid=SID` (`total`, `articles` with title, url, publisher,
identifier, document_number, first_publish_time in unix seconds). Detail pages
`/gkmlpt/content/{a}/{b}/post_{id}.html` carry no metadata header: the JSON is where it is."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from crawler.demo.chrome import page
from crawler.demo.columns.detail import DemoColumn, Entry, detail_response
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

CHINA = timezone(timedelta(hours=8))


class GkmlptColumn(DemoColumn):
    def __init__(self, site: Site, sid: str = "755099", column_id: int = 2811, per_page: int = 2):
        super().__init__(per_page)
        self.site, self.sid, self.column_id = site, sid, column_id
        self.listing_path = "/gkmlpt/index"
        site.add(self.listing_path, lambda _req: html_response(self.index_html()))
        for column in (self.column_id, 0):
            site.add(f"/gkmlpt/api/all/{column}", self.api)
        for entry in self.entries:
            site.add(self.detail_path(entry),
                     detail_response(entry, '<div class="article-content">', "</div>", with_metadata=False))

    def detail_path(self, entry: Entry) -> str:
        doc_id = entry.doc_id
        return f"/gkmlpt/content/{doc_id[:1]}/{doc_id[:4]}/post_{doc_id}.html"

    def article(self, entry: Entry, base_url: str) -> dict:
        item = entry.item
        published = datetime.fromisoformat(item.published_on).replace(hour=10, tzinfo=CHINA)
        return {
            "id": int(entry.doc_id), "title": item.title, "url": base_url + self.detail_path(entry),
            "publisher": getattr(item, "publisher", "") or "鹤岗市南山区人民政府办公室",
            "identifier": getattr(item, "index_no", ""), "document_number": getattr(item, "doc_no", ""),
            "first_publish_time": int(published.timestamp()), "keywords": getattr(item, "keywords", ""),
            "subject": getattr(item, "topic", ""),
        }

    def index_html(self) -> str:
        config = (f"window._CONFIG = {{\n  SID: '{self.sid}',\n  SITE_NAME: '鹤岗市南山区人民政府',\n"
                  f"  COLUMNS: [{{id: 2800, name: '政策文件', children: [{{id: 2801, name: '规范性文件'}}]}},\n"
                  f"            {{id: {self.column_id}, name: '政府信息公开年报', children: []}}]\n}};")
        content = ('<div id="app" class="gkmlpt"><div class="loading">加载中…</div></div>\n'
                   f'<script>{config}</script>\n<script src="/gkmlpt/static/js/app.js"></script>')
        return page("政府信息公开目录", content, breadcrumb="政府信息公开目录")

    def api(self, request: DemoRequest) -> DemoResponse:
        if request.query.get("sid") != [self.sid]:
            return DemoResponse(200, b'{"total": 0, "articles": []}', {"Content-Type": "application/json"})
        number = int(request.query.get("page", ["1"])[0])
        base_url = "http://" + request.headers.get("host", "127.0.0.1")
        chunk = self.page_entries(number)
        body = {"total": len(self.entries), "page": number,
                "articles": [self.article(e, base_url) for e in chunk]}
        return DemoResponse(200, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                            {"Content-Type": "application/json;charset=UTF-8"})
