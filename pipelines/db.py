"""The data layer: SQLAlchemy 2 models, the engine, and the units of work.

One module owns every table. The engine is built from `DATABASE_URL` when a
crawl or a command opens it, never at import. Every multi-row change runs in
one transaction (`with session.begin()`), so a failure leaves nothing half
written.
"""
from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
    String, Text, UniqueConstraint, create_engine, delete, event, select, text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from crawler.extract.similarity import similarity

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


# --- engine ------------------------------------------------------------------------------------

def database_url(url: str | None = None) -> str:
    """The URL to use: explicit, else DATABASE_URL, else the SQLite file under data/."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True)


def empty_sibling_database(server_url: str, suffix: str) -> str:
    """A new, empty PostgreSQL database `<name>_<suffix>` on the server of `server_url`
    (dropped first if it exists); its URL. For runs that must not share a database."""
    from sqlalchemy.engine import make_url
    url = make_url(database_url(server_url))
    name = f"{url.database}_{suffix}"
    engine = make_engine(url.render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def upgrade_schema(url: str | None = None) -> None:
    """Bring the database to the newest migration (`alembic upgrade head`)."""
    from alembic import command
    from alembic.config import Config

    from pipelines.migrations_dir import migrations_dir

    cfg = Config()                              # no alembic.ini needed (it is not in a Scrapyd egg)
    cfg.attributes["skip_logging"] = True       # the caller (Scrapy, the CLI) owns logging
    cfg.set_main_option("script_location", str(migrations_dir()))
    url = database_url(url)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if not url.startswith("postgresql"):
        command.upgrade(cfg, "head")
        return
    # several crawler processes may start at once: one migrates, the others wait for it
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                command.upgrade(cfg, "head")
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def compress(raw: bytes | None) -> bytes | None:
    return zlib.compress(raw, 6) if raw is not None else None


__all__ = [
    "Base", "Report", "ReportUrl", "ReportVersion", "Stat", "CheckRow", "AttachmentRow", "Portal",
    "ReportColumn", "Body",
    "Run", "Failure", "make_engine", "upgrade_schema", "session_factory", "database_url", "select",
    "compress", "utcnow",
]


# --- units of work -----------------------------------------------------------------------------
# Each function is one transaction: it commits whole or not at all.

def publisher_key(fields: dict) -> str | None:
    """Who a report is by, for identity: the body in its signature, else the page's 发布机构."""
    return fields.get("signed_by") or fields.get("publisher") or None


def _match_existing(session: Session, fields: dict,
                    repost_similarity: float) -> tuple["Report | None", str, "ReportUrl | None"]:
    """The stored report this page is, and how we know: by URL, by 索引号 on the same portal,
    by identical body, by identity (publisher, report year, title), or by a near-identical body
    of the same publisher and report year. Never across report years or publishers.
    Also the page's URL row: None unless matched by URL (the URL is then new)."""
    row = session.scalar(select(ReportUrl).where(ReportUrl.url == fields["url"]))
    if row is not None:
        return row.report, "url", row
    if fields.get("index_no") and fields.get("portal_id"):
        found = session.scalar(select(Report).where(Report.portal_id == fields["portal_id"],
                                                    Report.index_no == fields["index_no"]))
        if found is not None:
            return found, "index_no", None
    year, who = fields.get("report_year"), publisher_key(fields)
    found = session.scalar(select(Report).where(Report.body_hash == fields["body_hash"],
                                                Report.report_year == year).limit(1))
    if found is not None:
        return found, "body_hash", None
    if year is None:
        return None, "", None
    if who and fields.get("title"):
        found = session.scalar(select(Report).where(Report.publisher_key == who, Report.report_year == year,
                                                    Report.title == fields["title"]).limit(1))
        if found is not None:
            return found, "identity", None
    if fields.get("minhash"):
        same = select(Report).where(Report.report_year == year, Report.minhash.is_not(None))
        same = same.where(Report.publisher_key == who) if who else same.where(Report.title == fields.get("title"))
        for candidate in session.scalars(same.limit(50)):
            if similarity(candidate.minhash, fields["minhash"]) >= repost_similarity:
                return candidate, "similar", None
    return None, "", None


