"""The data dictionary: `python -m crawler.datadict > docs/DATA_DICTIONARY.md`.

Generated, never written by hand: the tables and columns come from the SQLAlchemy models
(pipelines/db.py), the export files' columns from pipelines/export.py, the units from
crawler/extract/numbers.py and the check rules from the RULES registries of crawler/extract/checks.py
and years.py.
What a column means is said once, here (`COLUMN_DOCS`, `EXPORT_DOCS`); a column without a
description is printed as `UNDESCRIBED` and fails the test that keeps the committed file current.
"""
from __future__ import annotations

import re
import sys

UNDESCRIBED = "UNDESCRIBED"
DATE = "YYYY-MM-DD"
UTC = "UTC timestamp"

TABLE_DOCS = {
    "reports": "One row per report, whatever the URLs it was seen under (see `report_urls`).",
    "report_urls": "Every URL a report was seen under (the first, reposts, other portals), with its HTTP validators.",
    "report_versions": "The raw page of each version of a report, for re-parsing without refetching.",
    "stats": "Every cell of every statistics table of a report (and, without a table, figures read from sentences).",
    "checks": "The consistency rules a report's own figures break, and those it breaks against the same body's "
              "report of the year before (`year.*`, with `other_report_id`; see *Check rules*).",
    "bodies": "One row per reporting body: a region and a canonical name, whatever names its reports print "
              "(crawler/registry/bodies.py; aliases in crawler/registry/body_aliases.toml).",
    "attachments": "The documents (PDF, DOCX, XLS…) linked from a report page.",
    "portals": "What the crawler learnt about each registry portal (the registry itself is crawler/registry/*.toml).",
    "report_columns": "The annual-report columns (年报栏目) of each portal, found by discovery or registered; "
                      "nightly runs crawl them without rediscovering the portal.",
    "runs": "One row per crawl run.",
    "failures": "Every URL a run could not turn into a report, and why.",
}

