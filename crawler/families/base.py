"""The interface every CMS family implements.

A family knows one CMS product's listing pages: whether a response is one of
its listings, which report links a listing holds, and which requests fetch the
next listing pages. Families do no I/O and hold no crawl state: they read a
response and return plain values or callback-less `scrapy.Request`s, which the
spider routes back to its listing callback.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from scrapy import Request
from scrapy.http import Response


@dataclass
class ListingLink:
    url: str                      # absolute URL of the detail page
    title: str                    # link text or title attribute, exact
    date: str | None = None       # ISO date shown beside the link, if any
    meta: dict = field(default_factory=dict)   # metadata the listing itself carries (gkmlpt JSON)


class Family:
    """Base class: override `recognise`, `links` and `next_requests`."""

    name: ClassVar[str] = "base"

    def __init__(self, options: dict | None = None):
        self.options = dict(options or {})

    @classmethod
    def recognise(cls, response: Response) -> str | None:
        """Return why this response is a listing of this family, or None."""
        return None

    def links(self, response: Response) -> list[ListingLink]:
        """Every detail-page link on this listing page (reports and others)."""
        raise NotImplementedError

    def next_requests(self, response: Response) -> Iterable[Request]:
        """Requests for further listing pages (without callback)."""
        return []

    def document_url(self, link: ListingLink) -> str | None:
        """Where a report's content is fetched from when its page holds none (a JavaScript page
        whose document comes from a JSON API); None: the page itself."""
        return None

    def document_page(self, response: Response) -> bytes | None:
        """The report page to store and parse, built from what `document_url` answered."""
        return None

    def newest_first(self, response: Response) -> bool:
        """Whether this page's rows are the listing's newest, so that a nightly run may end the
        walk when all of them are known. False where a page's own rows may be out of date."""
        return True