def _previous_year_similarity(session: Session, report: "Report") -> None:
    """Similarity of this report to the same publisher's previous-year report, and of the
    next-year report to this one (crawl order is arbitrary)."""
    if not (report.publisher_key and report.report_year and report.minhash):
        return
    for earlier, later in ((None, report), (report, None)):
        year = report.report_year - 1 if earlier is None else report.report_year + 1
        other = session.scalars(select(Report).where(Report.publisher_key == report.publisher_key,
                                                     Report.report_year == year,
                                                     Report.minhash.is_not(None))).first()
        if other is not None:
            target = later or other
            target.similarity_prev_year = round(similarity(other.minhash, report.minhash), 4)


REPORT_COLUMNS = ("title", "index_no", "publisher", "published_on", "written_on", "signed_by", "doc_no",
                  "topic", "keywords", "validity", "report_year", "body_text", "body_hash", "portal_id",
                  "minhash", "province", "prefecture", "county", "division_code")


def _set_content(report: "Report", fields: dict) -> None:
    """The report row's own columns; its stats, checks and attachments are `_replace_children`."""
    for name in REPORT_COLUMNS:
        if name == "portal_id" and report.portal_id:
            continue
        setattr(report, name, fields.get(name) if name != "body_text" else fields.get(name) or "")
    report.publisher_key = publisher_key(fields)


def _child_rows(fields: dict) -> dict[type, list[dict]]:
    """The rows of a report's stats, checks and attachments, without their report_id; built
    before anything is written, so a bad value fails the item before its report row is flushed."""
    return {
        Stat: [{"section": s.get("section"), "grp": s.get("group"), "item": s.get("item") or "",
                "col": s.get("column"), "unit": s.get("unit"),
                "value": None if s.get("value") is None else float(s["value"])}
               for s in fields.get("stats") or []],
        CheckRow: [{"rule": c["rule"], "expected": _num(c.get("expected")), "found": _num(c.get("found")),
                    "message": c.get("message") or ""} for c in fields.get("checks") or []],
        AttachmentRow: [{"url": a["url"], "name": a.get("name"), "media_type": a.get("media_type"),
                         "size": a.get("size"), "sha256": a.get("sha256"), "path": a.get("path"),
                         "status": a.get("status")} for a in fields.get("attachments") or []],
    }


def _replace_children(session: Session, report: "Report", rows: dict[type, list[dict]], replacing: bool) -> None:
    """Write the report's stats, checks and attachments rows (`_child_rows`), one bulk write per
    table (`_insert_rows`), after deleting its old ones.

    A report has ~200 stat cells: as ORM objects they cost ~15 ms of CPU per report (one INSERT
    per row, attribute events), the largest per-report cost of a crawl; as rows, well under 1 ms.
    The relationships stay for reading and are expired here, so they load what was written."""
    for model, model_rows in rows.items():
        if replacing:
            session.execute(delete(model).where(model.report_id == report.id),
                            execution_options={"synchronize_session": False})
        if model_rows:
            _insert_rows(session, model.__table__, [dict(row, report_id=report.id) for row in model_rows])
    session.expire(report, ["stats", "checks", "attachments"])


