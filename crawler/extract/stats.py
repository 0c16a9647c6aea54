"""Statistics cells read from a report's tables (and, failing those, its sentences).

`extract_stats(text, tables)` returns one dict per cell, keys exactly
`section, group, item, column, unit, value` (CONTRACT.md). Each table is
recognised by the labels it prints, never by its position on the page, and read
by the parser of its format:

- 2019 template (国办公开办函〔2019〕60号 and its 2021 revision):
  part 二 → section `主动公开`, group = the article row (`第二十条第（一）项`),
  item = the row label (`规章`), column = the column header of its block;
  part 三 → section `依申请公开`, item = the row path joined with `/`
  (`三、本年度办理结果/（三）不予公开/1.属于国家秘密`), column = the applicant path
  (`自然人`, `法人或其他组织/商业企业`, `总计`);
  part 四 → section `复议诉讼`, item `行政复议` / `行政诉讼/未经复议直接起诉` /
  `行政诉讼/复议后起诉`, column = the result (`结果维持` … `总计`).
- Before 2019 (`统计指标 | 单位 | 统计数`, also headerless, and the 4-column
  `指标名称 | 计量单位 | 2012年度 | 历年累计`): section = the current `一、…` row
  with its ordinal removed (`主动公开情况`, `依申请公开情况`), None where the table
  has no such rows; group = the `（一）…` row a numbered or `其中` row sits under
  (`(一)收到申请数` for `1.当面申请数`), else None; item = the printed label; column = the printed
  figure header (`统计数`, `2012年度`, `历年累计`), None when the table prints no
  header; unit from the unit column. Rows that carry neither unit nor figure are
  headings and give no cell.
- Any other table with figures (seed 002's channel table): a table with one
  figure row reads across (item = the column header `政府网站`, column = the row
  label `数量`); a taller table reads down (item = row label, column = header).
  section = its caption when that is short, else None.
- Figures stated only in sentences (`政府网站公开政府信息数4850条`) are read only
  when no table gave a figure (`sentences.sentence_stats`): group `正文`, item =
  the words before the number back to the last punctuation, unit = the unit
  after it. Dates, years, percentages and phone numbers are never read. Where a
  report has tables, `stats` stays "every cell of every statistics table"
  (CONTRACT.md): the figures its sentences state beside the tables are read by
  `checks.check_text` for the `text.*` rules and are not emitted as cells.

Values are read by `numbers.split_value`; a blank cell is None. The unit is the
unit column (pre-2019), a unit printed in a header (`（单位：万元）`) or glued to
the figure (`75394432.52元`), else None.
"""
from __future__ import annotations

import re

from crawler.extract.numbers import UNITS, clean_cell_text, is_figure_or_blank, split_value
from crawler.extract.sentences import sentence_stats
from crawler.extract.tables import ORDINAL, Table

SECTION_ACTIVE = "主动公开"
SECTION_REQUESTS = "依申请公开"
SECTION_APPEALS = "复议诉讼"

_ARTICLE = re.compile(r"第二十条第[（(][一二三四五六七八九十]+[)）]项")
_HEADER_UNIT = re.compile(r"单位[:：]\s*(" + "|".join(UNITS) + r")")
_LEVEL_PATTERNS = (
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(][一二三四五六七八九十-]+[)）]"),
    re.compile(r"^\d+[.、．]"),
)
_REQUEST_NOTES = ("本列数据", "勾稽", "申请人情况")
_APPEAL_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def _cell(section, group, item, column, unit, value) -> dict:
    return {"section": section, "group": group, "item": item, "column": column,
            "unit": unit, "value": value}


def _dedupe(labels: list[str]) -> list[str]:
    """Non-empty labels, consecutive repeats (a merged cell read twice) removed."""
    out: list[str] = []
    for label in labels:
        if label and (not out or out[-1] != label):
            out.append(label)
    return out


def _read(text: str) -> tuple[int | float | None, str | None]:
    try:
        return split_value(text)
    except ValueError:
        return None, None


def _header_unit(label: str) -> str | None:
    match = _HEADER_UNIT.search(label or "")
    return match.group(1) if match else None


def _level(label: str) -> int | None:
    for level, pattern in enumerate(_LEVEL_PATTERNS):
        if pattern.match(label):
            return level
    return None


# ---------------------------------------------------------------- 2019 part 二

