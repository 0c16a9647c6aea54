"""Any listing no CMS family recognises: a list of links, paged by a 下一页/next link or by plain
page numbers, perhaps split into year folders. Detection tries it last; it takes every page that
has links at all, and the report filter (`shapes.is_report_link`: a report title, or one cut
short on a known detail-URL shape) decides which of them are reports.

Year folders: some columns keep each year's reports in a folder of their own below the column
(https://linxia.gov.cn/lxz/zwgk/zfxxgknb/2024/gxs/…, https://www.hsxzf.gov.cn/xxgk/xxgknb/2024n/…);
a link from a listing to a folder below it whose path holds a year (`/2024/`, `/2024n/`) is
followed as a further listing page."""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response

from crawler.families.base import Family, ListingLink
from crawler.families.common import html_links

NEXT_TEXT = re.compile(r"^(?:下一页|下页|后一页|next(?:\s*page)?|›|»|>)$", re.I)
PAGE_NUMBER = re.compile(r"^\[?\d{1,4}\]?$")
YEAR_FOLDER = re.compile(r"/(?:19|20)\d{2}n?/")
FOLDER_PAGE = re.compile(r"/(?:index(?:_\d+)?\.s?html?)?$")      # a folder or its index page
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
            "page-number links" if _page_number_links(response) else (
                "year-folder links" if _year_folder_links(response) else "no pager"))
        return f"no CMS family marker; generic list of {count} links, {pager}"

    def links(self, response: Response) -> list[ListingLink]:
        selector = Selector(text=response.text)
        for node in selector.css(CHROME):
            node.drop()
        return [link for link in html_links(selector, response.url) if _same_site(link.url, response.url)]

    def next_requests(self, response: Response) -> Iterable[Request]:
        """The 下一页 link, every page-number link and every year folder below this listing
        (Scrapy's duplicate filter drops pages seen)."""
        urls: list[str] = []
        for href in _next_links(response) + _page_number_links(response) + _year_folder_links(response):
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


def _year_folder_links(response: Response) -> list[str]:
    """Links to folders (or their index pages) below this listing's folder whose path holds a year."""
    folder = urlsplit(response.url).path.rsplit("/", 1)[0] + "/"
    links = []
    for anchor in _anchors(Selector(text=response.text)):
        path = urlsplit(urljoin(response.url, anchor.attrib["href"].strip())).path
        if path.startswith(folder) and YEAR_FOLDER.search(path) and FOLDER_PAGE.search(path):
            links.append(anchor.attrib["href"])
    return links


def _same_site(url: str, page_url: str) -> bool:
    return urlsplit(url).hostname == urlsplit(page_url).hostname