# table -> SQL column -> (meaning, unit)
COLUMN_DOCS: dict[str, dict[str, tuple[str, str]]] = {
    "reports": {
        "id": ("Report id; `report_id` in the other tables and export files.", ""),
        "url": ("The URL the report was first stored from.", ""),
        "portal_id": ("Registry portal id (`python -m crawler portals`); `url:…` for a crawl of a bare listing URL; "
                      "null for a page parsed from a file.", ""),
        "title": ("The report's title.", ""),
        "index_no": ("索引号 of the page's metadata header.", ""),
        "publisher": ("发布机构 (or its equivalent label) of the page's metadata header.", ""),
        "published_on": ("发布日期 / 发布时间 / 公开日期 / 生成日期.", DATE),
        "written_on": ("成文日期, or else the date under the signature at the end.", DATE),
        "signed_by": ("The body named in the signature at the end of the report.", ""),
        "doc_no": ("文号.", ""),
        "topic": ("主题分类.", ""),
        "keywords": ("关键词.", ""),
        "validity": ("有效性 of the metadata header, as printed.", ""),
        "report_year": ("The year the report covers (not the year it was published).", "year"),
        "body_text": ("The report's text without the portal's navigation, header or footer.", ""),
        "body_hash": ("sha256 of the body text with all white space removed.", "hex"),
        "version": ("How many versions of the report have been stored (1 = never revised).", "count"),
        "publisher_key": ("Who the report is by, for identity: `signed_by`, else `publisher`.", ""),
        "minhash": ("MinHash signature of the body (datasketch LeanMinHash, serialised) for near-copy detection.",
                    "bytes"),
        "similarity_prev_year": ("Estimated Jaccard similarity of the body to the same publisher's report of "
                                 "the previous year; null when there is none.", "0–1"),
        "province": ("Province the report is from, read from its publisher, signature or title (cpca), "
                     "else its registry portal's.", ""),
        "prefecture": ("Prefecture (地级) the report is from, as for `province`; null when not known.", ""),
        "county": ("County (县级) the report is from, as for `province`; null when not known.", ""),
        "division_code": ("GB/T 2260 code of the smallest region recognised.", "6 digits"),
        "first_seen": ("When the report was first stored.", UTC),
        "last_seen": ("When the report was last seen by a crawl.", UTC),
        "body_id": ("The reporting body (`bodies.id`); null until linked (reports stored before migration 0006 are "
                    "linked when next stored, or by `python -m crawler bodies`, `export --panel`, `report`).", ""),
    },
    "report_urls": {
        "id": ("Row id.", ""),
        "report_id": ("The report (`reports.id`).", ""),
        "url": ("A URL the report was seen under.", ""),
        "portal_id": ("The portal the URL was found on.", ""),
        "etag": ("The ETag the server sent (for conditional requests).", ""),
        "last_modified": ("The Last-Modified header the server sent, as sent.", ""),
        "content_hash": ("`body_hash` of the report as read from this URL.", "hex"),
        "raw_hash": ("sha256 of the page bytes as served.", "hex"),
        "fetched_at": ("When the URL was last fetched.", UTC),
    },
    "report_versions": {
        "id": ("Row id.", ""),
        "report_id": ("The report (`reports.id`).", ""),
        "version": ("Version number, 1 upwards.", "count"),
        "url": ("The URL this version was read from.", ""),
        "fetched_at": ("When this version was fetched.", UTC),
        "body_hash": ("`body_hash` of this version.", "hex"),
        "encoding": ("The character encoding the page was decoded with.", ""),
        "raw_html_z": ("The page bytes as served, zlib-compressed.", "bytes"),
    },
    "stats": {
        "id": ("Row id (the order the cells were read in).", ""),
        "report_id": ("The report (`reports.id`).", ""),
        "section": ("The table or part the cell belongs to (see *Statistics cells*).", ""),
        "grp": ("`group`: the row the cell's row sits under; `正文` for a figure read from a sentence.", ""),
        "item": ("The row label as printed, nested labels joined with `/`.", ""),
        "col": ("`column`: the column header as printed, nested headers joined with `/`; null where none.", ""),
        "unit": ("The unit printed for the figure (see *Units*); null where the table prints none.", ""),
        "value": ("The figure; null for a blank cell.", "`unit`"),
    },
    "checks": {
        "id": ("Row id.", ""),
        "report_id": ("The report (`reports.id`).", ""),
        "rule": ("The rule broken (see *Check rules*).", ""),
        "expected": ("What the figure's parts add up to (or the table's figure, for `text.vs_table`).", "`unit`"),
        "found": ("The figure the report prints.", "`unit`"),
        "message": ("The figures involved, in words; a `year.*` check names the earlier report.", ""),
        "other_report_id": ("`year.*` checks: the same body's report of the year before whose figures the report "
                            "contradicts (`reports.id`); null for a report's own checks.", ""),
    },
    "bodies": {
        "id": ("Body id; `body_id` in `reports` and the panel export.", ""),
        "key": ("What makes a body one: `<GB/T 2260 code>|<canonical name>`; without a region "
                "`portal:<id>|…` (or `report:<url>|…`), so that unplaced names are never merged.", ""),
        "division_code": ("GB/T 2260 code of the body's region: the region its name names (cpca), else its "
                          "reports'.", "6 digits"),
        "province": ("The province of the body's region.", ""),
        "prefecture": ("The prefecture (地级) of the body's region; null when not known.", ""),
        "county": ("The county (县级) of the body's region; null when not known or above county level.", ""),
        "name": ("The body's name as first printed: the subject of a report title (南山区), else the signature, "
                 "else 发布机构.", ""),
        "canonical_name": ("The name without its region, white space and alias spellings (市府办 → 人民政府办公室; "
                           "a region alone → 人民政府); see crawler/extract/names.py.", ""),
        "level": ("`province`, `prefecture`, `county` (from the code) or `township`.", ""),
        "kind": ("`government`, `office`, `department` or `township`.", ""),
        "first_seen": ("When a report of the body was first stored.", UTC),
    },
    "attachments": {
        "id": ("Row id.", ""),
        "report_id": ("The report (`reports.id`).", ""),
        "url": ("The document's URL.", ""),
        "name": ("The link text or the served file name.", ""),
        "media_type": ("The document's type, as sniffed from its bytes.", "MIME type"),
        "size": ("The document's size.", "bytes"),
        "sha256": ("sha256 of the document's bytes.", "hex"),
        "path": ("Where the document is stored, under the files store, named by its sha256.", ""),
        "status": ("`ok`, or why the document was not read (`refused: …`, a download error).", ""),
    },
    "portals": {
        "id": ("Registry portal id.", ""),
        "verified": ("A crawl of the portal has found reports.", "boolean"),
        "last_success_at": ("When a crawl last found reports on it.", UTC),
        "family": ("The CMS family its listings were walked with (crawler/families).", ""),
        "home_url": ("The home page discovery started from, after redirects (another `.gov.cn` platform of the "
                     "same region is followed and recorded here).", ""),
        "discovered_at": ("When discovery last walked the portal for its annual-report columns.", UTC),
        "needs_discovery": ("A remembered column failed (404, no report link, redirected home): the next run "
                            "rediscovers the portal.", "boolean"),
        "last_crawl_at": ("When a crawl last reached the portal.", UTC),
        "last_outcome": ("One line: what the last crawl of the portal gave (reports found, or the failure).", ""),
    },
    "report_columns": {
        "id": ("Column id.", ""),
        "portal_id": ("Registry portal id.", ""),
        "url": ("The column's first listing page.", ""),
        "family": ("The CMS family detected on it (crawler/families).", ""),
        "title": ("The column's name as the portal labels it (e.g. 政府信息公开年报).", ""),
        "department": ("The department or township whose column it is; null for the government's own.", ""),
        "found_via": ("The page whose link led discovery to the column; null for a registered listing.", ""),
        "found_at": ("When the column was first found.", UTC),
        "last_success_at": ("When a crawl last read report links from it.", UTC),
        "last_error": ("Why the last crawl of the column failed (404, no report link, redirected home).", ""),
        "last_error_at": ("When it failed.", UTC),
        "reports_seen": ("Report links read from it by the last successful crawl.", "count"),
        "active": ("False once it failed: the next run rediscovers the portal instead of crawling it.", "boolean"),
    },
    "runs": {
        "id": ("Run number (`python -m crawler failures --run N`).", ""),
        "started_at": ("When the crawl started.", UTC),
        "finished_at": ("When it finished; null while running or after a hard kill.", UTC),
        "mode": ("`nightly` (incremental) or `full`.", ""),
        "portals": ("The portal ids crawled, comma-separated.", ""),
        "finish_reason": ("Scrapy's finish reason (`finished`, `shutdown`, …).", ""),
        "pages_fetched": ("Responses received.", "count"),
        "not_modified": ("Responses `304 Not Modified`.", "count"),
        "new_reports": ("Reports stored for the first time.", "count"),
        "changed_reports": ("Known reports stored as a new version.", "count"),
        "duplicates": ("Known reports seen under another URL.", "count"),
        "dropped": ("Pages dropped by validation (no title, outside the year range, …).", "count"),
        "failures": ("Failure rows recorded.", "count"),
        "stats_json": ("Scrapy's crawl statistics (numbers and strings).", "JSON"),
    },
    "failures": {
        "id": ("Row id.", ""),
        "run_id": ("The run (`runs.id`).", ""),
        "portal_id": ("The portal the URL belongs to.", ""),
        "url": ("The URL that failed.", ""),
        "status": ("HTTP status, when there was a response.", "HTTP status"),
        "exception": ("The exception's type and message, when one was raised.", ""),
        "retries": ("Retries before giving up.", "count"),
        "reason": ("Why the URL gave no report, in words.", ""),
        "at": ("When it failed.", UTC),
    },
}

