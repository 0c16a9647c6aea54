"""Any listing no CMS family recognises: a list of links, paged by a 下一页/next link or by plain
page numbers. Detection tries it last; it takes every page that has links at all, and the report
filter (`is_annual_report`) decides which of them are reports."""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response

from crawler.families.base import Family, ListingLink
from crawler.families.common import html_links

NEXT_TEXT = re.compile(r"^(?:下一页|下页|后一页|next(?:\s*page)?|›|»|>)$", re.I)
PAGE_NUMBER = re.compile(r"^\[?\d{1,4}\]?$")
# chrome that is never a list item: site navigation, headers, footers
CHROME = "header, footer, nav, .header, .footer, .nav, #header, #footer, #nav"


class GenericFamily(Family):
    name = "generic"

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        if not hasattr(response, "text"):
            return None
        count = len(_anchors(Selector(text=response.text)))
        if not count:
            return None
        pager = "下一页/next link" if _next_links(response) else (
            "page-number links" if _page_number_links(response) else "no pager")
        return f"no CMS family marker; generic list of {count} links, {pager}"

    def links(self, response: Response) -> list[ListingLink]:
        selector = Selector(text=response.text)
        for node in selector.css(CHROME):
            node.drop()
        return [link for link in html_links(selector, response.url) if _same_site(link.url, response.url)]

    def next_requests(self, response: Response) -> Iterable[Request]:
        """The 下一页 link and every page-number link (Scrapy's duplicate filter drops pages seen)."""
        urls: list[str] = []
        for href in _next_links(response) + _page_number_links(response):
            url = urljoin(response.url, href).split("#")[0]
            if url != response.url.split("#")[0] and url not in urls and _same_site(url, response.url):
                urls.append(url)
        return [Request(url) for url in urls]


def _anchors(selector: Selector) -> list:
    return [a for a in selector.css("a[href]") if not a.attrib["href"].strip().lower().startswith("javascript")]


def _next_links(response: Response) -> list[str]:
    return [a.attrib["href"] for a in _anchors(Selector(text=response.text))
            if NEXT_TEXT.match("".join(a.css("::text").getall()).strip())]


def _page_number_links(response: Response) -> list[str]:
    return [a.attrib["href"] for a in _anchors(Selector(text=response.text))
            if PAGE_NUMBER.match("".join(a.css("::text").getall()).strip())]


def _same_site(url: str, page_url: str) -> bool:
    return urlsplit(url).hostname == urlsplit(page_url).hostname
