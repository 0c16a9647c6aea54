"""The tables: one DeclarativeBase with a naming convention, typed `Mapped[...]` columns."""
from __future__ import annotations

import zlib
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

DEFAULT_SQLITE_PATH = Path("data") / "reports.sqlite"
MIGRATION_LOCK_KEY = 720_19_60          # pg_advisory_lock key held while migrating

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def count_column(comment: str) -> Mapped[int]:
    """A tally column: an integer that starts at 0, in the data dictionary's unit `count`."""
    return mapped_column(Integer, default=0, comment=comment, info={"unit": "count"})


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ReportChild:
    """The columns every child table of `reports` starts with: its row id and the report it belongs to,
    deleted with the report. `sort_order=-1` keeps them first (mixin columns otherwise come last)."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1,
        comment="Row id.")
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True, sort_order=-1,
        comment="The report (`reports.id`).")


class ReportRow(Base):
    """A report: one row per (publisher, report year, title) identity, whatever its URLs."""

    __tablename__ = "reports"

    # the lookups of store_report: two equality terms each, so that the planner (SQLite without
    # ANALYZE statistics included) never falls back to the few-valued report_year index, which
    # made every insert scan a whole year of reports
    __table_args__ = (Index("ix_reports_publisher_key_year", "publisher_key", "report_year"),
                      Index("ix_reports_body_hash_year", "body_hash", "report_year"),
                      Index("ix_reports_body_id_year", "body_id", "report_year"),
                      {"comment": "One row per report, whatever the URLs it was seen under (see `report_urls`)."})
    id: Mapped[int] = mapped_column(primary_key=True,
        comment="Report id; `report_id` in the other tables and export files.")
    # the URL it was first stored from
    url: Mapped[str] = mapped_column(String(2048), unique=True,
        comment="The URL the report was first stored from.")
    portal_id: Mapped[str | None] = mapped_column(String(100), index=True,
        comment="Registry portal id (`python -m crawler portals`); `url:…` for a crawl of a bare listing URL; "
                "null for a page parsed from a file.")
    title: Mapped[str] = mapped_column(Text,
        comment="The report's title.")
    index_no: Mapped[str | None] = mapped_column(String(200), index=True,
        comment="索引号 of the page's metadata header.")
    publisher: Mapped[str | None] = mapped_column(Text,
        comment="发布机构 (or its equivalent label) of the page's metadata header.")
    published_on: Mapped[str | None] = mapped_column(String(10),
        comment="发布日期 / 发布时间 / 公开日期 / 生成日期.", info={"unit": "YYYY-MM-DD"})
    written_on: Mapped[str | None] = mapped_column(String(10),
        comment="成文日期, or else the date under the signature at the end.", info={"unit": "YYYY-MM-DD"})
    signed_by: Mapped[str | None] = mapped_column(Text,
        comment="The body named in the signature at the end of the report.")
    doc_no: Mapped[str | None] = mapped_column(Text,
        comment="文号.")
    topic: Mapped[str | None] = mapped_column(Text,
        comment="主题分类.")
    keywords: Mapped[str | None] = mapped_column(Text,
        comment="关键词.")
    validity: Mapped[str | None] = mapped_column(Text,
        comment="有效性 of the metadata header, as printed.")
    report_year: Mapped[int | None] = mapped_column(Integer, index=True,
        comment="The year the report covers (not the year it was published).", info={"unit": "year"})
    body_text: Mapped[str] = mapped_column(Text, default="",
        comment="The report's text without the portal's navigation, header or footer.")
    body_hash: Mapped[str] = mapped_column(String(64), index=True,
        comment="sha256 of the body text with all white space removed.", info={"unit": "hex"})
    version: Mapped[int] = mapped_column(Integer, default=1,
        comment="How many versions of the report have been stored (1 = never revised).", info={"unit": "count"})
    # who the report is by, for identity: the signature's body, else the page's 发布机构
    publisher_key: Mapped[str | None] = mapped_column(Text, index=True,
        comment="Who the report is by, for identity: `signed_by`, else `publisher`.")
    # datasketch LeanMinHash of the body
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary,
        comment="MinHash signature of the body (datasketch LeanMinHash, serialised) for near-copy detection.",
        info={"unit": "bytes"})
    # to the same publisher's previous-year report
    similarity_prev_year: Mapped[float | None] = mapped_column(Float,
        comment="Estimated Jaccard similarity of the body to the same publisher's report of the previous year; "
                "null when there is none.", info={"unit": "0–1"})
    # where the report is from (GB/T 2260), read from publisher/signature/title, the portal as fallback
    province: Mapped[str | None] = mapped_column(String(40), index=True,
        comment="Province the report is from, read from its publisher, signature or title (cpca), else its "
                "registry portal's.")
    prefecture: Mapped[str | None] = mapped_column(String(80),
        comment="Prefecture (地级) the report is from, as for `province`; null when not known.")
    county: Mapped[str | None] = mapped_column(String(80),
        comment="County (县级) the report is from, as for `province`; null when not known.")
    division_code: Mapped[str | None] = mapped_column(String(12),
        comment="GB/T 2260 code of the smallest region recognised.", info={"unit": "6 digits"})
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When the report was first stored.", info={"unit": "UTC timestamp"})
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When the report was last seen by a crawl.", info={"unit": "UTC timestamp"})
    # the reporting body (crawler/registry/bodies.py); null until linked (see link_reports)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"),
        comment="The reporting body (`bodies.id`); null until linked (reports stored before migration 0006 are "
                "linked when next stored, or by `python -m crawler bodies`, `export --panel`, `report`).")

    urls: Mapped[list[ReportUrl]] = relationship(back_populates="report", cascade="all, delete-orphan")
    stats: Mapped[list[Stat]] = relationship(cascade="all, delete-orphan", order_by="Stat.id")
    checks: Mapped[list[CheckRow]] = relationship(cascade="all, delete-orphan", order_by="CheckRow.id",
                                                    foreign_keys="CheckRow.report_id")
    attachments: Mapped[list[AttachmentRow]] = relationship(cascade="all, delete-orphan", order_by="AttachmentRow.id")
    versions: Mapped[list[ReportVersion]] = relationship(cascade="all, delete-orphan", order_by="ReportVersion.version")


class ReportUrl(ReportChild, Base):
    """Every URL a report was seen under (reposts, other portals), with its HTTP validators."""

    __tablename__ = "report_urls"

    __table_args__ = {"comment": "Every URL a report was seen under (the first, reposts, other portals), with its"
                                 " HTTP validators."}
    url: Mapped[str] = mapped_column(String(2048), unique=True,
        comment="A URL the report was seen under.")
    portal_id: Mapped[str | None] = mapped_column(String(100),
        comment="The portal the URL was found on.")
    etag: Mapped[str | None] = mapped_column(String(200),
        comment="The ETag the server sent (for conditional requests).")
    last_modified: Mapped[str | None] = mapped_column(String(100),
        comment="The Last-Modified header the server sent, as sent.")
    content_hash: Mapped[str | None] = mapped_column(String(64),
        comment="`body_hash` of the report as read from this URL.", info={"unit": "hex"})
    # sha256 of the page bytes as served
    raw_hash: Mapped[str | None] = mapped_column(String(64),
        comment="sha256 of the page bytes as served.", info={"unit": "hex"})
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When the URL was last fetched.", info={"unit": "UTC timestamp"})
    report: Mapped[ReportRow] = relationship(back_populates="urls")


class ReportVersion(ReportChild, Base):
    """The raw page of each version of a report, zlib-compressed, for re-parsing without refetching."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version"),
                      {"comment": "The raw page of each version of a report, for re-parsing without refetching."})
    version: Mapped[int] = mapped_column(Integer,
        comment="Version number, 1 upwards.", info={"unit": "count"})
    url: Mapped[str] = mapped_column(String(2048),
        comment="The URL this version was read from.")
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When this version was fetched.", info={"unit": "UTC timestamp"})
    body_hash: Mapped[str] = mapped_column(String(64),
        comment="`body_hash` of this version.", info={"unit": "hex"})
    encoding: Mapped[str | None] = mapped_column(String(40),
        comment="The character encoding the page was decoded with.")
    raw_html_z: Mapped[bytes | None] = mapped_column(LargeBinary,
        comment="The page bytes as served, zlib-compressed.", info={"unit": "bytes"})

    @property
    def raw_html(self) -> bytes | None:
        return zlib.decompress(self.raw_html_z) if self.raw_html_z is not None else None


