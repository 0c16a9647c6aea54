"""Hanweb (大汉) jcms listings (`/col/colNNN/index.html`).

The column page calls `$('#id').jpage({… proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:15,
totalRecord:N, ajaxParam:{col:1, appid:1, webid:…, columnid:…, unitid:…, …}})` and may embed the
first group of rows in a `<script type="text/xml"><datastore>`. Later rows come from a POST to
`dataproxy.jsp?startrecord=S&endrecord=E&perpage=P` whose form data is the ajaxParam object; the
answer is XML: `<datastore><totalrecord>N</totalrecord><recordset><record><![CDATA[<li>…</li>]]>
</record>…`. Rows link detail pages such as `/art/2021/1/26/art_1234_567.html`.
"""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import urljoin

from parsel import Selector
from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.families.base import Family, ListingLink
from crawler.families.common import html_links, response_meta

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
JPAGE_CALL_START = re.compile(r"\.jpage\(\s*\{")
AJAX_PARAM = re.compile(r"ajaxParam\s*[:=]\s*\{(.*?)\}", re.S)
JS_PAIR = re.compile(r"['\"]?(\w+)['\"]?\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,}\s]+))")
PROXY_URL = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
PER_PAGE = re.compile(r"perPage\s*:\s*['\"]?(\d+)")
GROUP_SIZE = re.compile(r"groupSize\s*:\s*['\"]?(\d+)")
TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*:\s*['\"]?(\d+)", re.I)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
DEFAULT_PER_PAGE = 15
DEFAULT_GROUP_SIZE = 3      # jpage fetches three pages of rows per request


class HanwebFamily(Family):
    name = "hanweb"

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        text = response.text
        if "dataproxy.jsp" in text and ("jpage" in text or "ajaxParam" in text):
            return "jpage listing filled from /module/web/jpage/dataproxy.jsp"
        if "<datastore>" in text and RECORD.search(text):
            return "Hanweb <datastore> of <record> rows"
        return None

    def links(self, response: Response) -> list[ListingLink]:
        """The rows of the embedded <datastore> of a column page, or of a dataproxy.jsp answer."""
        base = response_meta(response, "hanweb_listing_url") or response.url
        fragments = RECORD.findall(response.text)
        return html_links(Selector(text="\n".join(fragments)), base) if fragments else []

    def next_requests(self, response: Response) -> Iterable[Request]:
        text = response.text
        if not _is_page(text):
            return self._follow_ups(response)
        config = _jpage_config(text)
        form = _ajax_param(config or text)
        if not form:
            return []
        per_page = int(_first(PER_PAGE, config) or DEFAULT_PER_PAGE)
        group = per_page * int(_first(GROUP_SIZE, config) or DEFAULT_GROUP_SIZE)
        proxy = urljoin(response.url, _first(PROXY_URL, config) or PROXY_PATH)
        embedded = len(RECORD.findall(text))
        total = _total(config)
        meta = {"hanweb_listing_url": response.url, "hanweb_form": form,
                "hanweb_per_page": per_page, "hanweb_group": group}
        if total is None:    # total unknown: fetch one group and read <totalrecord> from its answer
            return [_proxy_request(proxy, form, embedded + 1, embedded + group, per_page,
                                   {**meta, "hanweb_expand": True})]
        return [_proxy_request(proxy, form, start, min(start + group - 1, total), per_page, meta)
                for start in range(embedded + 1, total + 1, group)]

    def _follow_ups(self, response: Response) -> list[Request]:
        if not response_meta(response, "hanweb_expand"):
            return []
        total = _total(response.text)
        if total is None:
            return []
        form, per_page = response_meta(response, "hanweb_form"), response_meta(response, "hanweb_per_page")
        group = response_meta(response, "hanweb_group")
        done = response_meta(response, "hanweb_end")
        meta = {k: response_meta(response, k) for k in
                ("hanweb_listing_url", "hanweb_form", "hanweb_per_page", "hanweb_group")}
        proxy = response.url.split("?")[0]
        return [_proxy_request(proxy, form, start, min(start + group - 1, total), per_page, meta)
                for start in range(done + 1, total + 1, group)]

    def detail_hints(self) -> dict:
        return {"metadata": "table.xxgk_table, div.xxgk_table", "body": "#zoom, #ivs_content"}


def _is_page(text: str) -> bool:
    """A column page (HTML around the datastore) rather than a bare dataproxy.jsp answer."""
    return bool(re.search(r"<html|<body|<script", text[:5000], re.I))


def _jpage_config(text: str) -> str:
    """The text of the jpage({...}) call's object, nested ajaxParam included."""
    m = JPAGE_CALL_START.search(text)
    if not m:
        return ""
    end = text.find("})", m.end())
    return text[m.end():end if end > 0 else len(text)]


def _ajax_param(text: str) -> dict[str, str]:
    m = AJAX_PARAM.search(text)
    if not m:
        return {}
    return {key: single or double or bare for key, single, double, bare in JS_PAIR.findall(m.group(1))}


def _total(text: str) -> int | None:
    m = TOTAL_RECORD.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def _proxy_request(proxy: str, form: dict[str, str], start: int, end: int, per_page: int,
                   meta: dict) -> FormRequest:
    url = f"{proxy}?startrecord={start}&endrecord={end}&perpage={per_page}"
    return FormRequest(url, formdata=form, meta={**meta, "hanweb_end": end})


def _first(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text or "")
    return m.group(1) if m else None