def _insert_rows(session: Session, table, rows: list[dict]) -> None:
    """Insert rows (dicts keyed by column name) into a table in the session's transaction.

    SQLite: the table's own INSERT as one executemany (sqlite3 runs it in C). PostgreSQL: COPY
    through psycopg, in the same transaction: psycopg 3's executemany sends one statement per row
    (~40 µs of Python each, 17 ms of store CPU per 200-cell report in bench/; SQLAlchemy's
    RETURNING batches and multi-row VALUES measured slower still)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _num(value):
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def store_report(session: Session, fields: dict, raw_html: bytes | None = None,
                 encoding: str | None = None, keep_raw: bool = True, repost_similarity: float = 0.9) -> str:
    """Insert or update one report page in one transaction.

    Returns what happened: "new", "changed" (a new version of a known report),
    "unchanged", or "duplicate" (a known report under another URL: the URL is added).
    """
    now = utcnow()
    with session.begin():
        report, how, url_row = _match_existing(session, fields, repost_similarity)
        if report is None:
            rows = _child_rows(fields)      # before any write: a bad value fails the item here
            report = Report(url=fields["url"], first_seen=now, last_seen=now, version=1)
            _set_content(report, fields)
            linked = _link_body(session, report)     # before the INSERT: the row is written with its body
            session.add(report)
            session.flush()
            _replace_children(session, report, rows, replacing=False)
            outcome = "new"
        elif how == "url" and report.body_hash == fields["body_hash"]:
            report.last_seen = now
            outcome = "unchanged"
        elif how == "url" or (how == "index_no" and report.body_hash != fields["body_hash"]):
            # revised in place (or re-issued under the same 索引号): the new content becomes the
            # current version; the old raw page stays in report_versions
            rows = _child_rows(fields)
            report.version += 1
            report.last_seen = now
            _set_content(report, fields)
            linked = _link_body(session, report)
            _replace_children(session, report, rows, replacing=True)
            outcome = "changed"
        else:
            # the same report under another URL (repost, other portal): kept once, the URL added;
            # the earliest publication is the original, whichever page the crawl reached first
            report.last_seen = now
            outcome = "duplicate"
            if fields.get("published_on") and (report.published_on is None
                                               or fields["published_on"] < report.published_on):
                report.url = fields["url"]
                report.published_on = fields["published_on"]
        if url_row is None:
            url_row = ReportUrl(report=report, url=fields["url"], portal_id=fields.get("portal_id"))
            session.add(url_row)
        url_row.etag = fields.get("etag")
        url_row.last_modified = fields.get("last_modified")
        url_row.content_hash = fields["body_hash"]
        url_row.raw_hash = fields.get("raw_hash")
        url_row.fetched_at = now
        if outcome in ("new", "changed"):
            session.flush()
            _previous_year_similarity(session, report)
            if linked or outcome == "changed":
                _year_checks(session, report, known=outcome == "changed")
            session.add(ReportVersion(report_id=report.id, version=report.version, url=fields["url"],
                                      fetched_at=now, body_hash=fields["body_hash"], encoding=encoding,
                                      raw_html_z=compress(raw_html) if keep_raw else None))
        elif report.body_id is None and _link_body(session, report):
            # stored before bodies existed (migration 0006): linked when next seen
            _year_checks(session, report, known=True)
    return outcome


# --- reporting bodies and year-over-year checks ------------------------------------------------

def _link_body(session: Session, report: "Report") -> bool:
    """Link the report to its body (crawler/registry/bodies.py), created on first sight by a
    race-safe insert of its key; one indexed lookup. False when the report names no body."""
    from crawler.registry.bodies import report_body
    identity = report_body({name: getattr(report, name) for name in (
        "url", "title", "publisher", "signed_by", "report_year", "portal_id", "province", "prefecture",
        "county", "division_code")})
    if identity is None:
        report.body_id = None
        return False
    with session.no_autoflush:           # a new report is inserted once, with its body_id
        body_id = session.scalar(select(Body.id).where(Body.key == identity.key))
    if body_id is None:
        values = {"key": identity.key, "division_code": identity.division_code, "province": identity.province,
                  "prefecture": identity.prefecture, "county": identity.county, "name": identity.name,
                  "canonical_name": identity.canonical_name, "level": identity.level, "kind": identity.kind,
                  "first_seen": utcnow()}
        from sqlalchemy.dialects import postgresql, sqlite
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(session.connection().dialect.name)
        if insert is not None:     # two processes meeting the same new body: one row, no error
            session.execute(insert(Body).values(**values).on_conflict_do_nothing(index_elements=["key"]))
        else:
            session.add(Body(**values))
            session.flush()
        with session.no_autoflush:
            body_id = session.scalar(select(Body.id).where(Body.key == identity.key))
    report.body_id = body_id
    return True


def _year_checks(session: Session, report: "Report", known: bool = True) -> None:
    """The year-over-year checks (crawler/extract/years.py) of the pairs the report is part of,
    computed again: on it, naming the body's report of the year before, and on the body's report
    of the year after, naming it. Crawl order does not matter: whichever of a pair is stored
    second (or revised) makes the check. `known`: the report may already be named by checks."""
    from sqlalchemy import and_, or_

    from crawler.extract.stats import SECTION_ACTIVE, SECTION_REQUESTS
    from crawler.extract.years import check_years
    if known:
        session.execute(delete(CheckRow).where(CheckRow.other_report_id == report.id),
                        execution_options={"synchronize_session": False})
        session.execute(delete(CheckRow).where(CheckRow.report_id == report.id,
                                               CheckRow.other_report_id.is_not(None)),
                        execution_options={"synchronize_session": False})
        session.expire(report, ["checks"])
    year = report.report_year
    if report.body_id is None or year is None:
        return
    neighbours = session.execute(select(Report.id, Report.report_year, Report.title).where(
        Report.body_id == report.body_id, Report.report_year.in_((year - 1, year + 1)),
        Report.id != report.id)).all()
    if not neighbours:
        return
    ids = [report.id, *(n.id for n in neighbours)]
    cells: dict[int, list[dict]] = {i: [] for i in ids}
    carried = and_(Stat.section == SECTION_REQUESTS, or_(Stat.item.like("二、%"), Stat.item.like("四、%")))
    for report_id, section, item, column, value in session.execute(
            select(Stat.report_id, Stat.section, Stat.item, Stat.column, Stat.value)
            .where(Stat.report_id.in_(ids), or_(Stat.section == SECTION_ACTIVE, carried)).order_by(Stat.id)):
        cells[report_id].append({"section": section, "item": item, "column": column, "value": value})
    me = (report.id, year, report.title)
    rows = []
    for neighbour in neighbours:
        earlier, later = (neighbour, me) if neighbour[1] < year else (me, neighbour)
        label = f"the {earlier[1]} report (#{earlier[0]} {earlier[2] or ''})".replace(" )", ")")
        rows += [{"report_id": later[0], "other_report_id": earlier[0], "rule": c["rule"],
                  "expected": _num(c["expected"]), "found": _num(c["found"]), "message": c["message"]}
                 for c in check_years(cells[earlier[0]], cells[later[0]], label)]
    if rows:
        _insert_rows(session, CheckRow.__table__, rows)
    for report_id in {report.id, *(n.id for n in neighbours)}:   # loaded ones read their checks again
        loaded = session.identity_map.get(session.identity_key(Report, report_id))
        if loaded is not None:
            session.expire(loaded, ["checks"])


def link_reports(session: Session, batch: int = 500) -> int:
    """Link every report stored without a body (before migration 0006) to its body and compute
    its year-over-year checks; each batch one transaction. Returns how many were linked."""
    from crawler.registry.bodies import load_aliases
    load_aliases()            # a broken $REPORTS_BODY_ALIASES file is said before anything is read
    linked, after = 0, 0
    while True:
        with session.begin():
            reports = list(session.scalars(select(Report).where(Report.body_id.is_(None), Report.id > after)
                                           .order_by(Report.id).limit(batch)))
            for report in reports:
                after = report.id
                if _link_body(session, report):
                    _year_checks(session, report, known=True)
                    linked += 1
        if len(reports) < batch:
            return linked


@dataclass(frozen=True)
class KnownPage:
    etag: str | None
    last_modified: str | None
    raw_hash: str | None


def known_pages(session: Session, portal_ids: list[str]) -> dict[str, KnownPage]:
    """What earlier crawls stored of these portals' pages: validators for conditional requests."""
    query = select(ReportUrl.url, ReportUrl.etag, ReportUrl.last_modified, ReportUrl.raw_hash)
    if portal_ids:
        query = query.where(ReportUrl.portal_id.in_(portal_ids))
    return {url: KnownPage(etag, modified, raw) for url, etag, modified, raw in session.execute(query)}