# export-file columns that are not a `reports` / `stats` column of the same name
EXPORT_DOCS: dict[str, tuple[str, str]] = {
    "other_urls": ("The report's other URLs (`report_urls`), space-separated.", ""),
    "province": ("The province of the report (its own region, else its registry portal's).", ""),
    "prefecture": ("The prefecture of the report, read from the report; empty when not known.", ""),
    "county": ("The county of the report, read from the report; empty when not known.", ""),
    "division_code": ("GB/T 2260 code of the smallest region recognised in the report.", "6 digits"),
    "stats_cells": ("How many statistics cells the report has.", "count"),
    "checks_failed": ("How many check rules its figures break.", "count"),
    "attachments": ("The attachment URLs, as a JSON list (jsonl: a list of {url, name, media_type, sha256}).", ""),
    "report_id": ("The report (`reports.id`).", ""),
    "report_url": ("The report's URL (`reports.url`).", ""),
    "group": ("= `stats.grp`.", ""),
    "column": ("= `stats.col`.", ""),
    "stats": ("jsonl only: the report's `stats` rows as a list of {section, group, item, column, unit, value}.", ""),
    "checks": ("jsonl only: the report's `checks` rows as a list of {rule, expected, found, message}.", ""),
}

# panel-file columns (`export --panel`; the figures are read by crawler/extract/panel.py)
_T21 = "2021 template only"
PANEL_DOCS: dict[str, tuple[str, str]] = {
    "body_id": ("The reporting body (`bodies.id`).", ""),
    "body_name": ("`bodies.name`: the body's name as first printed.", ""),
    "canonical_name": ("`bodies.canonical_name`.", ""),
    "kind": ("`bodies.kind`: government, office, department or township.", ""),
    "level": ("`bodies.level`: province, prefecture, county or township.", ""),
    "province": ("`bodies.province`.", ""),
    "prefecture": ("`bodies.prefecture`.", ""),
    "county": ("`bodies.county`.", ""),
    "division_code": ("`bodies.division_code` (GB/T 2260).", "6 digits"),
    "report_year": ("The report year.", "year"),
    "report_id": ("The report the figures are read from (`reports.id`): of the body's reports of the year, the one "
                  "with the most table cells, then the lowest id.", ""),
    "reports": ("How many reports the body has for the year.", "count"),
    "format": ("The report's table format: `2021` (2019 template, 2021 revision), `2019` (its first version), "
               "`pre2019`, or empty (no statistics table).", ""),
    "title": ("The report's title.", ""),
    "publisher": ("The report's 发布机构, as printed.", ""),
    "active_items": ("主动公开政府信息数 / 主动公开信息数 / 主动公开文件数 of the year (not 历年累计); before 2019 only: "
                     "the 2019 template has no total.", "items"),
    "regulations_issued": ("规章 本年制发件数 (2021), 本年新制作数量 (2019/2020).", "documents"),
    "regulations_repealed": ("规章 本年废止件数; " + _T21 + ".", "documents"),
    "regulations_in_force": ("规章 现行有效件数; " + _T21 + " (对外公开总数量 of 2019/2020 is another figure).",
                             "documents"),
    "normative_issued": ("行政规范性文件 本年制发件数 (2021), 规范性文件 本年新制作数量 (2019/2020).", "documents"),
    "normative_repealed": ("行政规范性文件 本年废止件数; " + _T21 + ".", "documents"),
    "normative_in_force": ("行政规范性文件 现行有效件数; " + _T21 + ".", "documents"),
    "licensing_decisions": ("行政许可 (本年)处理决定数量; 2019 template.", "decisions"),
    "penalty_decisions": ("行政处罚 (本年)处理决定数量; 2019 template.", "decisions"),
    "enforcement_decisions": ("行政强制 (本年)处理决定数量; 2019 template.", "decisions"),
    "admin_fees_wan": ("行政事业性收费 本年收费金额; " + _T21 + " (2019/2020 count fee items).", "万元"),
    "requests_new": ("Applications received: 一、本年新收 (总计 column); before 2019 收到申请数 / "
                     "受理依申请公开信息总数.", "applications"),
    "requests_carried_over": ("二、上年结转政府信息公开申请数量 (总计); 2019 template.", "applications"),
    "results_disclosed": ("三、（一）予以公开 (总计); before 2019 同意公开答复数.", "applications"),
    "results_partly": ("三、（二）部分公开 (总计); before 2019 同意部分公开答复数.", "applications"),
    "results_refused": ("三、（三）不予公开, the sum of its rows (总计); before 2019 不同意 / 不予 / 否决公开答复数.",
                        "applications"),
    "results_unavailable": ("三、（四）无法提供, the sum of its rows (总计); 2019 template.", "applications"),
    "results_not_processed": ("三、（五）不予处理, the sum of its rows (总计); 2019 template.", "applications"),
    "results_other": ("三、（六）其他处理 (its row, or from 2021 the sum of its rows; 总计); 2019 template.",
                      "applications"),
    "results_total": ("三、（七）总计 (总计); before 2019 申请答复数 / 对申请的答复总数.", "applications"),
    "requests_carried_forward": ("四、结转下年度继续办理 (总计); 2019 template.", "applications"),
    "review_total": ("行政复议 总计; before 2019 行政复议数(量).", "cases"),
    "review_corrected": ("行政复议 结果纠正; before 2019 its 被依法纠错数.", "cases"),
    "review_pending": ("行政复议 尚未审结; 2019 template.", "cases"),
    "litigation_total": ("行政诉讼 总计, both lines (未经复议直接起诉 + 复议后起诉); before 2019 行政诉讼数(量).", "cases"),
    "litigation_corrected": ("行政诉讼 结果纠正, both lines; before 2019 its 被依法纠错数.", "cases"),
    "disclosure_fees_wan": ("依申请公开信息收取的费用 (fees charged for disclosure); before 2019 only.", "万元"),
    "disclosure_rate": ("公开率 = (results_disclosed + results_partly) ÷ results_total; empty when a part is "
                        "missing or results_total is 0.", "0–1"),
    "review_correction_rate": ("复议纠错率 = review_corrected ÷ (review_total − review_pending), the cases "
                               "concluded; empty when a part is missing or none was concluded.", "0–1"),
    "checks_failed": ("How many check rows the report has (its own rules and `year.*`).", "count"),
    "year_checks_failed": ("How many of them are `year.*` checks against the body's report of the year before.",
                           "count"),
}

