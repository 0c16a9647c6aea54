"""Hanweb (大汉) jcms listings (`/col/colNNN/index.html`).

The column page calls `$('#id').jpage({… proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:15,
totalRecord:N, ajaxParam:{col:1, appid:1, webid:…, columnid:…, unitid:…, …}})` and may embed the
first group of rows in a `<script type="text/xml"><datastore>` inside the element `#id`. Later rows
come from a POST to `dataproxy.jsp?startrecord=S&endrecord=E&perpage=P` whose form data is the
ajaxParam object; the answer is XML: `<datastore><totalrecord>N</totalrecord><recordset><record>
<![CDATA[<li>…</li>]]></record>…`. Rows link detail pages such as `/art/2021/1/26/art_1234_567.html`.

Variants seen on real portals:
- the proxy sits at another path (`/module/jslib/jquery/jpage/dataproxy.jsp`): the jpage call's
  `proxyUrl`, else the datastore's `<nextgroup>` link, else any dataproxy.jsp path on the page;
- one page holds several jpage lists, each with its own ajaxParam: every list is asked;
- the page's `totalRecord` is 0, missing or stale and its recordset empty. The page's claim is not
  trusted to say "nothing there": every list is asked at least once past its embedded rows, and an
  answer whose `<totalrecord>` exceeds what was asked (or, with no total, that came back full)
  leads to the remaining groups. When the proxy counts more than the page claimed, the page was
  stale: its embedded rows may not be the newest, so they are asked for again too.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import chompjs
from parsel import Selector
from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.families.base import Family, ListingLink
from crawler.families.common import html_links, response_meta

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
# `$('#id').jpage({` (the container's id, when written as a literal) up to the config object's brace
JPAGE_CALL = re.compile(r"""(?:\(\s*['"]#([\w-]+)['"]\s*\)\s*)?\.jpage\(\s*(?=\{)""")
AJAX_PARAM = re.compile(r"ajaxParam\s*[:=]\s*\{(.*?)\}", re.S)
JS_PAIR = re.compile(r"['\"]?(\w+)['\"]?\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,}\s]+))")
PROXY_URL = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
PER_PAGE = re.compile(r"perPage\s*:\s*['\"]?(\d+)")
GROUP_SIZE = re.compile(r"groupSize\s*:\s*['\"]?(\d+)")
CLAIMED_TOTAL = re.compile(r"totalRecord\s*:\s*['\"]?(\d+)")
ANSWER_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
NEXT_GROUP_PROXY = re.compile(r"<nextgroup>.*?href=['\"]([^'\"?]*dataproxy\.jsp)", re.S | re.I)
ANY_PROXY = re.compile(r"""['"(=]\s*((?:https?://[^'"\s?]+)?/[\w./-]*dataproxy\.jsp)""")
DEFAULT_PER_PAGE = 15
DEFAULT_GROUP_SIZE = 3      # jpage fetches three pages of rows per request


@dataclass(frozen=True)
class JpageList:
    """One `jpage({...})` call of a column page: what its proxy requests need."""
    container: str | None         # the id of the element the list renders into
    form: dict[str, str]          # ajaxParam, as form fields
    proxy: str                    # the proxy's path (or URL) as the page gives it
    per_page: int
    group: int                    # records per proxy request
    claimed: int | None           # the page's totalRecord, None when not a number


class HanwebFamily(Family):
    name = "hanweb"

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        text = response.text
        lists = jpage_lists(text)
        if lists:
            proxies = ", ".join(sorted({jpage.proxy for jpage in lists}))
            count = f"{len(lists)} jpage lists" if len(lists) > 1 else "jpage listing"
            return f"{count} filled from {proxies}"
        if "dataproxy.jsp" in text and "ajaxParam" in text:
            return "ajaxParam posted to dataproxy.jsp"
        if "<datastore>" in text and RECORD.search(text):
            return "Hanweb <datastore> of <record> rows"
        return None

    def links(self, response: Response) -> list[ListingLink]:
        """The rows of the embedded <datastore>s of a column page, or of a dataproxy.jsp answer."""
        base = response_meta(response, "hanweb_listing_url") or response.url
        fragments = RECORD.findall(response.text)
        return html_links(Selector(text="\n".join(fragments)), base) if fragments else []

    def newest_first(self, response: Response) -> bool:
        """Only a proxy answer from the first record holds the listing's newest rows: a column
        page's embedded rows may be stale (and a page may hold several lists), and an answer
        from a later record follows rows that came from the page."""
        if _is_page(response.text):
            return False
        start = parse_qs(urlsplit(response.url).query).get("startrecord", [""])[0]
        return start == "1"

    def next_requests(self, response: Response) -> Iterable[Request]:
        text = response.text
        if not _is_page(text):
            return _follow_ups(response)
        lists = jpage_lists(text)
        requests: list[Request] = []
        for jpage in lists:
            embedded = _embedded(text, jpage, alone=len(lists) == 1)
            proxy = urljoin(response.url, jpage.proxy)
            meta = {"hanweb_listing_url": response.url, "hanweb_proxy": proxy, "hanweb_form": jpage.form,
                    "hanweb_per_page": jpage.per_page, "hanweb_group": jpage.group,
                    "hanweb_claimed": jpage.claimed, "hanweb_embedded": embedded}
            if jpage.claimed and jpage.claimed > embedded:
                last = jpage.claimed         # every group the page claims, checked by the last answer
            else:                            # 0, unknown, or no more than embedded: ask one group
                last = embedded + jpage.group
            requests += _groups(proxy, jpage.form, embedded + 1, last, jpage.group, jpage.per_page, meta)
        return requests


def jpage_lists(text: str) -> list[JpageList]:
    """Every jpage list of a column page that can be asked for (it has an ajaxParam or its proxy
    URL carries the query)."""
    out = []
    for m in JPAGE_CALL.finditer(text):
        config = _config(text, m.end())
        form = _form(config.get("ajaxParam"))
        proxy = config.get("proxyUrl")
        if not isinstance(proxy, str) or not proxy.strip() or " " in proxy.strip():
            proxy = _page_proxy(text, m.group(1))
        if not form and "?" not in proxy:
            continue
        per_page = _number(config.get("perPage")) or DEFAULT_PER_PAGE
        group = per_page * (_number(config.get("groupSize")) or DEFAULT_GROUP_SIZE)
        out.append(JpageList(m.group(1), form, proxy.strip(), per_page, group, _number(config.get("totalRecord"))))
    return out


def _config(text: str, start: int) -> dict:
    """The jpage call's object; where it is not a plain literal (`'12' + suffix`), its fields read
    one by one from the call's text."""
    try:
        config = chompjs.parse_js_object(text[start:])
        if isinstance(config, dict):
            return config
    except ValueError:
        pass
    end = text.find("})", start)
    call = text[start:end if end > 0 else len(text)]
    config = {}
    m = AJAX_PARAM.search(call)
    if m:
        config["ajaxParam"] = {key: single or double or bare
                               for key, single, double, bare in JS_PAIR.findall(m.group(1))}
    for key, pattern in (("proxyUrl", PROXY_URL), ("perPage", PER_PAGE), ("groupSize", GROUP_SIZE),
                         ("totalRecord", CLAIMED_TOTAL)):
        found = pattern.search(call)
        if found:
            config[key] = found.group(1)
    return config


def _form(param) -> dict[str, str]:
    """ajaxParam as the form fields jQuery would post (scalars only)."""
    if not isinstance(param, dict):
        return {}
    form = {}
    for key, value in param.items():
        if isinstance(value, bool):
            form[key] = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            form[key] = str(int(value))
        elif value is None:
            form[key] = ""
        elif isinstance(value, (str, int, float)):
            form[key] = str(value)
    return form


def _number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _container(text: str, container: str | None) -> str:
    if not container:
        return ""
    return Selector(text=text).xpath("//*[@id=$id]", id=container).get() or ""


def _page_proxy(text: str, container: str | None) -> str:
    """The proxy of a jpage call without proxyUrl: its datastore's <nextgroup> link, else a
    dataproxy.jsp path written elsewhere on the page, else the usual path."""
    for where in (_container(text, container), text):
        m = NEXT_GROUP_PROXY.search(where)
        if m:
            return m.group(1)
    m = ANY_PROXY.search(text)
    return m.group(1) if m else PROXY_PATH


def _embedded(text: str, jpage: JpageList, alone: bool) -> int:
    """How many rows of this list the page itself holds: those of its container's datastore (the
    page's, when it has one list only)."""
    if alone:
        return len(RECORD.findall(text))
    return len(RECORD.findall(_container(text, jpage.container)))


def _follow_ups(response: Response) -> list[Request]:
    """After a proxy answer: the groups past those asked when the answer counts more (or, counting
    nothing, came back full), and the page's own rows again when the page claimed fewer."""
    asked = response_meta(response, "hanweb_asked")
    if asked is None:
        return []                       # not the last group of its batch (or not our request)
    text = response.text
    total = _answer_total(text)
    start, end = response_meta(response, "hanweb_start"), response_meta(response, "hanweb_end")
    form, per_page = response_meta(response, "hanweb_form"), response_meta(response, "hanweb_per_page")
    group = response_meta(response, "hanweb_group")
    proxy = response_meta(response, "hanweb_proxy") or response.url.split("?")[0]
    meta = {"hanweb_listing_url": response_meta(response, "hanweb_listing_url"), "hanweb_proxy": proxy,
            "hanweb_form": form, "hanweb_per_page": per_page, "hanweb_group": group}
    requests: list[Request] = []
    if total is not None:
        if total > asked:
            requests += _groups(proxy, form, asked + 1, total, group, per_page, meta)
    elif len(RECORD.findall(text)) >= end - start + 1:
        requests += _groups(proxy, form, asked + 1, asked + group, group, per_page, meta)
    claimed, embedded = response_meta(response, "hanweb_claimed"), response_meta(response, "hanweb_embedded")
    if embedded and total is not None and claimed is not None and total > claimed:
        requests += [_proxy_request(proxy, form, 1, embedded, per_page, meta)]
    return requests


def _answer_total(text: str) -> int | None:
    """The answer's <totalrecord>; 0 or missing is unknown, not "nothing there"."""
    m = ANSWER_TOTAL.search(text)
    return int(m.group(1)) or None if m else None


def _groups(proxy: str, form: dict[str, str], first: int, last: int, group: int, per_page: int,
            meta: dict) -> list[FormRequest]:
    """Requests for records first..last, a group each; the last one carries `hanweb_asked`, so that
    its answer decides whether there is more."""
    starts = list(range(first, last + 1, group))
    return [_proxy_request(proxy, form, start, min(start + group - 1, last), per_page,
                           {**meta, "hanweb_asked": last} if start == starts[-1] else meta)
            for start in starts]


def _proxy_request(proxy: str, form: dict[str, str], start: int, end: int, per_page: int,
                   meta: dict) -> FormRequest:
    joiner = "&" if "?" in proxy else "?"
    url = f"{proxy}{joiner}startrecord={start}&endrecord={end}&perpage={per_page}"
    return FormRequest(url, formdata=form, meta={**meta, "hanweb_start": start, "hanweb_end": end})


def _is_page(text: str) -> bool:
    """A column page (HTML around the datastore) rather than a bare dataproxy.jsp answer."""
    return bool(re.search(r"<html|<body|<script", text[:5000], re.I))