def last_walk_incomplete(session: Session, portal_ids: list[str]) -> bool:
    """Whether the last run over any of these portals was killed or had failures: then older
    listing pages may hold reports it never stored, and the next nightly run must walk them all."""
    runs = select(Run).order_by(Run.id.desc()).limit(50)
    for run in session.scalars(runs):
        if set((run.portals or "").split(",")) & set(portal_ids):
            return run.finish_reason != "finished" or run.failures > 0
    return False


def start_run(session: Session, mode: str, portals: list[str]) -> int:
    with session.begin():
        run = Run(mode=mode, portals=",".join(portals), started_at=utcnow())
        session.add(run)
        session.flush()
        return run.id


def finish_run(session: Session, run_id: int, counts: dict, finish_reason: str | None,
               crawl_stats: dict | None = None) -> None:
    with session.begin():
        run = session.get(Run, run_id)
        run.finished_at = utcnow()
        run.finish_reason = finish_reason
        for name, value in counts.items():
            setattr(run, name, value)
        run.stats_json = crawl_stats


def record_failure(session: Session, run_id: int | None, url: str, reason: str, portal_id: str | None = None,
                   status: int | None = None, exception: str | None = None, retries: int = 0) -> None:
    with session.begin():
        session.add(Failure(run_id=run_id, url=url, reason=reason, portal_id=portal_id, status=status,
                            exception=exception, retries=retries))