_TYPE_NAMES = (("VARCHAR", "text"), ("TEXT", "text"), ("INTEGER", "integer"), ("FLOAT", "number"),
               ("DATETIME", "timestamp"), ("BOOLEAN", "boolean"), ("BLOB", "bytes"), ("JSON", "JSON"))


def _type_name(sql_type) -> str:
    spelled = str(sql_type)
    name = next((plain for prefix, plain in _TYPE_NAMES if spelled.startswith(prefix)), spelled.lower())
    size = re.search(r"\((\d+)\)", spelled)
    return f"{name} (≤ {size.group(1)})" if size else name


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _doc_row(name: str, kind: str, doc: tuple[str, str] | None, extra: str = "") -> str:
    meaning, unit = doc or (UNDESCRIBED, "")
    return f"| `{name}` | {kind}{extra} | {_cell(meaning)} | {_cell(unit) or '—'} |"


# ---------------------------------------------------------------- check rules

def check_rules() -> list[tuple[str, str]]:
    """Every rule of crawler/extract/checks.py and the year-over-year rules of crawler/extract/years.py,
    with what it requires, as their RULES registries declare them."""
    from crawler.extract import checks, years
    return [*checks.RULES.items(), *years.RULES.items()]


# ---------------------------------------------------------------- the document

