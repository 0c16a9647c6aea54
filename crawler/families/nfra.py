"""国家金融监督管理总局 (www.nfra.gov.cn; before 2023 www.cbirc.gov.cn): an AngularJS application.

What the saved pages show (tests/fixtures/real/nfra__detail__{1,2}.html, DOMs rendered by Selenium):
- every page is `<div ng-app="myApp">`; its lists are `ng-repeat="x in …"` rows rendered from JSON
  files under `/cn/static/data/DocInfo/<Query>/data_<name>=<value>,<name>=<value>.json` (named in
  `ng-data` attributes, e.g. `SelectItemAndDocByItemPId/data_itemId=914,pageSize=10.json`);
- a row's fields are `docId`, `docSubtitle` (the title, HTML allowed: `|trimHtml`) and `itemId`;
  its link is `/cn/view/pages/ItemDetail.html?docId={docId}&itemId={itemId}`;
- a column's page is `/cn/view/pages/ItemList.html?itemPId={parent}&itemId={column}&…`;
- the 政府信息公开年报 entry links to `/cn/view/pages/zhengwuxinxi/zhengfuxinxi.html?signIndex=3`.

What they do not show, and is assumed here from public crawlers of the same site (cited in
tests/fixtures/nfra/README.md), not verified against the live site:
- a column's paged list is `/cn/static/data/DocInfo/SelectDocByItemIdAndChild/
  data_itemId={column},pageIndex={n},pageSize={size}.json`;
- its answer is `{"rptCode": 200, "data": {"total": N, "rows": [{"docId", "docSubtitle" or
  "docTitle", "publishDate": "YYYY-MM-DD HH:MM:SS", …}]}}`.
- The 年报 column's itemId is not on any saved page: the registry option `item_id` names it, else the
  page URL's `itemId=`, else a `SelectDocByItemIdAndChild/data_itemId=N` URL in the page. Without
  one the family reads the report links of the page itself (a page rendered by the browser).
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from html import escape
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response

from crawler.extract.dates import to_iso_date
from crawler.families.base import Family, ListingLink
from crawler.families.common import html_links

HOSTS = ("nfra.gov.cn", "cbirc.gov.cn")
LIST_QUERY = "SelectDocByItemIdAndChild"
LIST_PATH = "/cn/static/data/DocInfo/" + LIST_QUERY + "/data_itemId={item},pageIndex={page},pageSize={size}.json"
DETAIL_PATH = "/cn/view/pages/ItemDetail.html?docId={doc}&itemId={item}"
# a document's own JSON, which ItemDetail.html renders in the browser (fields named in the page's
# AngularJS templates: docTitle, docSubtitle, docClob, docSource, documentNo, publishDate,
# attachmentInfoVOList); assumed like the list API, not seen answered on a saved page
DOCUMENT_PATH = "/cn/static/data/DocInfo/SelectByDocId/data_docId={doc}.json"
PAGE_SIZE = 18                     # the size the site's own column pages ask for
APP = re.compile(r"ng-app=[\"']myApp[\"']")
STATIC_DATA = re.compile(r"/cn/static/data/DocInfo/\w+/data_")
LIST_URL_IN_PAGE = re.compile(LIST_QUERY + r"/data_itemId=(\d+)")
# detail pages: ItemDetail.html?docId=… (documents) and zhengfuxinxi.html?docId=… (the 年报 view)
DETAIL_PAGES = ("/cn/view/pages/ItemDetail.html", "/cn/view/pages/zhengwuxinxi/zhengfuxinxi.html")
TAGS = re.compile(r"<[^>]+>")


class NfraFamily(Family):
    name = "nfra"

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        if _list_api(response.url) is not None:
            return f"NFRA list API /cn/static/data/DocInfo/{LIST_QUERY}"
        text = getattr(response, "text", "")
        if APP.search(text) and STATIC_DATA.search(text):
            return "NFRA AngularJS portal: ng-app myApp, lists from /cn/static/data/DocInfo/… JSON"
        return None

    def links(self, response: Response) -> list[ListingLink]:
        api = _list_api(response.url)
        if api is not None:
            item, _page, _size = api
            return [link for row in _rows(response.text) if (link := _row_link(row, response.url, item))]
        # a page the browser rendered (or a saved DOM): its detail links
        return html_links(Selector(text=response.text, type="html"), response.url, keep=_is_detail_href)

    def next_requests(self, response: Response) -> Iterable[Request]:
        api = _list_api(response.url)
        if api is None:
            item = self.item_id(response)
            return [Request(list_url(response.url, item, 1))] if item else []
        item, page, size = api
        if page != 1:
            return []       # every page is requested from the first one
        total = _total(response.text)
        pages = math.ceil(total / size) if total else 1
        return [Request(list_url(response.url, item, n, size)) for n in range(2, pages + 1)]

    def document_url(self, link: ListingLink) -> str | None:
        """A report's page is an empty AngularJS template without a browser: its document is
        fetched from the document API instead."""
        doc_id = parse_qs(urlsplit(link.url).query).get("docId", [""])[0]
        return urljoin(link.url, DOCUMENT_PATH.format(doc=doc_id)) if doc_id.isdigit() else None

    def document_page(self, response: Response) -> bytes | None:
        """The document API's answer as the page the browser would show: headline, the metadata
        the site prints (发布机构, 发布日期, 文号) and the body, attachments linked."""
        doc = _data(response.text)
        body = str(doc.get("docClob") or "")
        if not body.strip():
            return None
        title = " ".join(TAGS.sub("", str(doc.get("docTitle") or doc.get("docSubtitle") or "")).split())
        fields = (("发布机构", doc.get("docSource")), ("发布日期", to_iso_date(str(doc.get("publishDate") or ""))),
                  ("文号", doc.get("documentNo")))
        rows = "".join(f"<tr><td>{label}：</td><td>{escape(str(value))}</td></tr>" for label, value in fields if value)
        files = "".join(f'<li><a href="{escape(urljoin(response.url, str(f.get("fileUrl") or "")))}">'
                        f'{escape(str(f.get("fileName") or ""))}</a></li>'
                        for f in doc.get("attachmentInfoVOList") or [] if isinstance(f, dict) and f.get("fileUrl"))
        page = (f"<html><head><meta charset=\"utf-8\"><title>{escape(title)}</title></head><body>"
                f"<h1>{escape(title)}</h1><table class=\"xxgk_table\">{rows}</table>"
                f"<div id=\"zoom\">{body}</div>" + (f"<ul class=\"attachments\">{files}</ul>" if files else "")
                + "</body></html>")
        return page.encode("utf-8")

    def item_id(self, response: Response) -> str | None:
        """The column whose list API is walked: option `item_id`, the URL's itemId, a list URL in the page."""
        if self.options.get("item_id"):
            return str(self.options["item_id"])
        query = parse_qs(urlsplit(response.url).query)
        if query.get("itemId", [""])[0].isdigit():
            return query["itemId"][0]
        found = LIST_URL_IN_PAGE.search(getattr(response, "text", ""))
        return found.group(1) if found else None


