"""Hanweb (大汉) jcms columns: `/col/colNNN/index.html` embeds the first group of rows in a
`<script type="text/xml"><datastore>` and calls `jpage({…})`; later rows come from a POST to
`/module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P` with the ajaxParam object as
form data, answered in XML (`<totalrecord>`, `<record><![CDATA[<li>…</li>]]></record>`). Detail
pages: `/art/YYYY/M/D/art_{column}_{id}.html`, body in `#zoom`.

Variants seen on real portals (issue 13): a column page claiming `totalRecord:0` with an empty
recordset whose proxy sits at `/module/jslib/jquery/jpage/dataproxy.jsp` (`HanwebColumn` with
`claimed=0, embed=False`), and one page holding two jpage lists, each its own column
(`HanwebTwoListsColumn`). Every list of a site answers through the one proxy of its path, which
tells the lists apart by the posted columnid."""
from __future__ import annotations

import html

from crawler.demo.chrome import page
from crawler.demo.columns.detail import DemoColumn, Entry, detail_response
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
JSLIB_PROXY_PATH = "/module/jslib/jquery/jpage/dataproxy.jsp"
GROUP_SIZE = 3


class DataProxy:
    """`dataproxy.jsp` at one path of a site: answers for every jpage list posted to it."""

    def __init__(self) -> None:
        self.lists: dict[str, JpageList] = {}

    @classmethod
    def at(cls, site: Site, path: str) -> DataProxy:
        proxy = site.routes.get(path)
        if not isinstance(proxy, DataProxy):
            proxy = cls()
            site.add(path, proxy)
        return proxy

    def __call__(self, request: DemoRequest) -> DemoResponse:
        jpage = self.lists.get((request.form.get("columnid") or [""])[0])
        if request.method != "POST" or jpage is None:
            return DemoResponse(400, b"bad request", {"Content-Type": "text/plain"})
        return jpage.dataproxy(request)


class JpageList:
    """One jpage list: its column's entries, the rows its page embeds, what the page claims."""

    def __init__(self, site: Site, column_id: int, entries: list[Entry], per_page: int = 1, webid: int = 57,
                 unitid: int = 23301, group_size: int = GROUP_SIZE, proxy_path: str = PROXY_PATH,
                 claimed: int | None = None, embed: bool = True):
        self.column_id, self.entries, self.per_page = column_id, entries, per_page
        self.webid, self.unitid, self.group_size = webid, unitid, group_size
        self.proxy_path, self.embed = proxy_path, embed
        self.claimed = len(entries) if claimed is None else claimed     # what the page's totalRecord says
        DataProxy.at(site, proxy_path).lists[str(column_id)] = self
        for entry in entries:
            site.add(self.detail_path(entry), detail_response(entry, '<div id="zoom">', "</div>"))

    @property
    def reports(self) -> list[Entry]:
        return [e for e in self.entries if e.is_report]

    def detail_path(self, entry: Entry) -> str:
        year, month, day = (int(x) for x in entry.published_on.split("-"))
        return f"/art/{year}/{month}/{day}/art_{self.column_id}_{entry.doc_id}.html"

    def record(self, entry: Entry) -> str:
        return (f'<record><![CDATA[<li><a href="{self.detail_path(entry)}" title="{html.escape(entry.title)}" '
                f'target="_blank">{html.escape(entry.title)}</a><span class="bt-data-time">'
                f'{entry.published_on}</span></li>]]></record>')

    def container_html(self) -> str:
        """The element the list renders into, with its embedded datastore (empty when not `embed`)."""
        group = self.entries[:self.per_page * self.group_size] if self.embed else []
        return (f'<div id="{self.unitid}"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="'
                f'{self.proxy_path}?page=1&appid=1&webid={self.webid}&path=/&columnid={self.column_id}'
                f'&unitid={self.unitid}&permissiontype=0"></a>]]></nextgroup><recordset>'
                + "".join(self.record(e) for e in group) + "</recordset></datastore></script></div>")

    def script(self) -> str:
        return (f"$('#{self.unitid}').jpage({{ dataStore: dataStore, proxyUrl:'{self.proxy_path}',"
                f" perPage:{self.per_page}, groupSize:{self.group_size}, totalRecord:{self.claimed},"
                f" barPosition:'bottom', ajaxParam:{{col:1,appid:1,webid:{self.webid},path:'/',"
                f"columnid:{self.column_id},sourceContentType:1,unitid:'{self.unitid}',"
                f"webname:'鹤岗市南山区人民政府',permissiontype:0}} }});")

    def dataproxy(self, request: DemoRequest) -> DemoResponse:
        start = int(request.query["startrecord"][0])
        end = int(request.query["endrecord"][0])
        rows = "".join(self.record(e) for e in self.entries[start - 1:end])
        pages = -(-len(self.entries) // self.per_page)
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(self.entries)}</totalrecord>'
               f'<totalpage>{pages}</totalpage><recordset>{rows}</recordset></datastore>')
        return DemoResponse(200, xml.encode("utf-8"), {"Content-Type": "text/xml;charset=UTF-8"})