def _is_part2(table: Table) -> bool:
    return any(_ARTICLE.fullmatch(cell) for cell in table.cells())


def _parse_part2(table: Table) -> list[dict]:
    cells: list[dict] = []
    group = None
    columns: list[tuple[int, str]] = []
    for row in table.rows:
        labels = _dedupe(row)
        if len(labels) == 1 and _ARTICLE.fullmatch(labels[0]):
            group, columns = labels[0], []
            continue
        if row and row[0] == "信息内容":
            columns = []
            for pos in range(1, len(row)):
                if row[pos] and row[pos] != row[pos - 1]:
                    columns.append((pos, row[pos]))
            continue
        if not columns or not row[0] or is_figure_or_blank(row[0]):
            continue
        for pos, column in columns:
            value, glued_unit = _read(row[pos] if pos < len(row) else "")
            cells.append(_cell(SECTION_ACTIVE, group, row[0], column,
                               _header_unit(column) or glued_unit, value))
    return cells


# ---------------------------------------------------------------- 2019 part 三

def _is_part3(table: Table) -> bool:
    text = table.text()
    return "自然人" in text and "总计" in text and ("本年新收" in text or "本年度办理结果" in text)


def _part3_columns(header_rows: list[list[str]]) -> list[str]:
    """Applicant paths (自然人, 法人或其他组织/商业企业, …, 总计) from the header rows."""
    def useful(cell: str) -> bool:
        return bool(cell) and not any(note in cell for note in _REQUEST_NOTES)

    top_index = next((i for i, row in enumerate(header_rows) if "自然人" in row), None)
    if top_index is None:
        return []
    top_row = header_rows[top_index]
    top = _dedupe([c if useful(c) else "" for c in top_row])
    sub_row = header_rows[top_index + 1] if top_index + 1 < len(header_rows) else []
    subs = [c for c in _dedupe([c if useful(c) else "" for c in sub_row]) if c not in top]
    parent = None
    if subs:
        first = sub_row.index(subs[0])
        for pos in range(min(first, len(top_row) - 1), -1, -1):
            if useful(top_row[pos]):
                parent = top_row[pos]
                break
    columns = []
    for label in top:
        if label == parent:
            columns.extend(f"{parent}/{sub}" for sub in subs)
        else:
            columns.append(label)
    return columns


def _row_paths(rows: list[list[str]], n_values: int):
    """(row, item path) for each figure row, the path rebuilt from the ordinal levels."""
    stack: list[str] = []
    for row in rows:
        labels = _dedupe([c if not is_figure_or_blank(c) else "" for c in row[:-n_values]])
        if not labels:
            continue
        deepest = None
        for label in labels:
            level = _level(label)
            if level is None:
                level = (deepest + 1) if deepest is not None else len(stack)
            stack = stack[:level] + [""] * (level - len(stack)) + [label]
            deepest = level
        yield row, "/".join(label for label in stack[: deepest + 1] if label)


def _parse_part3(table: Table) -> list[dict]:
    first_data = next((i for i, row in enumerate(table.rows)
                       if _level(_dedupe(row)[0] if _dedupe(row) else "") == 0
                       and "本年新收" in _dedupe(row)[0]), None)
    if first_data is None:
        return []
    columns = _part3_columns(table.rows[:first_data])
    if not columns:
        return []
    n = len(columns)
    cells = []
    for row, item in _row_paths(table.rows[first_data:], n):
        if len(row) < n + 1 or not all(is_figure_or_blank(c) for c in row[-n:]):
            continue
        for column, text in zip(columns, row[-n:], strict=True):
            value, unit = _read(text)
            cells.append(_cell(SECTION_REQUESTS, None, item, column, unit, value))
    return cells


# ---------------------------------------------------------------- 2019 part 四

def _is_part4(table: Table) -> bool:
    text = table.text()
    return "行政复议" in text and "行政诉讼" in text and ("结果维持" in text or "尚未审结" in text)


