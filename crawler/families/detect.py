"""Detect the CMS family of a listing page that no registry entry describes."""
from __future__ import annotations

from scrapy.http import Response

from crawler.families.base import Family
from crawler.families.registry import FAMILIES
from crawler.families.shapes import shapes_found


def detect_family(response: Response) -> tuple[type[Family] | None, str]:
    """The first family (in FAMILIES order, generic last) that recognises the page, with its
    reason and the known detail-URL shapes of its links (crawler.families.shapes), e.g.
    'no CMS family marker; generic list of 12 links, 下一页/next link; detail links: 8 vsb-info
    (VSB/博达 /info/<col>/<id>.htm)'; (None, why not) when not even the generic family finds a
    link on it."""
    for cls in FAMILIES.values():
        reason = cls.recognise(response)
        if reason:
            shapes = shapes_found(link.url for link in cls().links(response))
            return cls, f"{reason}; detail links: {shapes}" if shapes else reason
    return None, "no family marker and no link on the page"
