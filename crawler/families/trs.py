"""TRS WCM listings.

Static mode: `index.html`, `index_1.html` … with the page count in `createPageHTML(n, i, "index", "html")`,
`var countPage = n`, `共N页` or `totalRecord`; detail pages under dated paths like
`./202101/t20210125_123456.html`. Every static page is requested from the first one; stub pages
past the real end simply hold no links. Where the rendered pager's 下一页 link skips `index_1`
(portals that 404 on it) the numbering starts at 2.

Static-plus-API mode (TRS 海云 `list2.trsapi`, "动静结合", e.g. Pingtan): pages 1..maxStaticIndex are
static, later pages come from a POST search API (`/fjdzapp/search` on Fujian portals) with the
`listArgs` of the pager script (channelid, classsql, sortfield) plus page and prepage; the API
answers JSON (`data`/`docs` items with doctitle, chnldocurl/docpuburl, docreltime).

A listing that might hold more is asked before it is given up: where an API is configured, a
record count of 0, a page count of 0 or 1, or no count at all still asks the first API page, and the
last API page asked reads the API's own count (or, without one, whether it came back full) and asks
for the pages past it. A static listing with no count follows its rendered 下一页 link.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import chompjs
from parsel import Selector
from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.extract.dates import to_iso_date
from crawler.families.base import Family, ListingLink
from crawler.families.common import html_links, response_meta

DETAIL_HREF = re.compile(r"(?:^|/)t\d{8}_\d+\.s?html?$")
CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")
CURRENT_PAGE = re.compile(r"var\s+currentPage\s*=\s*['\"]?(\d+)")
PAGES_TOTAL = re.compile(r"共\s*(\d+)\s*页")
TOTAL_RECORD = re.compile(r"\btotalRecord\s*[=:]\s*['\"]?(\d+)", re.I)
PAGE_SIZE = re.compile(r"\b(?:pageSize|perPage|prepage)\s*[=:]\s*['\"]?(\d+)", re.I)
SCRIPT_STEM = re.compile(r"['\"]([\w-]+)_['\"]\s*\+\s*\w+\s*\+\s*['\"]\.(\w+)['\"]")
PAGE_INDEX = re.compile(r"([\w-]+)_(\d+)\.(s?html?)$")
# static-plus-API pager (list2.trsapi)
API_PAGER = re.compile(r"maxStaticIndex\s*:\s*['\"]?(\d+)")
LIST_ARGS = re.compile(r"listArgs\s*:\s*\{(.*?)\}", re.S)   # the fallback where chompjs cannot read the object
JS_REFERENCE = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+")    # SiteInfo.searchId
JS_PAIR = re.compile(r"(\w+)\s*:\s*((?:\"[^\"]*\"|'[^']*'|[^,}\n])+)")
JS_STRING = re.compile(r"\"([^\"]*)\"|'([^']*)'")
RECORD_COUNT = re.compile(r"recordCount\s*:\s*['\"]?(\d+)")
API_PREPAGE = re.compile(r"prepage\s*:\s*['\"]?(\d+)")
SEARCH_PATH = re.compile(r"['\"](/[\w/]*?/search)['\"]")
DEFAULT_SEARCH_PATH = "/fjdzapp/search"
DEFAULT_SORT = "-docorderpri,-docreltime"


class TrsFamily(Family):
    name = "trs"

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        if _is_json(response):
            return None
        text = response.text
        if API_PAGER.search(text) and ("trsapi" in text or LIST_ARGS.search(text)):
            return "TRS list2.trsapi pager (maxStaticIndex, listArgs): static page 1, search API after it"
        if _api_configured(text):
            return "TRS search API pager (listArgs): static pages, search API after them"
        if CREATE_PAGE_HTML.search(text):
            return "pager script createPageHTML(…)"
        has_detail_links = bool(response.css("a[href]").re(r"t\d{8}_\d+\.s?html?"))
        if COUNT_PAGE.search(text) and has_detail_links:
            return "var countPage and tYYYYMMDD_n detail links"
        if has_detail_links and (PAGES_TOTAL.search(text) or TOTAL_RECORD.search(text)):
            return "共N页/totalRecord pager and tYYYYMMDD_n detail links"
        return None

    # --- links ----------------------------------------------------------------------------------
    def links(self, response: Response) -> list[ListingLink]:
        if _is_json(response):
            return _api_links(response.text, response.url)
        return html_links(Selector(text=response.text), response.url,
                          keep=lambda href: bool(DETAIL_HREF.search(href.split("?")[0])))

    # --- next pages -----------------------------------------------------------------------------
    def next_requests(self, response: Response) -> Iterable[Request]:
        if _is_json(response):
            return self._api_follow_ups(response)
        text = response.text
        if _api_configured(text):
            return self._api_requests(response)
        count, current, stem, ext = _static_pager(text, response.url)
        if not count:      # no count (or 0) while the page may go on: its rendered 下一页 link
            return _next_link(response, stem)
        if current != 0:
            return []      # every static page is requested from the first one
        first = int(self.options.get("first_index") or _first_index(response, stem))
        # lazily: a pager claiming 100,000 pages costs only what the spider's page cap takes
        return (Request(urljoin(response.url, f"{stem}_{i}.{ext}"))
                for i in range(first, count + first - 1))

    def _api_requests(self, response: Response) -> list[Request]:
        text = response.text
        max_static = _max_static(text, response.url)
        if _current_page(text, response.url) != 0:
            return []      # every page, static or API, is requested from the first one
        ext = _url_ext(response.url, response.css("a[href]").re(r"t\d{8}_\d+\.(s?html?)"))
        static = [Request(urljoin(response.url, f"index_{i}.{ext}"))
                  for i in range(1, max_static)]
        form = _list_args(text)
        pagebar = _js_object(text, "pagebar") or {}
        prepage = int(pagebar.get("prepage") or _first_match(API_PREPAGE, text) or 10)
        search_url = urljoin(response.url, self.options.get("search_path") or _first_match(SEARCH_PATH, text)
                             or DEFAULT_SEARCH_PATH)
        records = int(pagebar.get("recordCount") or _first_match(RECORD_COUNT, text) or 0)
        # a count of 0, missing, or within the static pages: the first API page is asked all the same
        last = max(math.ceil(records / prepage), max_static + 1)
        return static + _api_pages(search_url, form, max_static + 1, last, prepage)

    def _api_follow_ups(self, response: Response) -> list[Request]:
        """After the last API page asked: the pages past it that the API counts (or, without a
        count, the next page when this one came back full)."""
        asked = response_meta(response, "trs_api_asked")
        if asked is None:
            return []
        data = json.loads(response.text)
        form = response_meta(response, "trs_api_form") or {}
        prepage = int(form.get("prepage", 10) or 10)
        pages = int(data.get("pageCount") or data.get("pagecount") or 0) or math.ceil(
            int(data.get("total") or data.get("recordCount") or 0) / prepage)
        base = {k: v for k, v in form.items() if k not in ("page", "prepage")}
        if pages:
            return _api_pages(response.url, base, asked + 1, pages, prepage)
        if len(_api_links(response.text, response.url)) >= prepage:
            return _api_pages(response.url, base, asked + 1, asked + 1, prepage)
        return []


# --- static pager --------------------------------------------------------------------------------

def _static_pager(text: str, url: str) -> tuple[int | None, int, str, str]:
    """(page count, current page from 0, file stem, extension) of a static TRS listing."""
    m = CREATE_PAGE_HTML.search(text)
    if m:
        return int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    stem, ext = _script_stem(text, url)
    current = _current_page(text, url)
    m = COUNT_PAGE.search(text)
    if m:
        return int(m.group(1)), current, stem, ext
    m = PAGES_TOTAL.search(text)
    if m:
        return int(m.group(1)), current, stem, ext
    m = TOTAL_RECORD.search(text)
    if m:
        size = _first_match(PAGE_SIZE, text)
        per_page = int(size) if size else len(Selector(text=text).css("a[href]").re(r"t\d{8}_\d+\.s?html?"))
        if per_page:
            return math.ceil(int(m.group(1)) / per_page), current, stem, ext
    return None, current, stem, ext


def _next_link(response: Response, stem: str) -> list[Request]:
    """The page's rendered 下一页 link to another page of the listing (`{stem}_N`), if any."""
    for href in response.xpath("//a[normalize-space(.)='下一页' or normalize-space(.)='下页']/@href").getall():
        m = PAGE_INDEX.search(urlsplit(href.strip()).path)
        if m and m.group(1) == stem:
            return [Request(urljoin(response.url, href.strip()))]
    return []