def _parse_part4(table: Table) -> list[dict]:
    value_row = None
    header_rows = []
    for row in table.rows:
        if len(row) >= 5 and sum(1 for c in row if c) and all(is_figure_or_blank(c) for c in row[-5:]) \
                and not any(c and not is_figure_or_blank(c) for c in row):
            value_row = row
            break
        header_rows.append(row)
    if value_row is None:
        return []
    labels = _dedupe([c for row in header_rows for c in row])
    groups = [label for label in labels if label in ("行政复议", "行政诉讼")]
    subs = [label for label in labels if "起诉" in label]
    results: list[str] = []
    for label in labels:
        if label not in groups and label not in subs and label not in results:
            results.append(label)
    items = []
    if "行政复议" in groups:
        items.append("行政复议")
    if "行政诉讼" in groups:
        items.extend(f"行政诉讼/{sub}" for sub in subs) if subs else items.append("行政诉讼")
    figures = [c for c in value_row]
    n = len(items) * len(results)
    if not n or len(figures) < n:
        return []
    cells = []
    for k, text in enumerate(figures[-n:]):
        value, unit = _read(text)
        cells.append(_cell(SECTION_APPEALS, None, items[k // len(results)],
                           results[k % len(results)], unit, value))
    return cells


# ---------------------------------------------------------------- before 2019

def _is_pre2019(table: Table) -> bool:
    header = table.rows[0]
    if any(c in ("统计指标", "指标名称") for c in header) and any("单位" in c for c in header):
        return True
    if table.width < 3:
        return False
    with_unit = sum(1 for row in table.rows if row[1] in UNITS)
    return with_unit >= max(2, len(table.rows) // 2)


def _strip_ordinal(label: str) -> str:
    return ORDINAL.sub("", label).strip()


def _parse_pre2019(table: Table) -> list[dict]:
    rows = table.rows
    header = rows[0] if any(c in ("统计指标", "指标名称") for c in rows[0]) else None
    unit_pos = next((i for i, c in enumerate(header) if "单位" in c), 1) if header else 1
    value_positions = [i for i in range(unit_pos + 1, table.width)]
    section = parent = None
    cells = []
    for row in rows[1:] if header else rows:
        label = row[0]
        if not label or is_figure_or_blank(label):
            continue
        unit = row[unit_pos] if row[unit_pos] in UNITS else None
        # a heading row merged across the table repeats its label in the figure cells
        texts = ["" if i >= len(row) or row[i] == label else row[i] for i in value_positions]
        level = _level(label)
        if level == 0:
            section, parent = _strip_ordinal(label), None
        group = parent if level not in (0, 1) else None
        if level == 1:
            parent = label
        if unit is None and all(not t for t in texts):
            continue                        # a heading row: no figure
        for pos, text in zip(value_positions, texts, strict=True):
            if header is not None and not header[pos]:
                continue
            value, glued_unit = _read(text)
            column = header[pos] if header else None
            cells.append(_cell(section, group, label, column, unit or glued_unit, value))
    return cells


# ---------------------------------------------------------------- other tables

def _parse_adhoc(table: Table) -> list[dict]:
    header, body = table.rows[0], table.rows[1:]
    if not body or any(is_figure_or_blank(c) for c in header[1:] if c) or not any(header[1:]):
        return []
    figure_rows = [row for row in body if row[0] and not is_figure_or_blank(row[0])
                   and all(is_figure_or_blank(c) for c in row[1:]) and any(row[1:])]
    if len(figure_rows) != len(body):
        return []
    section = table.caption if 0 < len(table.caption) <= 30 else None
    across = len(figure_rows) == 1
    cells = []
    for row in figure_rows:
        for pos in range(1, len(row)):
            if not header[pos]:
                continue
            value, unit = _read(row[pos])
            item, column = (header[pos], row[0]) if across else (row[0], header[pos])
            cells.append(_cell(section, None, item, column, unit or _header_unit(header[pos]), value))
    return cells


# ---------------------------------------------------------------- entry point

_PARSERS = (
    (_is_pre2019, _parse_pre2019),
    (_is_part2, _parse_part2),
    (_is_part3, _parse_part3),
    (_is_part4, _parse_part4),
)


def stats_from_table(table: Table) -> list[dict]:
    """The cells of one table, by the parser of the first format it matches."""
    if len(table.rows) < 2 or table.width < 2:
        return []
    for recognises, parse in _PARSERS:
        if recognises(table):
            return parse(table)
    return _parse_adhoc(table)


def extract_stats(text: str, tables: list[Table]) -> list[dict]:
    """Every cell of every statistics table, or the figures stated in sentences when none."""
    cells = [cell for table in tables for cell in stats_from_table(table)]
    if cells:
        return cells
    return sentence_stats(clean_cell_text(text) if "\n" not in (text or "") else text)