def _database_tables() -> list[str]:
    from pipelines import db
    lines = ["## Database tables", "",
             "The schema of `DATABASE_URL` (SQLite or PostgreSQL), built by Alembic from pipelines/db.py. "
             "Every `report_id` cascades: deleting a report deletes its rows in the other tables.", ""]
    for table in sorted(db.Base.metadata.tables.values(), key=lambda t: list(TABLE_DOCS).index(t.name)
                        if t.name in TABLE_DOCS else len(TABLE_DOCS)):
        docs = COLUMN_DOCS.get(table.name, {})
        lines += [f"### `{table.name}`", "", TABLE_DOCS.get(table.name, UNDESCRIBED), "",
                  "| column | type | meaning | unit |", "| --- | --- | --- | --- |"]
        for column in table.columns:
            flags = []
            if column.primary_key:
                flags.append("primary key")
            flags += [f"→ `{fk.column.table.name}.{fk.column.name}`" for fk in column.foreign_keys]
            if column.unique:
                flags.append("unique")
            if not column.nullable and not column.primary_key:
                flags.append("not null")
            extra = f"; {', '.join(flags)}" if flags else ""
            lines.append(_doc_row(column.name, _type_name(column.type), docs.get(column.name), extra))
        lines.append("")
    return lines


def _export_doc(name: str) -> tuple[str, str] | None:
    from pipelines import db
    if name in EXPORT_DOCS:
        return EXPORT_DOCS[name]
    column = {"group": "grp", "column": "col"}.get(name, name)
    for table in ("reports", "stats"):
        if column in COLUMN_DOCS[table] and column in db.Base.metadata.tables[table].columns:
            return COLUMN_DOCS[table][column]
    return None