def _script_stem(text: str, url: str) -> tuple[str, str]:
    m = SCRIPT_STEM.search(text)
    if m:
        return m.group(1), m.group(2)
    return "index", _url_ext(url)


def _current_page(text: str, url: str) -> int:
    m = CURRENT_PAGE.search(text)
    if m:
        return int(m.group(1))
    m = PAGE_INDEX.search(urlsplit(url).path)
    return int(m.group(2)) if m else 0


def _first_index(response: Response, stem: str) -> int:
    """1, or 2 where the rendered 下一页 link of the first page goes to `{stem}_2` (no `_1` page)."""
    for href in response.xpath("//a[normalize-space(.)='下一页' or normalize-space(.)='下页']/@href").getall():
        m = PAGE_INDEX.search(urlsplit(href).path)
        if m and m.group(1) == stem:
            return 2 if int(m.group(2)) == 2 else 1
    return 1


def _url_ext(url: str, detail_exts: list[str] | None = None) -> str:
    """The listing's file extension: from its URL, else that of its detail pages, else html."""
    m = re.search(r"\.(s?html?)$", urlsplit(url).path)
    if m:
        return m.group(1)
    return detail_exts[0] if detail_exts else "html"


# --- static-plus-API mode ------------------------------------------------------------------------

def _api_configured(text: str) -> bool:
    """The pager script names a search API: list2.trsapi's maxStaticIndex, or its listArgs."""
    if API_PAGER.search(text) and ("trsapi" in text or LIST_ARGS.search(text)):
        return True
    return bool(LIST_ARGS.search(text) and ("trsapi" in text or SEARCH_PATH.search(text)))


