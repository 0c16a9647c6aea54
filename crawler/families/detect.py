"""Detect the CMS family of a listing page that no registry entry describes."""
from __future__ import annotations

from scrapy.http import Response

from crawler.families.base import Family
from crawler.families.registry import FAMILIES


def detect_family(response: Response) -> tuple[type[Family] | None, str]:
    """The first family (in FAMILIES order, generic last) that recognises the page, with its
    reason; (None, why not) when not even the generic family finds a link on it."""
    for cls in FAMILIES.values():
        reason = cls.recognise(response)
        if reason:
            return cls, reason
    return None, "no family marker and no link on the page"