class Stat(ReportChild, Base):
    __tablename__ = "stats"
    __table_args__ = {"comment": "Every cell of every statistics table of a report (and, without a table, figures"
                                 " read from sentences)."}
    # ReportChild's id with its own comment (and the same sort_order, so that it stays first)
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1,
        comment="Row id (the order the cells were read in).")
    section: Mapped[str | None] = mapped_column(Text, index=True,
        comment="The table or part the cell belongs to (see *Statistics cells*).")
    group: Mapped[str | None] = mapped_column("grp", Text,
        comment="`group`: the row the cell's row sits under; `正文` for a figure read from a sentence.")
    item: Mapped[str] = mapped_column(Text, index=True,
        comment="The row label as printed, nested labels joined with `/`.")
    column: Mapped[str | None] = mapped_column("col", Text,
        comment="`column`: the column header as printed, nested headers joined with `/`; null where none.")
    unit: Mapped[str | None] = mapped_column(String(20),
        comment="The unit printed for the figure (see *Units*); null where the table prints none.")
    value: Mapped[float | None] = mapped_column(Float,
        comment="The figure; null for a blank cell.", info={"unit": "`unit`"})


class CheckRow(ReportChild, Base):
    __tablename__ = "checks"
    __table_args__ = {"comment": "The consistency rules a report's own figures break, and those it breaks against"
                                 " the same body's report of the year before (`year.*`, with `other_report_id`; "
                                 "see *Check rules*)."}
    rule: Mapped[str] = mapped_column(String(100), index=True,
        comment="The rule broken (see *Check rules*).")
    expected: Mapped[float | None] = mapped_column(Float,
        comment="What the figure's parts add up to (or the table's figure, for `text.vs_table`).",
        info={"unit": "`unit`"})
    found: Mapped[float | None] = mapped_column(Float,
        comment="The figure the report prints.", info={"unit": "`unit`"})
    message: Mapped[str] = mapped_column(Text,
        comment="The figures involved, in words; a `year.*` check names the earlier report.")
    # year-over-year checks (crawler/extract/years.py): the earlier report the figures came from
    other_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True,
        comment="`year.*` checks: the same body's report of the year before whose figures the report "
                "contradicts (`reports.id`); null for a report's own checks.")


