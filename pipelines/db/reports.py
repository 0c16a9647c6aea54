"""Storing a report page: which stored report it is (identity), and its rows.

A report is stored once: by URL; a page with the same 索引号 on the same portal, the same body
text, or the same (publisher, report year, title) is the same report, and so is a near-identical
body of the same publisher and report year; never across report years or publishers. Its other
URLs are kept beside it. The caller owns the transaction (`with Session.begin() as session:`)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crawler.defaults import REPOST_SIMILARITY, STORE_RAW_HTML
from crawler.extract.similarity import similarity
from pipelines.db.bodies import link_body, recheck_years
from pipelines.db.engine import compress
from pipelines.db.models import AttachmentRow, CheckRow, ReportRow, ReportUrl, ReportVersion, Stat, utcnow
from pipelines.db.rows import insert_rows, number_or_none

# --- units of work -----------------------------------------------------------------------------
# Each function is one transaction: it commits whole or not at all.

def publisher_key(fields: dict) -> str | None:
    """Who a report is by, for identity: the body in its signature, else the page's 发布机构."""
    return fields.get("signed_by") or fields.get("publisher") or None


def _match_existing(session: Session, fields: dict,
                    repost_similarity: float) -> tuple[ReportRow | None, str, ReportUrl | None]:
    """The stored report this page is, and how we know: by URL, by 索引号 on the same portal,
    by identical body, by identity (publisher, report year, title), or by a near-identical body
    of the same publisher and report year. Never across report years or publishers.
    Also the page's URL row: None unless matched by URL (the URL is then new)."""
    row = session.scalar(select(ReportUrl).where(ReportUrl.url == fields["url"]))
    if row is not None:
        return row.report, "url", row
    if fields.get("index_no") and fields.get("portal_id"):
        found = session.scalar(select(ReportRow).where(ReportRow.portal_id == fields["portal_id"],
                                                    ReportRow.index_no == fields["index_no"]))
        if found is not None:
            return found, "index_no", None
    year, who = fields.get("report_year"), publisher_key(fields)
    found = session.scalar(select(ReportRow).where(ReportRow.body_hash == fields["body_hash"],
                                                ReportRow.report_year == year).limit(1))
    if found is not None:
        return found, "body_hash", None
    if year is None:
        return None, "", None
    if who and fields.get("title"):
        found = session.scalar(select(ReportRow).where(ReportRow.publisher_key == who, ReportRow.report_year == year,
                                                    ReportRow.title == fields["title"]).limit(1))
        if found is not None:
            return found, "identity", None
    if fields.get("minhash"):
        same = select(ReportRow).where(ReportRow.report_year == year, ReportRow.minhash.is_not(None))
        same = same.where(ReportRow.publisher_key == who) if who else same.where(ReportRow.title == fields.get("title"))
        for candidate in session.scalars(same.limit(50)):
            if similarity(candidate.minhash, fields["minhash"]) >= repost_similarity:
                return candidate, "similar", None
    return None, "", None


def _previous_year_similarity(session: Session, report: ReportRow) -> None:
    """Similarity of this report to the same publisher's previous-year report, and of the
    next-year report to this one (crawl order is arbitrary)."""
    if not (report.publisher_key and report.report_year and report.minhash):
        return
    for earlier, later in ((None, report), (report, None)):
        year = report.report_year - 1 if earlier is None else report.report_year + 1
        other = session.scalars(select(ReportRow).where(ReportRow.publisher_key == report.publisher_key,
                                                     ReportRow.report_year == year,
                                                     ReportRow.minhash.is_not(None))).first()
        if other is not None:
            target = later or other
            target.similarity_prev_year = round(similarity(other.minhash, report.minhash), 4)


REPORT_COLUMNS = ("title", "index_no", "publisher", "published_on", "written_on", "signed_by", "doc_no",
                  "topic", "keywords", "validity", "report_year", "body_text", "body_hash", "portal_id",
                  "minhash", "province", "prefecture", "county", "division_code")


def _set_content(report: ReportRow, fields: dict) -> None:
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
        CheckRow: [{"rule": c["rule"], "expected": number_or_none(c.get("expected")),
                    "found": number_or_none(c.get("found")), "message": c.get("message") or ""}
                   for c in fields.get("checks") or []],
        AttachmentRow: [{"url": a["url"], "name": a.get("name"), "media_type": a.get("media_type"),
                         "size": a.get("size"), "sha256": a.get("sha256"), "path": a.get("path"),
                         "status": a.get("status")} for a in fields.get("attachments") or []],
    }


def _replace_children(session: Session, report: ReportRow, rows: dict[type, list[dict]], replacing: bool) -> None:
    """Write the report's stats, checks and attachments rows (`_child_rows`), one bulk write per
    table (`insert_rows`), after deleting its old ones.

    A report has ~200 stat cells: as ORM objects they cost ~15 ms of CPU per report (one INSERT
    per row, attribute events), the largest per-report cost of a crawl; as rows, well under 1 ms.
    The relationships stay for reading and are expired here, so they load what was written."""
    for model, model_rows in rows.items():
        if replacing:
            session.execute(delete(model).where(model.report_id == report.id),
                            execution_options={"synchronize_session": False})
        if model_rows:
            insert_rows(session, model.__table__, [dict(row, report_id=report.id) for row in model_rows])
    session.expire(report, ["stats", "checks", "attachments"])


def _remember_link(session: Session, report: ReportRow, link_url: str, page: ReportUrl) -> None:
    """The URL a listing linked that redirected to the report's page: kept as one of the report's
    URLs with the page's validators, so the next nightly run asks for it conditionally."""
    row = session.scalar(select(ReportUrl).where(ReportUrl.url == link_url))
    if row is None:
        row = ReportUrl(report=report, url=link_url, portal_id=page.portal_id)
        session.add(row)
    elif row.report_id not in (None, report.id):
        return
    row.etag, row.last_modified = page.etag, page.last_modified
    row.content_hash, row.raw_hash, row.fetched_at = page.content_hash, page.raw_hash, page.fetched_at


def store_report(session: Session, fields: dict, raw_html: bytes | None = None,
                 encoding: str | None = None, keep_raw: bool = STORE_RAW_HTML,
                 repost_similarity: float = REPOST_SIMILARITY) -> str:
    """Insert or update one report page in one transaction.

    Returns what happened: "new", "changed" (a new version of a known report),
    "unchanged", or "duplicate" (a known report under another URL: the URL is added).
    """
    now = utcnow()
    report, how, url_row = _match_existing(session, fields, repost_similarity)
    if report is None:
        rows = _child_rows(fields)      # before any write: a bad value fails the item here
        report = ReportRow(url=fields["url"], first_seen=now, last_seen=now, version=1)
        _set_content(report, fields)
        linked = link_body(session, report)     # before the INSERT: the row is written with its body
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
        linked = link_body(session, report)
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
    if fields.get("link_url") and fields["link_url"] != fields["url"]:
        _remember_link(session, report, fields["link_url"], url_row)
    if outcome in ("new", "changed"):
        session.flush()
        _previous_year_similarity(session, report)
        if linked or outcome == "changed":
            recheck_years(session, report, known=outcome == "changed")
        session.add(ReportVersion(report_id=report.id, version=report.version, url=fields["url"],
                                  fetched_at=now, body_hash=fields["body_hash"], encoding=encoding,
                                  raw_html_z=compress(raw_html) if keep_raw else None))
    elif report.body_id is None and link_body(session, report):
        # stored before bodies existed (migration 0006): linked when next seen
        recheck_years(session, report, known=True)
    return outcome


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
