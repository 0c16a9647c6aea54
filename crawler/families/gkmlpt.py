"""Guangdong's disclosure catalogue platform (gkmlpt, `/gkmlpt/index`).

The page is a shell: `window._CONFIG = {SID: '…', …}` names the site and carries the column tree;
documents come as JSON from `/gkmlpt/api/all/{column}?page={n}&sid={sid}`:
`{"total": N, "articles": [{"title", "url", "publisher", "identifier" (索引号),
"document_number" (文号), "first_publish_time" (unix seconds), …}]}`. The metadata is in the JSON
itself, so each link carries it (`ListingLink.meta`).

The column: the registry option `column`, else the page URL's `#NNN`, else the column of the
tree named like 年报/年度报告, else 0 (all documents; the report filter picks the reports).

Page 1 asks for every page its `total` counts. A total of 0 or missing (or smaller than the page
itself) is unknown, not "nothing there": while the pages come back full, the next one is asked.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler.extract.dates import to_iso_date
from crawler.families.base import Family, ListingLink
from crawler.families.common import response_meta

CONFIG = re.compile(r"window\._CONFIG\s*=\s*\{")
SID = re.compile(r"['\"]?SID['\"]?\s*:\s*['\"]?(\w+)")
TREE_NODE = re.compile(r"['\"]?id['\"]?\s*:\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?name['\"]?\s*:\s*['\"]([^'\"]+)['\"]")
REPORT_COLUMN = re.compile(r"年报|年度报告")
CHINA = timezone(timedelta(hours=8))
# JSON field → ListingLink.meta key (report.py's listing_meta names)
META_FIELDS = {
    "index_no": ("identifier", "index_no", "syh"),
    "publisher": ("publisher", "source"),
    "doc_no": ("document_number", "doc_no", "wh"),
    "topic": ("subject", "topic", "theme"),
    "keywords": ("keywords", "keyword"),
}
PUBLISHED = ("first_publish_time", "publish_time", "display_publish_time", "created_at", "date")
WRITTEN = ("written_time", "compose_time", "produce_time")


class GkmlptFamily(Family):
    name = "gkmlpt"

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        if _api_page(response.url) is not None:
            return "gkmlpt JSON API /gkmlpt/api/all/{column}"
        text = response.text
        if CONFIG.search(text) and SID.search(text) and "gkmlpt" in (text + response.url):
            return "gkmlpt catalogue: window._CONFIG with SID"
        return None

    def links(self, response: Response) -> list[ListingLink]:
        if _api_page(response.url) is None:
            return []       # the catalogue page itself is rendered by JavaScript
        return [_article_link(a) for a in json.loads(response.text).get("articles") or [] if a.get("url")]

    def next_requests(self, response: Response) -> Iterable[Request]:
        page = _api_page(response.url)
        if page is None:
            sid = SID.search(response.text).group(1) if SID.search(response.text) else None
            if not sid:
                return []
            column = self.options.get("column") or _column(response.url, response.text)
            return [Request(_api_url(response.url, column, 1, sid))]
        probing = response_meta(response, "gkmlpt_per_page")
        if page != 1 and not probing:
            return []      # every counted page is requested from the first one
        data = json.loads(response.text)
        articles = len(data.get("articles") or [])
        per_page = probing or articles or 1
        total = _number(data.get("total"))
        query = parse_qs(urlsplit(response.url).query)
        column = urlsplit(response.url).path.rstrip("/").rsplit("/", 1)[-1]
        sid = query["sid"][0]
        if total and total >= articles:
            pages = math.ceil(total / per_page)
            return [Request(_api_url(response.url, column, n, sid)) for n in range(page + 1, pages + 1)]
        if articles and articles >= per_page:   # no count and a full page: the next one may hold more
            return [Request(_api_url(response.url, column, page + 1, sid), meta={"gkmlpt_per_page": per_page})]
        return []


def _api_page(url: str) -> int | None:
    """The page number of a /gkmlpt/api/all/… URL, None for other URLs."""
    parts = urlsplit(url)
    if "/gkmlpt/api/all/" not in parts.path:
        return None
    return int(parse_qs(parts.query).get("page", ["1"])[0])


def _api_url(page_url: str, column: str, page: int, sid: str) -> str:
    parts = urlsplit(page_url)
    root = parts.path.split("/gkmlpt/")[0] if "/gkmlpt/" in parts.path else ""
    return f"{parts.scheme}://{parts.netloc}{root}/gkmlpt/api/all/{column}?page={page}&sid={sid}"


def _column(url: str, text: str) -> str:
    fragment = urlsplit(url).fragment
    if fragment.isdigit():
        return fragment
    config = text[CONFIG.search(text).start():] if CONFIG.search(text) else text
    for column_id, name in TREE_NODE.findall(config):
        if REPORT_COLUMN.search(name):
            return column_id
    return "0"


def _article_link(article: dict) -> ListingLink:
    published = _date(_field(article, PUBLISHED))
    meta = {"title": (article.get("title") or "").strip(), "published_on": published,
            "written_on": _date(_field(article, WRITTEN))}
    for key, names in META_FIELDS.items():
        value = _field(article, names)
        if value not in (None, ""):
            meta[key] = value if key != "keywords" or isinstance(value, str) else " ".join(value)
    meta = {k: v for k, v in meta.items() if v not in (None, "")}
    return ListingLink(url=article["url"], title=meta.get("title", ""), date=published, meta=meta)


def _field(article: dict, names: tuple[str, ...]):
    for name in names:
        if article.get(name) not in (None, ""):
            return article[name]
    return None


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value) -> str | None:
    """Unix seconds (the platform's usual form) or a date string, as an ISO date in China time."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or str(value).isdigit():
        seconds = int(value)
        return datetime.fromtimestamp(seconds / 1000 if seconds > 10**11 else seconds, CHINA).date().isoformat()
    return to_iso_date(str(value))
