"""The data dictionary: `python -m crawler.datadict > docs/DATA_DICTIONARY.md`.

Generated, never written by hand: the tables and columns, with what they mean, come from the
SQLAlchemy models (pipelines/db/models.py: each table's and column's `comment=`, a column's unit in
its `info`), the export files' columns from pipelines/export.py (what an export-only column and a
panel column mean is said beside it, in pipelines/export_columns.toml), the units from
crawler/extract/numbers.py and the check rules from the RULES registries of crawler/extract/checks.py
and years.py. A column without a description is
printed as `UNDESCRIBED` and fails the test that keeps the committed file current.
"""
from __future__ import annotations

import re
import sys
import tomllib
from importlib import resources

UNDESCRIBED = "UNDESCRIBED"
DATE = "YYYY-MM-DD"
UTC = "UTC timestamp"
EXPORT_COLUMNS_TOML = "export_columns.toml"   # in the pipelines package, beside export.py

# The order the tables are documented in; what a table and its columns mean is their `comment=`
# (and a column's unit its `info["unit"]`) on the models, pipelines/db/models.py.
TABLE_ORDER = ("reports", "report_urls", "report_versions", "stats", "checks", "bodies", "attachments",
               "portals", "report_columns", "runs", "failures")


def column_doc(column) -> tuple[str, str] | None:
    """A model column's (meaning, unit), as its comment and info say."""
    return (column.comment, column.info.get("unit", "")) if column.comment else None


def _column_docs(*parts: str) -> tuple[dict[str, tuple[str, str]], ...]:
    """{column: (meaning, unit)} of each named table of pipelines/export_columns.toml, read once (as a
    package resource: also inside a zipped egg)."""
    text = resources.files("pipelines").joinpath(EXPORT_COLUMNS_TOML).read_text(encoding="utf-8")
    tables = tomllib.loads(text)
    return tuple({name: (doc["meaning"], doc.get("unit", "")) for name, doc in tables[part].items()}
                 for part in parts)


# what an export column means where no model column of its name says it, and every panel-file column
# (`export --panel`; the figures are read by crawler/extract/panel.py)
EXPORT_DOCS, PANEL_DOCS = _column_docs("export", "panel")

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
             "The schema of `DATABASE_URL` (SQLite or PostgreSQL), built by Alembic from pipelines/db/models.py. "
             "Every `report_id` cascades: deleting a report deletes its rows in the other tables.", ""]
    for table in sorted(db.Base.metadata.tables.values(), key=lambda t: TABLE_ORDER.index(t.name)
                        if t.name in TABLE_ORDER else len(TABLE_ORDER)):
        lines += [f"### `{table.name}`", "", table.comment or UNDESCRIBED, "",
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
            lines.append(_doc_row(column.name, _type_name(column.type), column_doc(column), extra))
        lines.append("")
    return lines


def _export_doc(name: str) -> tuple[str, str] | None:
    from pipelines import db
    if name in EXPORT_DOCS:
        return EXPORT_DOCS[name]
    column = {"group": "grp", "column": "col"}.get(name, name)
    for table in ("reports", "stats"):
        if column in db.Base.metadata.tables[table].columns:
            return column_doc(db.Base.metadata.tables[table].columns[column])
    return None


def _export_files() -> list[str]:
    from crawler.items import REPORT_FIELDS
    from pipelines import export

    def table(fields) -> list[str]:
        return ["| column | meaning | unit |", "| --- | --- | --- |"] + [
            "| `{}` | {} | {} |".format(name, *(_cell(x) or "—" for x in (_export_doc(name) or (UNDESCRIBED, ""))))
            for name in fields]

    wide_example = export.WIDE_KEY_SEPARATOR.join(
        ("依申请公开", "三、本年度办理结果/（三）不予公开/1.属于国家秘密", "自然人"))
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
