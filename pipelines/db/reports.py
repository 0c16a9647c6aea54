"""Storing a report page: which stored report it is (identity), and its rows.

A report is stored once: by URL; a page with the same 索引号 on the same portal, the same body
text, or the same (publisher, report year, title) is the same report, and so is a near-identical
body of the same publisher and report year; never across report years or publishers. Its other
URLs are kept beside it. The caller owns the transaction (`with Session.begin() as session:`).

Written with Core statements on the session's connection, not ORM objects: every lookup a page
needs is one query (`_lookup`), and each row one statement (bench/NOTES.md, "Store")."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Integer, cast, delete, literal_column, null, select, union_all, update
from sqlalchemy import bindparam as param
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from crawler.defaults import REPOST_SIMILARITY, STORE_RAW_HTML
from crawler.extract.similarity import similarity
from pipelines.db.bodies import BODY_FIELDS, body_id_of, recheck_years
from pipelines.db.engine import compress
from pipelines.db.models import AttachmentRow, CheckRow, ReportRow, ReportUrl, ReportVersion, Stat, utcnow
from pipelines.db.rows import insert_rows, number_or_none

_REPORTS, _URLS, _VERSIONS = ReportRow.__table__, ReportUrl.__table__, ReportVersion.__table__

# What `_lookup` finds, by kind, in order of precedence for the match.
BY_URL, BY_INDEX_NO, BY_BODY_HASH, BY_IDENTITY, BY_SIMILAR = 1, 2, 3, 4, 5
YEARS_AROUND = 6        # the same publisher's reports of the year before and after (similarity)
BODY_AROUND = 7         # the same body's reports of the year before and after (year checks)
# The writes, built once: a row's values come as execution parameters (for an UPDATE, those
# other than `which`, the row's id, are its SET clause).
_INSERT_REPORT, _INSERT_URL, _INSERT_VERSION = _REPORTS.insert(), _URLS.insert(), _VERSIONS.insert()
_UPDATE_REPORT = update(_REPORTS).where(_REPORTS.c.id == param("which"))
_UPDATE_URL = update(_URLS).where(_URLS.c.id == param("which"))
MATCHES = {BY_URL: "url", BY_INDEX_NO: "index_no", BY_BODY_HASH: "body_hash", BY_IDENTITY: "identity",
           BY_SIMILAR: "similar"}


def publisher_key(fields: dict) -> str | None:
    """Who a report is by, for identity: the body in its signature, else the page's 发布机构."""
    return fields.get("signed_by") or fields.get("publisher") or None


@lru_cache(maxsize=64)
def _lookup(index_no: bool, year: bool, who: bool, title: bool, minhash: bool, body: bool):
    """One query for everything storing a page needs to read, as (kind, report columns…, URL row
    id) rows: the report of its URL; of its 索引号 on its portal; of its body (same report year);
    of (publisher, report year, title); the near-identity candidates (same report year, same
    publisher or, without one, same title); the same publisher's reports of the years around it;
    the same body's reports of the years around it. Only the parts the page's fields allow."""
    r = _REPORTS.c
    columns = (r.id, r.url, r.portal_id, r.body_hash, r.published_on, r.version, r.body_id, r.report_year, r.title,
               r.minhash)

    def part(kind: int, *where, limit: int | None = None, url_id=None):
        query = select(literal_column(str(kind), Integer).label("kind"), *columns,
                       (url_id if url_id is not None else cast(null(), Integer)).label("url_id"))
        query = query.where(*where)
        if limit is not None:
            query = query.limit(limit)
        return query

    u = _URLS.c
    parts = [part(BY_URL, u.url == param("url"), url_id=u.id).select_from(
        _URLS.outerjoin(_REPORTS, r.id == u.report_id))]
    if index_no:
        parts.append(part(BY_INDEX_NO, r.portal_id == param("portal_id"), r.index_no == param("index_no"), limit=1))
    parts.append(part(BY_BODY_HASH, r.body_hash == param("body_hash"),
                      r.report_year == param("year") if year else r.report_year.is_(None), limit=1))
    if year and who and title:
        parts.append(part(BY_IDENTITY, r.publisher_key == param("who"), r.report_year == param("year"),
                          r.title == param("title"), limit=1))
    if year and minhash and (who or title):
        same = r.publisher_key == param("who") if who else r.title == param("title")
        parts.append(part(BY_SIMILAR, r.report_year == param("year"), r.minhash.is_not(None), same, limit=50))
    around = r.report_year.in_([param("year_before"), param("year_after")])
    if year and who and minhash:
        parts.append(part(YEARS_AROUND, r.publisher_key == param("who"), around, r.minhash.is_not(None), limit=50))
    if year and body:
        parts.append(part(BODY_AROUND, r.body_id == param("body_id"), around))
    # SQLite takes no LIMIT on a member of a compound SELECT: each part is a subquery of its own
    return union_all(*(select(*p.subquery().c) for p in parts))


