"""`export --format csv|jsonl|parquet --out PATH [--province P] [--since Y] [--until Y] [--stats long|wide]`.

jsonl: one report per line with every public field (items.REPORT_FIELDS) (stats, checks and attachments nested).
csv / parquet: one row per report (flat columns), and beside it the statistics:
- `--stats long` (default): `PATH` with `.stats` before the suffix, one row per cell, linked by
  report id and URL;
- `--stats wide`: one file per table format, `PATH` with `.stats-2019` / `.stats-pre2019` before
  the suffix, one row per report of that format and one column per standard cell of the format
  (`section | group | item | column`), for spreadsheets. Sentence figures (group `正文`) and
  ad-hoc tables are no standard cells and stay in the long file only.

`--panel` (csv / parquet): one row per reporting body and report year (`PANEL_FIELDS`): the body,
the standard figures of its report for that year (crawler/extract/panel.py), the derived rates
and how many checks the report fails. When a body has several reports for a year, the one with
the most table cells (then the lowest id) gives the figures and `reports` says how many there are.

`--province` keeps the reports of the registry portals of that province (a prefix matches:
`黑龙江` for `黑龙江省`); `--since` / `--until` keep the reports whose report year is in range.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crawler.extract.panel import FIGURES as PANEL_FIGURES
from crawler.extract.panel import RATES as PANEL_RATES
from crawler.extract.panel import panel_figures, report_format
from crawler.extract.stats import SECTION_ACTIVE, SECTION_APPEALS, SECTION_REQUESTS
from crawler.items import REPORT_FIELDS
from pipelines import db

FLAT_FIELDS = ("id", "url", "other_urls", "portal_id", "province", "prefecture", "county", "division_code", "title",
               "index_no", "publisher", "published_on", "written_on", "signed_by", "doc_no", "topic", "keywords",
               "validity", "report_year", "version", "stats_cells", "checks_failed", "attachments", "body_text")
STATS_FIELDS = ("report_id", "report_url", "section", "group", "item", "column", "unit", "value")
WIDE_LEADING_FIELDS = ("report_id", "report_url", "portal_id", "province", "publisher", "report_year")
WIDE_KEY_SEPARATOR = " | "
FORMAT_2019 = "2019"
FORMAT_PRE2019 = "pre2019"
WIDE_FORMATS = (FORMAT_2019, FORMAT_PRE2019)
STATS_LAYOUTS = ("long", "wide")
SENTENCE_GROUP = "正文"
SECTIONS_2019 = (SECTION_ACTIVE, SECTION_REQUESTS, SECTION_APPEALS)
PANEL_LEADING_FIELDS = ("body_id", "body_name", "canonical_name", "kind", "level", "province", "prefecture",
                        "county", "division_code", "report_year", "report_id", "reports", "format", "title",
                        "publisher")
PANEL_TRAILING_FIELDS = ("checks_failed", "year_checks_failed")
PANEL_FIELDS = (*PANEL_LEADING_FIELDS, *PANEL_FIGURES, *PANEL_RATES, *PANEL_TRAILING_FIELDS)
_HALF_TO_FULL_BRACKETS = str.maketrans({"(": "（", ")": "）"})


# ---------------------------------------------------------------- which reports

@dataclass(frozen=True)
class ReportFilter:
    """Which reports an export writes: by portal (a province's portals) and by report year."""

    portal_ids: frozenset[str] | None = None    # None: every report, registered portal or not
    since: int | None = None
    until: int | None = None
    province: str | None = None                 # the report's own region (read from the report)

    def where(self, query):
        if self.portal_ids is not None:
            by_portal = db.ReportRow.portal_id.in_(sorted(self.portal_ids))
            if self.province:
                by_portal = or_(by_portal, db.ReportRow.province.startswith(self.province))
            query = query.where(by_portal)
        if self.since is not None:
            query = query.where(db.ReportRow.report_year >= self.since)
        if self.until is not None:
            query = query.where(db.ReportRow.report_year <= self.until)
        return query


def province_portal_ids(province: str, portals) -> frozenset[str]:
    """The ids of the registry portals of a province (`黑龙江` matches `黑龙江省`)."""
    return frozenset(p.id for p in portals if p.province == province or p.province.startswith(province))


def report_filter(province: str | None = None, since: int | None = None, until: int | None = None,
                  portals=None) -> ReportFilter:
    """The filter of the export options; `portals` defaults to the registry."""
    if since is not None and until is not None and since > until:
        raise ValueError(f"--since {since} is after --until {until}")
    portal_ids = None
    if province:
        if portals is None:
            from crawler.registry import load_portals
            portals = load_portals()
        portal_ids = province_portal_ids(province, portals)
    return ReportFilter(portal_ids, since, until, province or None)


def portal_provinces(portals=None) -> dict[str, str]:
    """portal id → its province, from the registry."""
    if portals is None:
        from crawler.registry import load_portals
        portals = load_portals()
    return {p.id: p.province for p in portals}


# ---------------------------------------------------------------- rows

def report_dict(report: db.ReportRow) -> dict:
    """A stored report as CONTRACT.md prints it."""
    out = {name: getattr(report, name) for name in REPORT_FIELDS if name not in ("stats", "checks", "attachments")}
    out["attachments"] = [{"url": a.url, "name": a.name, "media_type": a.media_type, "sha256": a.sha256}
                          for a in report.attachments]
    out["stats"] = [{"section": s.section, "group": s.group, "item": s.item, "column": s.column, "unit": s.unit,
                     "value": _number(s.value)} for s in report.stats]
    out["checks"] = [{"rule": c.rule, "expected": _number(c.expected), "found": _number(c.found),
                      "message": c.message} for c in report.checks]
    return out


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _reports(session, rfilter: ReportFilter) -> Iterator[db.ReportRow]:
    query = (select(db.ReportRow).order_by(db.ReportRow.id)
             .options(selectinload(db.ReportRow.stats), selectinload(db.ReportRow.checks),
                      selectinload(db.ReportRow.attachments), selectinload(db.ReportRow.urls)))
    yield from session.scalars(rfilter.where(query).execution_options(yield_per=200))


def _flat(report: db.ReportRow, provinces: dict[str, str]) -> dict:
    return {
        "id": report.id, "url": report.url,
        "other_urls": " ".join(u.url for u in report.urls if u.url != report.url),
        "province": report.province or provinces.get(report.portal_id or ""),
        **{k: getattr(report, k) for k in ("portal_id", "prefecture", "county", "division_code", "title", "index_no",
                                           "publisher", "published_on", "written_on", "signed_by", "doc_no", "topic",
                                           "keywords", "validity", "report_year", "version", "body_text")},
        "stats_cells": len(report.stats), "checks_failed": len(report.checks),
        "attachments": json.dumps([a.url for a in report.attachments], ensure_ascii=False),
    }


def _stat_rows(report: db.ReportRow) -> Iterator[dict]:
    for s in report.stats:
        yield {"report_id": report.id, "report_url": report.url, "section": s.section, "group": s.group,
               "item": s.item, "column": s.column, "unit": s.unit, "value": s.value}


# ---------------------------------------------------------------- the wide layout

def stat_format(section: str | None, group: str | None, unit: str | None) -> str | None:
    """The table format a cell is a standard cell of: `2019`, `pre2019`, or None (sentences, ad-hoc tables)."""
    if group == SENTENCE_GROUP:
        return None
    if section in SECTIONS_2019:
        return FORMAT_2019
    if unit:
        return FORMAT_PRE2019
    return None


def _wide_label(label: str | None) -> str:
    """A label as a column-name part: half-width brackets made full-width, white space removed."""
    return re.sub(r"\s+", "", (label or "").translate(_HALF_TO_FULL_BRACKETS))


def _wide_column(fmt: str, column: str | None) -> str:
    """The figure column of a cell; before 2019 the year's figure (`统计数`, `2012年度`, none) is `统计数`."""
    column = _wide_label(column)
    if fmt == FORMAT_PRE2019 and (not column or re.fullmatch(r"(?:\d{4}年度?|本年度?|统计数)", column)):
        return "统计数"
    return column


def wide_key(fmt: str, section: str | None, group: str | None, item: str, column: str | None) -> str:
    """The wide-file column name of a standard cell: its non-empty label parts joined by ` | `."""
    parts = (_wide_label(section), _wide_label(group), _wide_label(item), _wide_column(fmt, column))
    return WIDE_KEY_SEPARATOR.join(p for p in parts if p)


def _cell_key(stat) -> tuple[str, str] | None:
    fmt = stat_format(stat.section, stat.group, stat.unit)
    if fmt is None:
        return None
    return fmt, wide_key(fmt, stat.section, stat.group, stat.item, stat.column)


def wide_columns(session, rfilter: ReportFilter) -> dict[str, list[str]]:
    """Per format, the standard cells found in the exported reports, in the order they first appear."""
    query = (select(db.Stat.section, db.Stat.group, db.Stat.item, db.Stat.column, db.Stat.unit)
             .join(db.ReportRow, db.ReportRow.id == db.Stat.report_id).order_by(db.Stat.report_id, db.Stat.id))
    seen: dict[str, dict[str, None]] = {fmt: {} for fmt in WIDE_FORMATS}
    for stat in session.execute(rfilter.where(query)):
        key = _cell_key(stat)
        if key is not None:
            seen[key[0]].setdefault(key[1], None)
    return {fmt: list(keys) for fmt, keys in seen.items()}


def wide_rows(report: db.ReportRow, provinces: dict[str, str]) -> dict[str, dict]:
    """Per format the report has cells of, its wide row (the first value of a repeated cell wins)."""
    rows: dict[str, dict] = {}
    for stat in report.stats:
        key = _cell_key(stat)
        if key is None:
            continue
        fmt, name = key
        row = rows.setdefault(fmt, {"report_id": report.id, "report_url": report.url,
                                    "portal_id": report.portal_id,
                                    "province": report.province or provinces.get(report.portal_id or ""),
                                    "publisher": report.publisher, "report_year": report.report_year})
        row.setdefault(name, stat.value)
    return rows


# ---------------------------------------------------------------- files

def stats_path(out: Path, suffix: str = "stats") -> Path:
    return out.with_name(f"{out.stem}.{suffix}{out.suffix}")


def wide_path(out: Path, fmt: str) -> Path:
    return stats_path(out, f"stats-{fmt}")


_INTEGER_FIELDS = ("id", "report_id", "report_year", "version", "stats_cells", "checks_failed", "body_id", "reports",
                   "year_checks_failed")


class _CsvTable:
    def __init__(self, path: Path, fields: Iterable[str]):
        self.path, self.rows = path, 0
        self._file = open(path, "w", newline="", encoding="utf-8")
        self._writer = csv.DictWriter(self._file, list(fields))
        self._writer.writeheader()

    def write(self, row: dict) -> None:
        self._writer.writerow(row)
        self.rows += 1

    def close(self) -> None:
        self._file.close()


def _arrow_type(field: str):
    """int64 for ids, years and counts; float64 for figures (`value`, every wide cell); else string."""
    import pyarrow as pa
    if field in _INTEGER_FIELDS:
        return pa.int64()
    if field == "value" or field not in (*FLAT_FIELDS, *STATS_FIELDS, *WIDE_LEADING_FIELDS, *PANEL_LEADING_FIELDS):
        return pa.float64()
    return pa.string()


class _ParquetTable:
    BATCH = 500

    def __init__(self, path: Path, fields: Iterable[str]):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path, self.rows, self._batch = path, 0, []
        self._schema = pa.schema([(f, _arrow_type(f)) for f in fields])
        self._writer = pq.ParquetWriter(path, self._schema)

    def write(self, row: dict) -> None:
        self._batch.append(row)
        self.rows += 1
        if len(self._batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        self._writer.write_table(pa.Table.from_pylist(self._batch, self._schema))
        self._batch = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def export(fmt: str, out: str, database_url: str | None = None, *, province: str | None = None,
           since: int | None = None, until: int | None = None, stats: str = "long",
           portals=None) -> list[tuple[str, int]]:
    """Write the stored reports (those of `province` and report years `since`…`until`); returns
    (path, rows written) per file. `portals` defaults to the registry."""
    if stats not in STATS_LAYOUTS:
        raise ValueError(f"unknown stats layout {stats!r} (one of {', '.join(STATS_LAYOUTS)})")
    if fmt not in ("jsonl", "csv", "parquet"):
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "jsonl" and stats == "wide":
        raise ValueError("--stats wide is for csv and parquet; jsonl nests the stats in each report")
    if out == "-" and fmt != "jsonl":
        raise ValueError(f"--out - (standard output) is for jsonl only, not {fmt}")
    if portals is None:
        from crawler.registry import load_portals
        portals = load_portals()
    rfilter = report_filter(province, since, until, portals)
    provinces = portal_provinces(portals)
    db.upgrade_schema(database_url)
    engine = db.make_engine(database_url)
    try:
        with db.session_factory(engine)() as session:
            if fmt == "jsonl":
                return [_jsonl(session, out, rfilter)]
            path = Path(out)
            path.parent.mkdir(parents=True, exist_ok=True)
            table = _CsvTable if fmt == "csv" else _ParquetTable
            return _tabular(session, path, table, rfilter, stats, provinces)
    finally:
        engine.dispose()


def _jsonl(session, out: str, rfilter: ReportFilter) -> tuple[str, int]:
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")
    count = 0
    try:
        for report in _reports(session, rfilter):
            stream.write(json.dumps(report_dict(report), ensure_ascii=False) + "\n")
            count += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    return ("<stdout>" if out == "-" else out, count)


def _tabular(session, path: Path, table, rfilter: ReportFilter, layout: str,
             provinces: dict[str, str]) -> list[tuple[str, int]]:
    reports_out = table(path, FLAT_FIELDS)
    if layout == "long":
        stats_out = {"long": table(stats_path(path), STATS_FIELDS)}
    else:
        stats_out = {fmt: table(wide_path(path, fmt), (*WIDE_LEADING_FIELDS, *columns))
                     for fmt, columns in wide_columns(session, rfilter).items()}
    try:
        for report in _reports(session, rfilter):
            reports_out.write(_flat(report, provinces))
            if layout == "long":
                for row in _stat_rows(report):
                    stats_out["long"].write(row)
            else:
                for fmt, row in wide_rows(report, provinces).items():
                    stats_out[fmt].write(row)
    finally:
        for t in (reports_out, *stats_out.values()):
            t.close()
    return [(str(t.path), t.rows) for t in (reports_out, *stats_out.values())]


# ---------------------------------------------------------------- the panel: one row per body and year

def _table_cells(report: db.ReportRow) -> int:
    return sum(1 for s in report.stats if s.group != SENTENCE_GROUP)


def panel_row(body: db.Body, reports: list[db.ReportRow]) -> dict:
    """The panel row of one body's reports of one year (see the module docstring)."""
    report = min(reports, key=lambda r: (-_table_cells(r), r.id))
    return {
        "body_id": body.id, "body_name": body.name, "canonical_name": body.canonical_name, "kind": body.kind,
        "level": body.level, "province": body.province, "prefecture": body.prefecture, "county": body.county,
        "division_code": body.division_code, "report_year": report.report_year, "report_id": report.id,
        "reports": len(reports), "format": report_format(report.stats), "title": report.title,
        "publisher": report.publisher,
        **{name: _number(value) for name, value in panel_figures(report.stats).items()},
        "checks_failed": len(report.checks),
        "year_checks_failed": sum(1 for c in report.checks if c.other_report_id is not None),
    }


def panel_rows(session, rfilter: ReportFilter) -> Iterator[dict]:
    """Rows in (body id, report year) order; reports without a body or a report year have none."""
    query = (select(db.ReportRow).where(db.ReportRow.body_id.is_not(None), db.ReportRow.report_year.is_not(None))
             .order_by(db.ReportRow.body_id, db.ReportRow.report_year, db.ReportRow.id)
             .options(selectinload(db.ReportRow.stats), selectinload(db.ReportRow.checks)))
    group: list[db.ReportRow] = []
    for report in session.scalars(rfilter.where(query).execution_options(yield_per=200)):
        if group and (group[0].body_id, group[0].report_year) != (report.body_id, report.report_year):
            yield panel_row(session.get(db.Body, group[0].body_id), group)
            group = []
        group.append(report)
    if group:
        yield panel_row(session.get(db.Body, group[0].body_id), group)


def export_panel(fmt: str, out: str, database_url: str | None = None, *, province: str | None = None,
                 since: int | None = None, until: int | None = None, portals=None) -> list[tuple[str, int]]:
    """Write the panel (csv or parquet) to `out`; reports not yet linked to a body are linked first
    (pipelines.db.link_reports). Returns [(path, rows written)]."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"--panel is written as csv or parquet, not {fmt}")
    if out == "-":
        raise ValueError("--panel needs a file (--out PATH), not standard output")
    if portals is None:
        from crawler.registry import load_portals
        portals = load_portals()
    rfilter = report_filter(province, since, until, portals)
    db.upgrade_schema(database_url)
    engine = db.make_engine(database_url)
    try:
        factory = db.session_factory(engine)
        with factory() as session:
            db.link_reports(session)
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        table = (_CsvTable if fmt == "csv" else _ParquetTable)(path, PANEL_FIELDS)
        try:
            with factory() as session:
                for row in panel_rows(session, rfilter):
                    table.write(row)
        finally:
            table.close()
        return [(str(table.path), table.rows)]
    finally:
        engine.dispose()
