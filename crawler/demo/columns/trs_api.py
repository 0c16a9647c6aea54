"""A TRS 海云 "动静结合" column on the markup of the real Pingtan listing
(tests/fixtures/real/pingtan__listing__1.html): page 1 is static (`<dl><dd><a href="./YYYYMM/tYYYYMMDD_id.htm"
title=…></dd><dd>date</dd></dl>`), the pager script `list2.trsapi` names maxStaticIndex, listArgs
(channelid: SiteInfo.searchId, classsql) and recordCount; later pages come as JSON from
POST /fjdzapp/search (page, prepage, channelid, classsql, sortfield)."""
from __future__ import annotations

import html
import json

from crawler.demo.chrome import page
from crawler.demo.columns.detail import DemoColumn, Entry, detail_response
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

SEARCH_PATH = "/fjdzapp/search"


class TrsApiColumn(DemoColumn):
    def __init__(self, site: Site, prefix: str = "/zwgk/zfxxgk/zfxxgknb/", channel_id: int = 1813,
                 search_id: int = 200210, per_page: int = 2):
        super().__init__(per_page)
        self.site, self.prefix = site, prefix
        self.channel_id, self.search_id = channel_id, search_id
        self.listing_path = prefix
        site.add(prefix + "index.html", lambda _req: html_response(self.index_html()))
        site.add(SEARCH_PATH, self.search)
        for entry in self.entries:
            site.add(prefix + self.relative_path(entry), detail_response(entry, '<div class="TRS_Editor">', "</div>"))

    def relative_path(self, entry: Entry) -> str:
        day = entry.published_on.replace("-", "")
        return f"{day[:6]}/t{day}_{entry.doc_id}.htm"

    def index_html(self) -> str:
        items = "\n".join(
            f'<dl>\n<dd class="trt-col-sm-24 text_align_left"><a href="./{self.relative_path(e)}" target="_blank" '
            f'title="{html.escape(e.title)}">{html.escape(e.title)}</a></dd>\n'
            f'<dd class="trt-col-4 trt-col-sm-24 text_align_left">{e.published_on}</dd>\n</dl>'
            for e in self.page_entries(1))
        site_info = f'{{ itpSiteId: 21, searchId: {self.search_id}, defaultPgTemp: "pgBar_pt.html" }}'
        pagebar = (f"{{ prepage: {self.per_page}, recordCount: '{len(self.entries)}', "
                   'pgTemp: "pgBar_xxgk.html", pgCountMode: "recordCount" }')
        script = f"""<script>var SiteInfo = {site_info};</script>
<script>
require(["list2.trsapi", "tools"], function(listModel, tools) {{
    listModel({{
        quickMode: "动静结合",
        maxStaticIndex: 1,
        listArgs: {{
            channelid: SiteInfo.searchId,
            classsql: "" || "chnlid={self.channel_id}",
            sortfield: "-docorderpri,-docreltime"
        }},
        pagebar: {pagebar}
    }});
}});
</script>"""
        content = f'<div class="list_base">\n{items}\n</div>\n<div id="pagebar"></div>\n{script}'
        return page("政府信息公开年报", content, breadcrumb="政府信息公开年报")

    def search(self, request: DemoRequest) -> DemoResponse:
        form = {k: v[0] for k, v in request.form.items()}
        if (request.method != "POST" or form.get("channelid") != str(self.search_id)
                or form.get("classsql") != f"chnlid={self.channel_id}"):
            return DemoResponse(200, b'{"data": [], "total": 0, "pageCount": 0}', {"Content-Type": "application/json"})
        number, prepage = int(form.get("page", 1)), int(form.get("prepage", self.per_page))
        chunk = self.entries[(number - 1) * prepage:number * prepage]   # the API's own page size
        base_url = "http://" + request.headers.get("host", "127.0.0.1")
        data = [{"doctitle": e.title, "chnldocurl": base_url + self.prefix + self.relative_path(e),
                 "docreltime": e.published_on + " 10:00:00"} for e in chunk]
        body = {"data": data, "total": len(self.entries), "pageCount": -(-len(self.entries) // prepage)}
        return DemoResponse(200, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                            {"Content-Type": "application/json;charset=UTF-8"})
