"""`export --format csv|jsonl|parquet --out PATH`.

jsonl: one report per line with every CONTRACT.md field (stats, checks and attachments nested).
csv / parquet: one row per report (flat columns), and beside it a long-format stats file
(`PATH` with `.stats` before the suffix: one row per cell, linked by report id and URL).
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crawler.items import REPORT_FIELDS
from pipelines import db

FLAT_FIELDS = ("id", "url", "other_urls", "portal_id", "title", "index_no", "publisher", "published_on",
               "written_on", "signed_by", "doc_no", "topic", "keywords", "report_year", "version",
               "stats_cells", "checks_failed", "attachments", "body_text")
STATS_FIELDS = ("report_id", "report_url", "section", "group", "item", "column", "unit", "value")


def report_dict(report: db.Report) -> dict:
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


def _reports(session) -> Iterator[db.Report]:
    query = (select(db.Report).order_by(db.Report.id)
             .options(selectinload(db.Report.stats), selectinload(db.Report.checks),
                      selectinload(db.Report.attachments), selectinload(db.Report.urls)))
    yield from session.scalars(query.execution_options(yield_per=200))


def _flat(report: db.Report) -> dict:
    return {
        "id": report.id, "url": report.url,
        "other_urls": " ".join(u.url for u in report.urls if u.url != report.url),
        **{k: getattr(report, k) for k in ("portal_id", "title", "index_no", "publisher", "published_on",
                                           "written_on", "signed_by", "doc_no", "topic", "keywords",
                                           "report_year", "version", "body_text")},
        "stats_cells": len(report.stats), "checks_failed": len(report.checks),
        "attachments": json.dumps([a.url for a in report.attachments], ensure_ascii=False),
    }


def _stat_rows(report: db.Report) -> Iterator[dict]:
    for s in report.stats:
        yield {"report_id": report.id, "report_url": report.url, "section": s.section, "group": s.group,
               "item": s.item, "column": s.column, "unit": s.unit, "value": s.value}


def stats_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.stats{out.suffix}")


def export(fmt: str, out: str, database_url: str | None = None) -> list[tuple[str, int]]:
    db.upgrade_schema(database_url)
    engine = db.make_engine(database_url)
    try:
        with db.session_factory(engine)() as session:
            if fmt == "jsonl":
                return [_jsonl(session, out)]
            if out == "-":
                raise ValueError(f"--out - (standard output) is for jsonl only, not {fmt}")
            path = Path(out)
            path.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "csv":
                return _csv(session, path)
            if fmt == "parquet":
                return _parquet(session, path)
            raise ValueError(f"unknown export format {fmt!r}")
    finally:
        engine.dispose()


def _jsonl(session, out: str) -> tuple[str, int]:
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")
    count = 0
    try:
        for report in _reports(session):
            stream.write(json.dumps(report_dict(report), ensure_ascii=False) + "\n")
            count += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    return ("<stdout>" if out == "-" else out, count)


def _csv(session, path: Path) -> list[tuple[str, int]]:
    spath = stats_path(path)
    n_reports = n_stats = 0
    with open(path, "w", newline="", encoding="utf-8") as fr, open(spath, "w", newline="", encoding="utf-8") as fs:
        reports_out = csv.DictWriter(fr, FLAT_FIELDS)
        stats_out = csv.DictWriter(fs, STATS_FIELDS)
        reports_out.writeheader()
        stats_out.writeheader()
        for report in _reports(session):
            reports_out.writerow(_flat(report))
            n_reports += 1
            for row in _stat_rows(report):
                stats_out.writerow(row)
                n_stats += 1
    return [(str(path), n_reports), (str(spath), n_stats)]


def _parquet(session, path: Path) -> list[tuple[str, int]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    report_schema = pa.schema([(f, pa.int64() if f in ("id", "report_year", "version", "stats_cells", "checks_failed")
                                else pa.string()) for f in FLAT_FIELDS])
    stats_schema = pa.schema([("report_id", pa.int64()), ("report_url", pa.string()), ("section", pa.string()),
                              ("group", pa.string()), ("item", pa.string()), ("column", pa.string()),
                              ("unit", pa.string()), ("value", pa.float64())])
    spath = stats_path(path)
    n_reports = n_stats = 0
    with pq.ParquetWriter(path, report_schema) as rw, pq.ParquetWriter(spath, stats_schema) as sw:
        batch, sbatch = [], []
        for report in _reports(session):
            batch.append(_flat(report))
            sbatch.extend(_stat_rows(report))
            if len(batch) >= 500:
                rw.write_table(pa.Table.from_pylist(batch, report_schema))
                sw.write_table(pa.Table.from_pylist(sbatch, stats_schema))
                n_reports += len(batch)
                n_stats += len(sbatch)
                batch, sbatch = [], []
        rw.write_table(pa.Table.from_pylist(batch, report_schema))
        sw.write_table(pa.Table.from_pylist(sbatch, stats_schema))
        n_reports += len(batch)
        n_stats += len(sbatch)
    return [(str(path), n_reports), (str(spath), n_stats)]