def _max_static(text: str, url: str) -> int:
    """The last static page's number (from 1): maxStaticIndex, else the static pager's count, at least 1."""
    m = API_PAGER.search(text)
    if m:
        return max(int(m.group(1)), 1)
    count = _static_pager(text, url)[0]
    return max(count or 1, 1)


def _js_object(text: str, key: str) -> dict | None:
    """The object literal written after `key:` in the page's script, read by chompjs; None when
    there is none or it is not a plain literal (`classsql: "" || "chnlid=1"`)."""
    m = re.search(rf"\b{key}\s*:\s*(?=\{{)", text)
    if not m:
        return None
    try:
        value = chompjs.parse_js_object(text[m.end():])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _list_args(text: str) -> dict[str, str]:
    """The pager script's listArgs as form fields; `SiteInfo.searchId` and `"" || "x"` resolved.
    A plain object literal is read by chompjs, one with expressions pair by pair."""
    literal = _js_object(text, "listArgs")
    if literal is not None:
        pairs = [(key, _literal_value(value, text)) for key, value in literal.items()]
    else:
        m = LIST_ARGS.search(text)
        if not m:
            return {}
        pairs = [(key, _js_value(expression.strip(), text)) for key, expression in JS_PAIR.findall(m.group(1))]
    form = {key: value for key, value in pairs if value is not None}
    form.setdefault("sortfield", DEFAULT_SORT)
    return form


def _literal_value(value, page: str) -> str | None:
    """A form value from what chompjs read: numbers as text, a bare reference (chompjs gives
    `SiteInfo.searchId` as a string) looked up in the page, empty and other values dropped."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if JS_REFERENCE.fullmatch(value):
        return _reference_value(value, page)
    return value or None


def _reference_value(reference: str, page: str) -> str | None:
    """The value of a reference such as SiteInfo.searchId: its `name: value` in the page."""
    name = reference.split(".")[-1]
    if re.fullmatch(r"\w+", name):
        found = re.search(rf"\b{name}\s*:\s*['\"]?([\w.-]+)", page)
        if found:
            return found.group(1)
    return None


def _js_value(expression: str, page: str) -> str | None:
    for alternative in expression.split("||"):
        alternative = alternative.strip()
        literal = JS_STRING.fullmatch(alternative)
        if literal:
            value = literal.group(1) if literal.group(1) is not None else literal.group(2)
            if value:
                return value
            continue
        if re.fullmatch(r"\d+", alternative):
            return alternative
        value = _reference_value(alternative, page)
        if value is not None:
            return value
    return None


def _api_pages(url: str, form: dict[str, str], first: int, last: int, prepage: int) -> list[FormRequest]:
    """API pages first..last; the last carries `trs_api_asked`, so that its answer decides whether
    there is more."""
    return [_api_request(url, form, page, prepage, {"trs_api_asked": last} if page == last else {})
            for page in range(first, last + 1)]


def _api_request(url: str, form: dict[str, str], page: int, prepage: int, meta: dict) -> FormRequest:
    data = {**form, "page": str(page), "prepage": str(prepage)}
    if "trs_api_asked" in meta:
        meta = {**meta, "trs_api_form": data}
    return FormRequest(url, formdata=data, meta=meta,
                       headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"})


def _api_links(text: str, base_url: str) -> list[ListingLink]:
    data = json.loads(text)
    items = data.get("data") or data.get("docs") or []
    out = []
    for item in items if isinstance(items, list) else []:
        url = item.get("chnldocurl") or item.get("docpuburl") or item.get("url")
        title = item.get("doctitle") or item.get("title") or ""
        if url:
            out.append(ListingLink(url=urljoin(base_url, url), title=title.strip(),
                                   date=_api_date(item.get("docreltime") or item.get("pubdate"))))
    return out


def _api_date(value) -> str | None:
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, timezone(timedelta(hours=8))).date().isoformat()
    return to_iso_date(str(value)) if value else None


def _first_match(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1) if m else None


def _is_json(response: Response) -> bool:
    ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    if "json" in ctype:
        return True
    head = response.body[:200].lstrip()
    return head[:1] in (b"{", b"[")