def list_url(base_url: str, item: str, page: int, size: int = PAGE_SIZE) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" + LIST_PATH.format(item=item, page=page, size=size)


def detail_url(base_url: str, doc_id, item) -> str:
    return urljoin(base_url, DETAIL_PATH.format(doc=doc_id, item=item))


def _list_api(url: str) -> tuple[str, int, int] | None:
    """(itemId, pageIndex, pageSize) of a list-API URL, None for other URLs."""
    path = urlsplit(url).path
    if f"/{LIST_QUERY}/data_" not in path:
        return None
    fields = dict(part.split("=", 1) for part in path.rsplit("/data_", 1)[1].removesuffix(".json").split(",")
                  if "=" in part)
    if not fields.get("itemId", "").isdigit():
        return None
    return fields["itemId"], int(fields.get("pageIndex") or 1), int(fields.get("pageSize") or PAGE_SIZE)


def _data(text: str) -> dict:
    try:
        answer = json.loads(text)
    except ValueError:
        return {}
    data = answer.get("data") if isinstance(answer, dict) else None
    return data if isinstance(data, dict) else {}


def _rows(text: str) -> list[dict]:
    rows = _data(text).get("rows")
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _total(text: str) -> int:
    total = _data(text).get("total")
    return int(total) if str(total).isdigit() else 0


def _row_link(row: dict, page_url: str, item: str) -> ListingLink | None:
    doc_id = row.get("docId")
    if not str(doc_id or "").isdigit():
        return None
    title = " ".join(TAGS.sub("", str(row.get("docSubtitle") or row.get("docTitle") or "")).split())
    published = to_iso_date(str(row.get("publishDate") or ""))
    meta = {"title": title, "published_on": published,
            "publisher": (row.get("docSource") or "").strip() or None,
            "doc_no": (row.get("documentNo") or "").strip() or None}
    return ListingLink(url=detail_url(page_url, doc_id, row.get("itemId") or item), title=title, date=published,
                       meta={k: v for k, v in meta.items() if v})


def _is_detail_href(href: str) -> bool:
    parts = urlsplit(href)
    return parts.path.endswith(DETAIL_PAGES) and "docId=" in parts.query
