"""TRS WCM static listings: `index.html`, `index_1.html` … with the page count in
`createPageHTML(n, i, "index", "html")` (or `var countPage = n`); detail pages under dated
paths like `./202101/t20210125_123456.html`."""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from crawler.families.base import Family, ListingLink

DETAIL_HREF = re.compile(r"(?:^|/)t\d{8}_\d+\.s?html?$")
CREATE_PAGE_HTML = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")
DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def _iso(text: str) -> str | None:
    m = DATE.search(text or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


class TrsFamily(Family):
    name = "trs"

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        text = response.text
        if CREATE_PAGE_HTML.search(text):
            return "pager script createPageHTML(…)"
        if COUNT_PAGE.search(text) and response.css("a[href]").re(r"t\d{8}_\d+\.s?html?"):
            return "var countPage and tYYYYMMDD_n detail links"
        return None

    def links(self, response: Response) -> list[ListingLink]:
        out: list[ListingLink] = []
        seen: set[str] = set()
        for a in response.css("a[href]"):
            href = a.attrib["href"].strip()
            if not DETAIL_HREF.search(href.split("?")[0]):
                continue
            url = response.urljoin(href)
            if url in seen:
                continue
            seen.add(url)
            title = (a.attrib.get("title") or " ".join(a.css("::text").getall())).strip()
            row_text = " ".join(a.xpath("./ancestor::*[self::li or self::tr or self::dl][1]//text()").getall())
            out.append(ListingLink(url=url, title=title, date=_iso(row_text)))
        return out

    def next_requests(self, response: Response) -> Iterable[Request]:
        count, current, stem, ext = self._pager(response.text)
        if count is None or current != 0:
            return []      # every static page is requested from the first one
        base = response.url
        return [Request(urljoin(base, f"{stem}_{i}.{ext}")) for i in range(1, count)]

    @staticmethod
    def _pager(text: str) -> tuple[int | None, int, str, str]:
        m = CREATE_PAGE_HTML.search(text)
        if m:
            return int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        m = COUNT_PAGE.search(text)
        if m:
            current = re.search(r"var\s+currentPage\s*=\s*['\"]?(\d+)", text)
            return int(m.group(1)), int(current.group(1)) if current else 0, "index", "html"
        return None, 0, "index", "html"
