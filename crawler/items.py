"""The items the spider yields: the Report and what else the pipelines record."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """One annual report as the spider yields it and the pipelines complete it.

    The spider fills the page fields (url, raw html, what the listing said); the parse
    pipeline fills the extracted fields; the store pipeline persists.
    """

    url: str
    title: str | None = None
    index_no: str | None = None
    publisher: str | None = None
    published_on: str | None = None
    written_on: str | None = None
    signed_by: str | None = None
    doc_no: str | None = None
    topic: str | None = None
    keywords: str | None = None
    validity: str | None = None
    report_year: int | None = None
    body_text: str = ""
    attachments: list[dict] = field(default_factory=list)
    stats: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    # crawl context, not part of the printed report
    link_url: str | None = None      # the URL the listing linked, when it redirected to `url`
    portal_id: str | None = None
    family: str | None = None
    listing_title: str | None = None
    listing_date: str | None = None
    listing_meta: dict = field(default_factory=dict)
    # non-government hosts this report may come from (portal entry, -a allow_hosts=)
    trusted_hosts: tuple[str, ...] = ()
    raw_html: bytes | None = None
    encoding: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    raw_hash: str | None = None      # sha256 of the page bytes: an unchanged page is not parsed again
    minhash: bytes | None = None     # MinHash signature of the body (near-duplicate reposts)
    raw_html_z: bytes | None = None  # the raw page compressed (zlib), as stored in report_versions
    province: str | None = None      # region of the report (crawler.registry.region.report_region)
    prefecture: str | None = None
    county: str | None = None
    division_code: str | None = None


# The report's public fields, in order: what `python -m crawler parse` prints and the jsonl export writes.
REPORT_FIELDS = (
    "url", "title", "index_no", "publisher", "published_on", "written_on",
    "signed_by", "doc_no", "topic", "keywords", "validity", "report_year", "body_text",
    "attachments", "stats", "checks",
)


@dataclass
class CrawlFailure:
    """A URL the crawl could not turn into a report: recorded as a failure row, never silent."""

    url: str
    reason: str
    portal_id: str | None = None
    status: int | None = None
    exception: str | None = None
    retries: int = 0


@dataclass
class Column:
    """An annual-report column (年报栏目) of a portal: found by discovery, remembered from an earlier
    run, or the portal's registered listing."""

    url: str
    family: str
    title: str | None
    department: str | None      # the department or township whose column it is
    found_via: str | None       # the page whose link led discovery to it


@dataclass
class DiscoveredColumn:
    """An annual-report column discovery found on a portal: remembered in `report_columns`."""

    portal_id: str
    column: Column


@dataclass
class PortalDiscovered:
    """A portal's discovery walk ended: where it landed, what it spent, how many columns it found."""

    portal_id: str
    home_url: str
    requests: int
    columns: int
