"""The tables: one DeclarativeBase with a naming convention, typed `Mapped[...]` columns."""
from __future__ import annotations

import zlib
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text,
    UniqueConstraint,
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
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Report(Base):
    """A report: one row per (publisher, report year, title) identity, whatever its URLs."""

    __tablename__ = "reports"
    # the lookups of store_report: two equality terms each, so that the planner (SQLite without
    # ANALYZE statistics included) never falls back to the few-valued report_year index, which
    # made every insert scan a whole year of reports
    __table_args__ = (Index("ix_reports_publisher_key_year", "publisher_key", "report_year"),
                      Index("ix_reports_body_hash_year", "body_hash", "report_year"),
                      Index("ix_reports_body_id_year", "body_id", "report_year"))
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)   # the URL it was first stored from
    portal_id: Mapped[str | None] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(Text)
    index_no: Mapped[str | None] = mapped_column(String(200), index=True)
    publisher: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[str | None] = mapped_column(String(10))
    written_on: Mapped[str | None] = mapped_column(String(10))
    signed_by: Mapped[str | None] = mapped_column(Text)
    doc_no: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[str | None] = mapped_column(Text)
    validity: Mapped[str | None] = mapped_column(Text)
    report_year: Mapped[int | None] = mapped_column(Integer, index=True)
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_hash: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # who the report is by, for identity: the signature's body, else the page's 发布机构
    publisher_key: Mapped[str | None] = mapped_column(Text, index=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)       # datasketch LeanMinHash of the body
    similarity_prev_year: Mapped[float | None] = mapped_column(Float)  # to the same publisher's previous-year report
    # where the report is from (GB/T 2260), read from publisher/signature/title, the portal as fallback
    province: Mapped[str | None] = mapped_column(String(40), index=True)
    prefecture: Mapped[str | None] = mapped_column(String(80))
    county: Mapped[str | None] = mapped_column(String(80))
    division_code: Mapped[str | None] = mapped_column(String(12))
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # the reporting body (crawler/registry/bodies.py); null until linked (see link_reports)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="SET NULL"))

    urls: Mapped[list["ReportUrl"]] = relationship(back_populates="report", cascade="all, delete-orphan")
    stats: Mapped[list["Stat"]] = relationship(cascade="all, delete-orphan", order_by="Stat.id")
    checks: Mapped[list["CheckRow"]] = relationship(cascade="all, delete-orphan", order_by="CheckRow.id",
                                                    foreign_keys="CheckRow.report_id")
    attachments: Mapped[list["AttachmentRow"]] = relationship(cascade="all, delete-orphan", order_by="AttachmentRow.id")
    versions: Mapped[list["ReportVersion"]] = relationship(cascade="all, delete-orphan", order_by="ReportVersion.version")


class ReportUrl(Base):
    """Every URL a report was seen under (reposts, other portals), with its HTTP validators."""

    __tablename__ = "report_urls"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    portal_id: Mapped[str | None] = mapped_column(String(100))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    raw_hash: Mapped[str | None] = mapped_column(String(64))     # sha256 of the page bytes as served
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    report: Mapped[Report] = relationship(back_populates="urls")


class ReportVersion(Base):
    """The raw page of each version of a report, zlib-compressed, for re-parsing without refetching."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2048))
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    body_hash: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str | None] = mapped_column(String(40))
    raw_html_z: Mapped[bytes | None] = mapped_column(LargeBinary)

    @property
    def raw_html(self) -> bytes | None:
        return zlib.decompress(self.raw_html_z) if self.raw_html_z is not None else None


class Stat(Base):
    __tablename__ = "stats"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    section: Mapped[str | None] = mapped_column(Text, index=True)
    group: Mapped[str | None] = mapped_column("grp", Text)
    item: Mapped[str] = mapped_column(Text, index=True)
    column: Mapped[str | None] = mapped_column("col", Text)
    unit: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)


class CheckRow(Base):
    __tablename__ = "checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(100), index=True)
    expected: Mapped[float | None] = mapped_column(Float)
    found: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    # year-over-year checks (crawler/extract/years.py): the earlier report the figures came from
    other_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)


class AttachmentRow(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    path: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(Text)


class Portal(Base):
    """What the crawler learnt about a registry portal (the registry itself is data files)."""

    __tablename__ = "portals"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    family: Mapped[str | None] = mapped_column(String(40))
    home_url: Mapped[str | None] = mapped_column(String(2048))      # where discovery landed (after redirects)
    discovered_at: Mapped[datetime | None] = mapped_column(DateTime)
    needs_discovery: Mapped[bool] = mapped_column(Boolean, default=False)   # a remembered column failed
    last_crawl_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_outcome: Mapped[str | None] = mapped_column(Text)          # one line: the last crawl's outcome


class ReportColumn(Base):
    """An annual-report column (年报栏目) of a portal: found by discovery or registered, remembered so
    that nightly runs crawl it without rediscovering the portal."""

    __tablename__ = "report_columns"
    __table_args__ = (UniqueConstraint("portal_id", "url"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    portal_id: Mapped[str] = mapped_column(String(100), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    family: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)       # the department or township, when known
    found_via: Mapped[str | None] = mapped_column(String(2048))   # the page whose link led here
    found_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)
    reports_seen: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)   # False: failed, the portal is rediscovered


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    mode: Mapped[str] = mapped_column(String(20), default="nightly")
    portals: Mapped[str | None] = mapped_column(Text)
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    new_reports: Mapped[int] = mapped_column(Integer, default=0)
    changed_reports: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    stats_json: Mapped[dict | None] = mapped_column(JSON)


class Failure(Base):
    __tablename__ = "failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    portal_id: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[int | None] = mapped_column(Integer)
    exception: Mapped[str | None] = mapped_column(Text)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Body(Base):
    """A reporting body: one per (region, canonical name), whatever the names its reports print
    (crawler/registry/bodies.py decides; body_aliases.toml holds the aliases)."""

    __tablename__ = "bodies"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)     # "<region code or scope>|<canonical name>"
    division_code: Mapped[str | None] = mapped_column(String(12), index=True)
    province: Mapped[str | None] = mapped_column(String(40), index=True)
    prefecture: Mapped[str | None] = mapped_column(String(80))
    county: Mapped[str | None] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(Text)                          # as first printed
    canonical_name: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
