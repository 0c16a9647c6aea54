"""What every family reads the same way: an anchor's title, the date printed beside it, and
the links of an HTML list (a page or a fragment an API returned)."""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

from parsel import Selector

from crawler.extract.dates import to_iso_date
from crawler.families.base import ListingLink

# the row an item of a list sits in: the date is printed somewhere in it, outside the anchor
_ROW = "./ancestor::*[self::li or self::tr or self::dl or self::p][1]"
_SKIPPED_HREF = re.compile(r"^(?:javascript:|mailto:|tel:|#)", re.I)
_WHITESPACE = re.compile(r"\s+")


def anchor_title(anchor: Selector) -> str:
    """The link's title attribute (portals truncate the text, not the attribute), else its text."""
    title = (anchor.attrib.get("title") or "").strip()
    if title:
        return title
    return _WHITESPACE.sub(" ", "".join(anchor.css("::text").getall())).strip()


def row_date(anchor: Selector) -> str | None:
    """The ISO date printed in the anchor's list row, outside the anchor (whose title may hold a year)."""
    rows = anchor.xpath(_ROW)
    if not rows:
        return None
    texts = rows[0].xpath(".//text()[not(ancestor::a)]").getall()
    return to_iso_date(" ".join(t.strip() for t in texts if t.strip()))


def html_links(selector: Selector, base_url: str, keep: Callable[[str], bool] = lambda href: True,
               scope: str | None = None) -> list[ListingLink]:
    """Every distinct link of `selector` (optionally inside the CSS `scope`) whose href passes `keep`,
    in page order, with its title and row date."""
    roots = selector.css(scope) if scope else [selector]
    out: list[ListingLink] = []
    seen: set[str] = set()
    for root in roots:
        for anchor in root.css("a[href]"):
            href = anchor.attrib["href"].strip()
            if not href or _SKIPPED_HREF.match(href) or not keep(href):
                continue
            url = urljoin(base_url, href).split("#")[0]
            if url in seen:
                continue
            seen.add(url)
            out.append(ListingLink(url=url, title=anchor_title(anchor), date=row_date(anchor)))
    return out


def response_meta(response, key: str, default=None):
    """`response.meta[key]`, also for responses built without a request (tests over saved pages)."""
    try:
        return response.meta.get(key, default)
    except AttributeError:
        return default