def column_page(lists: list[JpageList], title: str = "政府信息公开年报") -> str:
    containers = "".join(f'<div class="bt-box"><div class="title">{html.escape(title)}</div>'
                         f"{jpage.container_html()}</div>\n" for jpage in lists)
    calls = " ".join(jpage.script() for jpage in lists)
    content = (f"{containers}"
               f'<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>\n'
               f"<script>$(document).ready(function(){{ {calls} }});</script>")
    return page(title, content, breadcrumb=title)


class HanwebColumn(DemoColumn):
    """A column page of one jpage list (`/col/col{column_id}/index.html`)."""

    def __init__(self, site: Site, column_id: int = 4417, per_page: int = 1, webid: int = 57,
                 proxy_path: str = PROXY_PATH, claimed: int | None = None, embed: bool = True):
        super().__init__(per_page)
        self.site, self.column_id = site, column_id
        self.list = JpageList(site, column_id, self.entries, per_page, webid, proxy_path=proxy_path,
                              claimed=claimed, embed=embed)
        self.listing_path = f"/col/col{column_id}/index.html"
        site.add(self.listing_path, lambda _req: html_response(self.listing_html()))

    @classmethod
    def zero_total(cls, site: Site, column_id: int = 4418) -> HanwebColumn:
        """The variant whose page claims `totalRecord:0` over an empty recordset, its proxy at the
        jslib path: every row comes from the proxy, which counts them."""
        return cls(site, column_id, proxy_path=JSLIB_PROXY_PATH, claimed=0, embed=False)

    def detail_path(self, entry: Entry) -> str:
        return self.list.detail_path(entry)

    def listing_html(self) -> str:
        return column_page([self.list])


class HanwebTwoListsColumn:
    """One page holding two jpage lists: the column's entries split between two columnids. The first
    list embeds its first group; the second embeds nothing and its page claims a stale total of 1."""

    def __init__(self, site: Site, page_id: int = 4419, column_ids: tuple[int, int] = (4420, 4421),
                 per_page: int = 1):
        entries = DemoColumn(per_page).entries
        half = len(entries) // 2
        self.lists = [
            JpageList(site, column_ids[0], entries[:half], per_page, unitid=23311, group_size=2),
            JpageList(site, column_ids[1], entries[half:], per_page, unitid=23312, group_size=2,
                      claimed=1, embed=False),
        ]
        self.entries = entries
        self.listing_path = f"/col/col{page_id}/index.html"
        site.add(self.listing_path, lambda _req: html_response(column_page(self.lists)))

    @property
    def reports(self) -> list[Entry]:
        return [e for jpage in self.lists for e in jpage.reports]

    def detail_path(self, entry: Entry) -> str:
        return next(jpage.detail_path(entry) for jpage in self.lists if entry in jpage.entries)