def _export_files() -> list[str]:
    from crawler.items import REPORT_FIELDS
    from pipelines import export

    def table(fields) -> list[str]:
        return ["| column | meaning | unit |", "| --- | --- | --- |"] + [
            "| `{}` | {} | {} |".format(name, *(_cell(x) or "—" for x in (_export_doc(name) or (UNDESCRIBED, ""))))
            for name in fields]

    wide_example = export.WIDE_KEY_SEPARATOR.join(("依申请公开", "三、本年度办理结果/（三）不予公开/1.属于国家秘密", "自然人"))
    return [
        "## Export files", "",
        "`python -m crawler export --format csv|jsonl|parquet --out PATH [--province P] [--since YEAR] "
        "[--until YEAR] [--stats long|wide]`. `--province` keeps the reports of that province's registry "
        "portals (a prefix matches: `黑龙江` for `黑龙江省`); `--since` / `--until` keep report years in range.", "",
        "### jsonl: one report per line (`PATH`)", "", *table(REPORT_FIELDS), "",
        "### csv / parquet: the reports (`PATH`)", "", *table(export.FLAT_FIELDS), "",
        "### csv / parquet, `--stats long` (default): one row per statistics cell (`PATH.stats.csv`)", "",
        *table(export.STATS_FIELDS), "",
        "### csv / parquet, `--stats wide`: one row per report and format "
        f"(`PATH.stats-{'.csv`, `PATH.stats-'.join(export.WIDE_FORMATS)}.csv`)", "",
        "One file per table format: `2019` (the 2019 template: sections "
        f"{', '.join(f'`{s}`' for s in export.SECTIONS_2019)}) and `pre2019` (the `统计指标 | 单位 | 统计数` "
        "tables: cells with a unit). A report has a row in each file it has cells of. The leading columns:", "",
        *table(export.WIDE_LEADING_FIELDS), "",
        "then one column per standard cell found in the exported reports, in the order they first appear, "
        f"named by its non-empty `section`, `group`, `item`, `column` joined with `{export.WIDE_KEY_SEPARATOR}` "
        f"(e.g. `{wide_example}`), holding `value` (empty: no such cell in that report, or a blank cell). "
        "In the names half-width brackets are made full-width and white space is removed; before 2019 the "
        "year's figure (`统计数`, `2012年度`, no header) is the column `统计数`. Sentence figures (`group` "
        "`正文`) and ad-hoc tables are in the long file only.", "",
        *_panel_section(),
    ]