class AttachmentRow(ReportChild, Base):
    __tablename__ = "attachments"
    __table_args__ = {"comment": "The documents (PDF, DOCX, XLS…) linked from a report page."}
    url: Mapped[str] = mapped_column(String(2048),
        comment="The document's URL.")
    name: Mapped[str | None] = mapped_column(Text,
        comment="The link text or the served file name.")
    media_type: Mapped[str | None] = mapped_column(String(200),
        comment="The document's type, as sniffed from its bytes.", info={"unit": "MIME type"})
    size: Mapped[int | None] = mapped_column(Integer,
        comment="The document's size.", info={"unit": "bytes"})
    sha256: Mapped[str | None] = mapped_column(String(64), index=True,
        comment="sha256 of the document's bytes.", info={"unit": "hex"})
    path: Mapped[str | None] = mapped_column(Text,
        comment="Where the document is stored, under the files store, named by its sha256.")
    status: Mapped[str | None] = mapped_column(Text,
        comment="`ok`, or why the document was not read (`refused: …`, a download error).")


class PortalRow(Base):
    """What the crawler learnt about a registry portal (the registry itself is data files)."""

    __tablename__ = "portals"

    __table_args__ = {"comment": "What the crawler learnt about each registry portal (the registry itself is "
                                 "crawler/registry/*.toml)."}
    id: Mapped[str] = mapped_column(String(100), primary_key=True,
        comment="Registry portal id.")
    verified: Mapped[bool] = mapped_column(Boolean, default=False,
        comment="A crawl of the portal has found reports.", info={"unit": "boolean"})
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime,
        comment="When a crawl last found reports on it.", info={"unit": "UTC timestamp"})
    family: Mapped[str | None] = mapped_column(String(40),
        comment="The CMS family its listings were walked with (crawler/families).")
    # where discovery landed (after redirects)
    home_url: Mapped[str | None] = mapped_column(String(2048),
        comment="The home page discovery started from, after redirects (another `.gov.cn` platform of the same "
                "region is followed and recorded here).")
    discovered_at: Mapped[datetime | None] = mapped_column(DateTime,
        comment="When discovery last walked the portal for its annual-report columns.", info={"unit": "UTC timestamp"})
    # a remembered column failed
    needs_discovery: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
        comment="A remembered column failed (404, no report link, redirected home): the next run rediscovers "
                "the portal.", info={"unit": "boolean"})
    last_crawl_at: Mapped[datetime | None] = mapped_column(DateTime,
        comment="When a crawl last reached the portal.", info={"unit": "UTC timestamp"})
    # one line: the last crawl's outcome
    last_outcome: Mapped[str | None] = mapped_column(Text,
        comment="One line: what the last crawl of the portal gave (reports found, or the failure).")