def _find(conn: Connection, fields: dict, body_id: int | None, repost_similarity: float):
    """The stored report this page is (a row of `_lookup`, or None), how we know ("url", …, or
    ""), its URL row id (None unless matched by URL), and the reports around it by publisher
    and by body, as `_lookup`'s rows."""
    year, who, title = fields.get("report_year"), publisher_key(fields), fields.get("title")
    index_no = bool(fields.get("index_no") and fields.get("portal_id"))
    query = _lookup(index_no, year is not None, bool(who), bool(title), bool(fields.get("minhash")),
                    body_id is not None)
    params = {"url": fields["url"], "portal_id": fields.get("portal_id"), "index_no": fields.get("index_no"),
              "body_hash": fields["body_hash"], "year": year, "who": who, "title": title,
              "year_before": None if year is None else year - 1, "year_after": None if year is None else year + 1,
              "body_id": body_id}
    found: dict[int, list] = {}
    for row in conn.execute(query, params):
        found.setdefault(row.kind, []).append(row)
    around = found.get(YEARS_AROUND, []), found.get(BODY_AROUND, [])
    if BY_URL in found:
        row = found[BY_URL][0]
        return (row if row.id is not None else None), "url", row.url_id, *around
    for kind in (BY_INDEX_NO, BY_BODY_HASH, BY_IDENTITY):
        if kind in found:
            return found[kind][0], MATCHES[kind], None, *around
    for candidate in found.get(BY_SIMILAR, ()):
        if similarity(candidate.minhash, fields["minhash"]) >= repost_similarity:
            return candidate, "similar", None, *around
    return None, "", None, *around


REPORT_COLUMNS = ("title", "index_no", "publisher", "published_on", "written_on", "signed_by", "doc_no",
                  "topic", "keywords", "validity", "report_year", "body_text", "body_hash", "minhash", "province",
                  "prefecture", "county", "division_code")


def _content(fields: dict) -> dict:
    """The report row's own columns from the page; its stats, checks and attachments are `_child_rows`."""
    values = {name: fields.get(name) for name in REPORT_COLUMNS}
    values["body_text"] = values["body_text"] or ""
    values["publisher_key"] = publisher_key(fields)
    return values


def _child_rows(fields: dict) -> dict:
    """The rows of a report's stats, checks and attachments, without their report_id; built
    before anything is written, so a bad value fails the item before its report row is written."""
    return {
        Stat.__table__: [{"section": s.get("section"), "grp": s.get("group"), "item": s.get("item") or "",
                          "col": s.get("column"), "unit": s.get("unit"),
                          "value": None if s.get("value") is None else float(s["value"])}
                         for s in fields.get("stats") or []],
        CheckRow.__table__: [{"rule": c["rule"], "expected": number_or_none(c.get("expected")),
                              "found": number_or_none(c.get("found")), "message": c.get("message") or ""}
                             for c in fields.get("checks") or []],
        AttachmentRow.__table__: [{"url": a["url"], "name": a.get("name"), "media_type": a.get("media_type"),
                                   "size": a.get("size"), "sha256": a.get("sha256"), "path": a.get("path"),
                                   "status": a.get("status")} for a in fields.get("attachments") or []],
    }


def _write_children(conn: Connection, report_id: int, rows: dict, replacing: bool) -> None:
    """The report's stats, checks and attachments (`_child_rows`), one bulk write per table
    (`insert_rows`), after deleting its old ones."""
    for table, table_rows in rows.items():
        if replacing:
            conn.execute(delete(table).where(table.c.report_id == report_id))
        insert_rows(conn, table, [dict(row, report_id=report_id) for row in table_rows])


def _similarity_around(conn: Connection, report_id: int | None, year: int, minhash: bytes,
                       around: list) -> float | None:
    """The similarity of the report to the same publisher's previous-year report (returned), and
    of the next-year report to it (written there): crawl order is arbitrary."""
    before = next((r for r in around if r.report_year == year - 1 and r.id != report_id), None)
    after = next((r for r in around if r.report_year == year + 1 and r.id != report_id), None)
    if after is not None:
        conn.execute(_UPDATE_REPORT, {"which": after.id,
                                      "similarity_prev_year": round(similarity(after.minhash, minhash), 4)})
    return None if before is None else round(similarity(before.minhash, minhash), 4)


def _remember_link(conn: Connection, report_id: int, link_url: str, validators: dict, portal_id) -> None:
    """The URL a listing linked that redirected to the report's page: kept as one of the report's
    URLs with the page's validators, so the next nightly run asks for it conditionally."""
    row = conn.execute(select(_URLS.c.id, _URLS.c.report_id).where(_URLS.c.url == link_url)).first()
    if row is None:
        conn.execute(_INSERT_URL, dict(validators, report_id=report_id, url=link_url, portal_id=portal_id))
    elif row.report_id in (None, report_id):
        conn.execute(_UPDATE_URL, dict(validators, which=row.id, report_id=report_id))