def _panel_section() -> list[str]:
    from pipelines import export
    rows = ["| `{}` | {} | {} |".format(name, *(_cell(x) or "—" for x in PANEL_DOCS.get(name, (UNDESCRIBED, ""))))
            for name in export.PANEL_FIELDS]
    return ["### csv / parquet, `--panel`: one row per reporting body and report year (`PATH`)", "",
            "`python -m crawler export --panel --format csv|parquet --out PATH` (`--province`, `--since`, `--until` "
            "as above). Reports without a body or a report year have no row. The 2019 template's blank cells count "
            "as 0; a figure whose row the report's format does not have is empty (before 2019 only the rows that "
            "mean the same thing are mapped; nothing is estimated).", "",
            "| column | meaning | unit |", "| --- | --- | --- |", *rows, ""]


def _stats_conventions() -> list[str]:
    from crawler.extract.numbers import UNITS
    from crawler.extract.stats import SECTION_ACTIVE, SECTION_APPEALS, SECTION_REQUESTS
    return [
        "## Statistics cells (`stats`)", "",
        "One row per cell of every statistics table. Labels are kept as the report prints them, with their "
        "ordinal markers (`（一）`, `1.`) and full-width brackets.", "",
        f"- **2019 template** (国办公开办函〔2019〕60号 and its 2021 revision): part 二 → section `{SECTION_ACTIVE}`, "
        "`group` = the article row (`第二十条第（一）项`), `item` = the row label (`规章`), `column` = the "
        f"column header (`本年新制作数量`); part 三 → section `{SECTION_REQUESTS}`; part 四 → section "
        f"`{SECTION_APPEALS}`, `item` `行政复议`, `行政诉讼/未经复议直接起诉`, `行政诉讼/复议后起诉`, "
        "`column` the result (`结果维持` … `总计`).",
        "- **Row paths**: where a row label is nested under parent rows (part 三), `item` joins the path "
        "from the outermost label with `/`: `三、本年度办理结果/（三）不予公开/1.属于国家秘密`; `column` "
        "likewise for nested headers: `法人或其他组织/商业企业`. A `/` inside `item` or `column` is always "
        "this separator.",
        "- **Before 2019** (`统计指标 | 单位 | 统计数`): `section` = the `一、…` row without its ordinal "
        "(`主动公开情况`), `group` = the `（一）…` row a numbered or `其中` row sits under, `item` = the printed "
        "label, `column` = the figure header (`统计数`, `2012年度`, `历年累计`) or null.",
        "- **Other tables**: `section` = a short caption or null; a one-row table reads across "
        "(`item` = column header), a taller one down.",
        "- **Sentences**: figures stated only in sentences, when the report has no table: `group` = `正文`, "
        "`item` = the words before the number.",
        "- **value**: a number; null for a blank cell. In the 2019 template a blank cell means 0; before "
        "2019 it means no figure.", "",
        "### Units", "",
        "`unit` is the unit column (before 2019), a unit printed in a header (`（单位：万元）`) or glued to "
        "the figure, else null. The units read: " + ", ".join(f"`{u}`" for u in UNITS) + ". The 2019 template "
        "prints no unit column: its cells count documents, items, applications or cases as the row and "
        "column labels say (amounts in `万元` where the header says so).", "",
    ]


def _check_rules_section() -> list[str]:
    return ["## Check rules (`checks.rule`)", "",
            "Generated from crawler/extract/checks.py. `found` is the figure the report prints, `expected` "
            "what it should be; a broken rule is reported, never fixed.", "",
            "| rule | what must hold |", "| --- | --- |",
            *(f"| `{rule}` | {_cell(text)} |" for rule, text in check_rules()), ""]


def data_dictionary() -> str:
    """The whole document (Markdown)."""
    lines = ["# Data dictionary", "",
             "Generated by `python -m crawler.datadict > docs/DATA_DICTIONARY.md` from the models and the "
             "code; do not edit by hand (tests/test_datadict.py checks it is current).", "",
             "Contents: *Export files*, *Statistics cells* (with *Units*), *Check rules*, *Database tables*.", "",
             *_export_files(), *_stats_conventions(), *_check_rules_section(), *_database_tables()]
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    sys.stdout.write(data_dictionary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