class ReportColumn(Base):
    """An annual-report column (年报栏目) of a portal: found by discovery or registered, remembered so
    that nightly runs crawl it without rediscovering the portal."""

    __tablename__ = "report_columns"
    __table_args__ = (UniqueConstraint("portal_id", "url"),

                      {"comment": "The annual-report columns (年报栏目) of each portal, found by discovery or "
                                  "registered; nightly runs crawl them without rediscovering the portal."})
    id: Mapped[int] = mapped_column(primary_key=True,
        comment="Column id.")
    portal_id: Mapped[str] = mapped_column(String(100), index=True,
        comment="Registry portal id.")
    url: Mapped[str] = mapped_column(String(2048),
        comment="The column's first listing page.")
    family: Mapped[str | None] = mapped_column(String(40),
        comment="The CMS family detected on it (crawler/families).")
    title: Mapped[str | None] = mapped_column(Text,
        comment="The column's name as the portal labels it (e.g. 政府信息公开年报).")
    # the department or township, when known
    department: Mapped[str | None] = mapped_column(Text,
        comment="The department or township whose column it is; null for the government's own.")
    # the page whose link led here
    found_via: Mapped[str | None] = mapped_column(String(2048),
        comment="The page whose link led discovery to the column; null for a registered listing.")
    found_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When the column was first found.", info={"unit": "UTC timestamp"})
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime,
        comment="When a crawl last read report links from it.", info={"unit": "UTC timestamp"})
    last_error: Mapped[str | None] = mapped_column(Text,
        comment="Why the last crawl of the column failed (404, no report link, redirected home).")
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime,
        comment="When it failed.", info={"unit": "UTC timestamp"})
    reports_seen: Mapped[int] = count_column("Report links read from it by the last successful crawl.")
    # False: failed, the portal is rediscovered
    active: Mapped[bool] = mapped_column(Boolean, default=True,
        comment="False once it failed: the next run rediscovers the portal instead of crawling it.",
        info={"unit": "boolean"})


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = {"comment": "One row per crawl run."}
    id: Mapped[int] = mapped_column(primary_key=True,
        comment="Run number (`python -m crawler failures --run N`).")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When the crawl started.", info={"unit": "UTC timestamp"})
    finished_at: Mapped[datetime | None] = mapped_column(DateTime,
        comment="When it finished; null while running or after a hard kill.", info={"unit": "UTC timestamp"})
    mode: Mapped[str] = mapped_column(String(20), default="nightly",
        comment="`nightly` (incremental) or `full`.")
    portals: Mapped[str | None] = mapped_column(Text,
        comment="The portal ids crawled, comma-separated.")
    finish_reason: Mapped[str | None] = mapped_column(String(100),
        comment="Scrapy's finish reason (`finished`, `shutdown`, …).")
    pages_fetched: Mapped[int] = count_column("Responses received.")
    not_modified: Mapped[int] = count_column("Responses `304 Not Modified`.")
    new_reports: Mapped[int] = count_column("Reports stored for the first time.")
    changed_reports: Mapped[int] = count_column("Known reports stored as a new version.")
    duplicates: Mapped[int] = count_column("Known reports seen under another URL.")
    dropped: Mapped[int] = count_column("Pages dropped by validation (no title, outside the year range, …).")
    failures: Mapped[int] = count_column("Failure rows recorded.")
    stats_json: Mapped[dict | None] = mapped_column(JSON,
        comment="Scrapy's crawl statistics (numbers and strings).", info={"unit": "JSON"})