def mark_portal_verified(session: Session, portal_id: str, family: str | None) -> None:
    with session.begin():
        portal = session.get(Portal, portal_id) or Portal(id=portal_id)
        portal.verified = True
        portal.last_success_at = utcnow()
        portal.family = family or portal.family
        session.merge(portal)


# --- annual-report columns and discovery ----------------------------------------------------------

def remembered_columns(session: Session, portal_ids: list[str]) -> dict[str, list[ReportColumn]]:
    """The active columns earlier runs found or read, per portal."""
    out: dict[str, list[ReportColumn]] = {}
    query = select(ReportColumn).where(ReportColumn.active.is_(True)).order_by(ReportColumn.id)
    if portal_ids:
        query = query.where(ReportColumn.portal_id.in_(portal_ids))
    for column in session.scalars(query):
        out.setdefault(column.portal_id, []).append(column)
    return out


def portals_needing_discovery(session: Session, portal_ids: list[str]) -> set[str]:
    query = select(Portal.id).where(Portal.needs_discovery.is_(True))
    if portal_ids:
        query = query.where(Portal.id.in_(portal_ids))
    return set(session.scalars(query))


def _column(session: Session, portal_id: str, url: str) -> ReportColumn:
    column = session.scalar(select(ReportColumn).where(ReportColumn.portal_id == portal_id,
                                                       ReportColumn.url == url))
    if column is None:
        column = ReportColumn(portal_id=portal_id, url=url, found_at=utcnow(), reports_seen=0, active=True)
        session.add(column)
    return column


def _portal(session: Session, portal_id: str) -> Portal:
    portal = session.get(Portal, portal_id)
    if portal is None:
        portal = Portal(id=portal_id, verified=False, needs_discovery=False)
        session.add(portal)
    return portal


def remember_column(session: Session, portal_id: str, url: str, family: str | None, title: str | None,
                    department: str | None, found_via: str | None) -> None:
    """A column discovery found: remembered (again) as active."""
    with session.begin():
        column = _column(session, portal_id, url)
        column.family = family or column.family
        column.title = title or column.title
        column.department = department or column.department
        column.found_via = found_via or column.found_via
        column.active = True


def portal_discovered(session: Session, portal_id: str, home_url: str, columns: int) -> None:
    """A discovery walk ended: where it landed; a portal with columns needs none until one fails."""
    with session.begin():
        portal = _portal(session, portal_id)
        portal.home_url = home_url
        portal.discovered_at = utcnow()
        portal.needs_discovery = columns == 0


def record_column_outcome(session: Session, portal_id: str, url: str, family: str | None,
                          reports_seen: int, error: str | None) -> None:
    """What a crawl of a column gave. A failed column is set aside and its portal rediscovered."""
    with session.begin():
        column = _column(session, portal_id, url)
        column.family = family or column.family
        if error is None:
            column.last_success_at = utcnow()
            column.reports_seen = reports_seen
            column.active = True
        else:
            column.last_error = error
            column.last_error_at = utcnow()
            column.active = False
            _portal(session, portal_id).needs_discovery = True


def record_portal_outcome(session: Session, portal_id: str, outcome: str) -> None:
    with session.begin():
        portal = _portal(session, portal_id)
        portal.last_crawl_at = utcnow()
        portal.last_outcome = outcome
