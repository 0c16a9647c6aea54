"""A Hanweb (大汉) jcms column: `/col/colNNN/index.html` embeds the first group of rows in a
`<script type="text/xml"><datastore>` and calls `jpage({…})`; later rows come from a POST to
`/module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P` with the ajaxParam object as
form data, answered in XML (`<totalrecord>`, `<record><![CDATA[<li>…</li>]]></record>`). Detail
pages: `/art/YYYY/M/D/art_{column}_{id}.html`, body in `#zoom`."""
from __future__ import annotations

import html

from crawler.demo.chrome import page
from crawler.demo.columns.detail import DemoColumn, Entry, detail_response
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
GROUP_SIZE = 3


class HanwebColumn(DemoColumn):
    def __init__(self, site: Site, column_id: int = 4417, per_page: int = 1, webid: int = 57):
        super().__init__(per_page)
        self.site, self.column_id, self.webid = site, column_id, webid
        self.listing_path = f"/col/col{column_id}/index.html"
        site.add(self.listing_path, lambda _req: html_response(self.listing_html()))
        site.add(PROXY_PATH, self.dataproxy)
        for entry in self.entries:
            site.add(self.detail_path(entry), detail_response(entry, '<div id="zoom">', "</div>"))

    def detail_path(self, entry: Entry) -> str:
        year, month, day = (int(x) for x in entry.published_on.split("-"))
        return f"/art/{year}/{month}/{day}/art_{self.column_id}_{entry.doc_id}.html"

    def record(self, entry: Entry) -> str:
        return (f'<record><![CDATA[<li><a href="{self.detail_path(entry)}" title="{html.escape(entry.title)}" '
                f'target="_blank">{html.escape(entry.title)}</a><span class="bt-data-time">'
                f'{entry.published_on}</span></li>]]></record>')

    def listing_html(self) -> str:
        group = self.entries[:self.per_page * GROUP_SIZE]
        datastore = (f'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{PROXY_PATH}?page=1'
                     f'&appid=1&webid={self.webid}&path=/&columnid={self.column_id}&unitid=23301'
                     f'&permissiontype=0"></a>]]></nextgroup><recordset>'
                     + "".join(self.record(e) for e in group) + "</recordset></datastore></script>")
        script = (f"<script>$(document).ready(function(){{ $('#23301').jpage({{ dataStore: dataStore,"
                  f" proxyUrl:'{PROXY_PATH}', perPage:{self.per_page}, groupSize:{GROUP_SIZE},"
                  f" totalRecord:{len(self.entries)}, barPosition:'bottom', "
                  f"ajaxParam:{{col:1,appid:1,webid:{self.webid},path:'/',columnid:{self.column_id},"
                  f"sourceContentType:1,unitid:'23301',webname:'鹤岗市南山区人民政府',permissiontype:0}} }}); }});</script>")
        content = (f'<div class="bt-box"><div class="title">政府信息公开年报</div>'
                   f'<div id="23301">{datastore}</div></div>\n'
                   f'<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>\n'
                   f'{script}')
        return page("政府信息公开年报", content, breadcrumb="政府信息公开年报")

    def dataproxy(self, request: DemoRequest) -> DemoResponse:
        form = request.form
        if request.method != "POST" or form.get("columnid") != [str(self.column_id)]:
            return DemoResponse(400, b"bad request", {"Content-Type": "text/plain"})
        start = int(request.query["startrecord"][0])
        end = int(request.query["endrecord"][0])
        rows = "".join(self.record(e) for e in self.entries[start - 1:end])
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(self.entries)}</totalrecord>'
               f'<totalpage>{self.page_count()}</totalpage><recordset>{rows}</recordset></datastore>')
        return DemoResponse(200, xml.encode("utf-8"), {"Content-Type": "text/xml;charset=UTF-8"})