class Failure(Base):
    __tablename__ = "failures"
    __table_args__ = {"comment": "Every URL a run could not turn into a report, and why."}
    id: Mapped[int] = mapped_column(primary_key=True,
        comment="Row id.")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True,
        comment="The run (`runs.id`).")
    portal_id: Mapped[str | None] = mapped_column(String(100),
        comment="The portal the URL belongs to.")
    url: Mapped[str] = mapped_column(String(2048),
        comment="The URL that failed.")
    status: Mapped[int | None] = mapped_column(Integer,
        comment="HTTP status, when there was a response.", info={"unit": "HTTP status"})
    exception: Mapped[str | None] = mapped_column(Text,
        comment="The exception's type and message, when one was raised.")
    retries: Mapped[int] = count_column("Retries before giving up.")
    reason: Mapped[str] = mapped_column(Text,
        comment="Why the URL gave no report, in words.")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When it failed.", info={"unit": "UTC timestamp"})


class Body(Base):
    """A reporting body: one per (region, canonical name), whatever the names its reports print
    (crawler/registry/bodies.py decides; body_aliases.toml holds the aliases)."""

    __tablename__ = "bodies"

    __table_args__ = {"comment": "One row per reporting body: a region and a canonical name, whatever names its "
                                 "reports print (crawler/registry/bodies.py; aliases in "
                                 "crawler/registry/body_aliases.toml)."}
    id: Mapped[int] = mapped_column(primary_key=True,
        comment="Body id; `body_id` in `reports` and the panel export.")
    # "<region code or scope>|<canonical name>"
    key: Mapped[str] = mapped_column(String(600), unique=True,
        comment="What makes a body one: `<GB/T 2260 code>|<canonical name>`; without a region `portal:<id>|…` "
                "(or `report:<url>|…`), so that unplaced names are never merged.")
    division_code: Mapped[str | None] = mapped_column(String(12), index=True,
        comment="GB/T 2260 code of the body's region: the region its name names (cpca), else its reports'.",
        info={"unit": "6 digits"})
    province: Mapped[str | None] = mapped_column(String(40), index=True,
        comment="The province of the body's region.")
    prefecture: Mapped[str | None] = mapped_column(String(80),
        comment="The prefecture (地级) of the body's region; null when not known.")
    county: Mapped[str | None] = mapped_column(String(80),
        comment="The county (县级) of the body's region; null when not known or above county level.")
    # as first printed
    name: Mapped[str] = mapped_column(Text,
        comment="The body's name as first printed: the subject of a report title (南山区), else the signature, "
                "else 发布机构.")
    canonical_name: Mapped[str] = mapped_column(Text,
        comment="The name without its region, white space and alias spellings (市府办 → 人民政府办公室; "
                "a region alone → 人民政府); see crawler/extract/names.py.")
    level: Mapped[str | None] = mapped_column(String(20),
        comment="`province`, `prefecture`, `county` (from the code) or `township`.")
    kind: Mapped[str] = mapped_column(String(20),
        comment="`government`, `office`, `department` or `township`.")
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
        comment="When a report of the body was first stored.", info={"unit": "UTC timestamp"})