def store_report(session: Session, fields: dict, raw_html: bytes | None = None,
                 encoding: str | None = None, keep_raw: bool = STORE_RAW_HTML,
                 repost_similarity: float = REPOST_SIMILARITY, *, raw_html_z: bytes | None = None,
                 bodies: dict[str, int] | None = None) -> str:
    """Insert or update one report page in the session's transaction.

    Returns what happened: "new", "changed" (a new version of a known report),
    "unchanged", or "duplicate" (a known report under another URL: the URL is added).
    `raw_html_z`: the page already compressed (`compress(raw_html)`); `bodies`: body key -> id
    of the bodies the caller has looked up (see `body_id_of`).
    """
    conn = session.connection()
    now = utcnow()
    page_body = body_id_of(conn, {name: fields.get(name) for name in BODY_FIELDS}, bodies)
    match, how, url_id, years_around, body_around = _find(conn, fields, page_body, repost_similarity)
    year, minhash = fields.get("report_year"), fields.get("minhash")
    outcome, body_id = None, page_body
    if match is None or how == "url" and match.body_hash != fields["body_hash"] or (
            how == "index_no" and match.body_hash != fields["body_hash"]):
        # new; or revised in place (or re-issued under the same 索引号): the new content becomes
        # the current version, the old raw page stays in report_versions
        rows = _child_rows(fields)      # before any write: a bad value fails the item here
        values = _content(fields)
        if publisher_key(fields) and year and minhash:
            similar = _similarity_around(conn, None if match is None else match.id, year, minhash, years_around)
            if similar is not None:
                values["similarity_prev_year"] = similar
        if match is None:
            report_id = conn.execute(_INSERT_REPORT, dict(
                values, url=fields["url"], portal_id=fields.get("portal_id"), first_seen=now, last_seen=now,
                version=1, body_id=body_id)).inserted_primary_key[0]
            outcome, version = "new", 1
        else:
            report_id, version = match.id, match.version + 1
            portal_id = match.portal_id or fields.get("portal_id")
            if (match.url, portal_id) != (fields["url"], fields.get("portal_id")):  # the body of the stored report
                body_id = body_id_of(conn, {**{name: fields.get(name) for name in BODY_FIELDS},
                                            "url": match.url, "portal_id": portal_id}, bodies)
                if body_id != page_body:
                    body_around = None
            conn.execute(_UPDATE_REPORT, dict(values, which=report_id, version=version, last_seen=now,
                                              portal_id=portal_id, body_id=body_id))
            outcome = "changed"
        _write_children(conn, report_id, rows, replacing=outcome == "changed")
    elif how == "url":
        report_id, outcome = match.id, "unchanged"
        conn.execute(_UPDATE_REPORT, {"which": report_id, "last_seen": now})
    else:
        # the same report under another URL (repost, other portal): kept once, the URL added;
        # the earliest publication is the original, whichever page the crawl reached first
        report_id, outcome = match.id, "duplicate"
        values = {"which": report_id, "last_seen": now}
        if fields.get("published_on") and (match.published_on is None or fields["published_on"] < match.published_on):
            values.update(url=fields["url"], published_on=fields["published_on"])
        conn.execute(_UPDATE_REPORT, values)
    validators = {"etag": fields.get("etag"), "last_modified": fields.get("last_modified"),
                  "content_hash": fields["body_hash"], "raw_hash": fields.get("raw_hash"), "fetched_at": now}
    if url_id is None:
        conn.execute(_INSERT_URL, dict(validators, report_id=report_id, url=fields["url"],
                                       portal_id=fields.get("portal_id")))
    else:
        conn.execute(_UPDATE_URL, dict(validators, which=url_id, report_id=report_id))
    if fields.get("link_url") and fields["link_url"] != fields["url"]:
        _remember_link(conn, report_id, fields["link_url"], validators, fields.get("portal_id"))
    if outcome in ("new", "changed"):
        if body_id is not None or outcome == "changed":
            recheck_years(conn, report_id, body_id, year, fields.get("title"), known=outcome == "changed",
                          neighbours=None if body_around is None else [
                              (r.id, r.report_year, r.title) for r in body_around if r.id != report_id])
        if keep_raw and raw_html_z is None:
            raw_html_z = compress(raw_html)
        conn.execute(_INSERT_VERSION, {"report_id": report_id, "version": version, "url": fields["url"],
                                       "fetched_at": now, "body_hash": fields["body_hash"], "encoding": encoding,
                                       "raw_html_z": raw_html_z if keep_raw else None})
    elif match.body_id is None:
        # stored before bodies existed (migration 0006): linked when next seen
        reports = _REPORTS.c
        stored = conn.execute(select(*(reports[name] for name in BODY_FIELDS)).where(reports.id == report_id)).first()
        body_id = body_id_of(conn, dict(stored._mapping), bodies)
        if body_id is not None:
            conn.execute(_UPDATE_REPORT, {"which": report_id, "body_id": body_id})
            recheck_years(conn, report_id, body_id, stored.report_year, stored.title, known=True)
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
