"""Seed report text → the HTML body fragment the demo portal serves.

`render_body_html(text)` writes each prose line as `<p>` and each flattened
table (as `tables.text_blocks` finds it) as a real `<table>` that merges cells
the way the printed report does:
- part 三 of the 2019 template: the corner note and 申请人情况 span the header,
  法人或其他组织 spans its five organisation columns, 自然人 and 总计 span two
  header rows; in the body 三、本年度办理结果 and （三）不予公开 … span their
  sub-rows (rowspan) and 一、本年新收 … span the label columns (colspan);
- part 四: 行政复议 / 行政诉讼 and 未经复议直接起诉 / 复议后起诉 span their result
  columns, the first five results span two header rows;
- part 二: the 第二十条… rows span the table;
- everything else (pre-2019 tables, ad-hoc tables): one `<td>` per cell.
Reading the fragment back with `tables_from_html` gives the same statistics as
reading the text with `tables_from_text` (tests/test_render.py).
"""
from __future__ import annotations

from html import escape

from crawler.extract.numbers import is_figure_or_blank
from crawler.extract.stats import _ARTICLE, _dedupe, _is_part3, _is_part4, _level, _part3_columns
from crawler.extract.tables import Table, text_blocks

_APPEAL_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{escape(text)}</td>"


def _tr(cells: list[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _label_block(rows: list[list[str]]) -> list[list[str]]:
    """The <td>s of the label columns of figure rows, merged as the report merges them.

    A label spans the empty cells to its right (colspan); empty cells to the left
    of a row's first label are covered by the label above them (rowspan).
    """
    spans: list[dict] = []             # {"text", "row", "col", "rowspan", "colspan"}
    owner: dict[tuple[int, int], dict] = {}
    for r, region in enumerate(rows):
        first = next((c for c, text in enumerate(region) if text), len(region))
        for c in range(first):
            above = owner.get((r - 1, c))
            if above is not None and above["col"] + above["colspan"] <= first:
                if above["row"] + above["rowspan"] == r:
                    above["rowspan"] += 1
                owner[(r, c)] = above
            else:
                cell = {"text": "", "row": r, "col": c, "rowspan": 1, "colspan": 1}
                spans.append(cell)
                owner[(r, c)] = cell
        c = first
        while c < len(region):
            end = c + 1
            while end < len(region) and not region[end]:
                end += 1
            cell = {"text": region[c], "row": r, "col": c, "rowspan": 1, "colspan": end - c}
            spans.append(cell)
            for k in range(c, end):
                owner[(r, k)] = cell
            c = end
    out: list[list[str]] = [[] for _ in rows]
    for cell in sorted(spans, key=lambda s: (s["row"], s["col"])):
        out[cell["row"]].append(_td(cell["text"], cell["rowspan"], cell["colspan"]))
    return out


def _part3_html(table: Table) -> str | None:
    rows = table.rows
    first_data = next((i for i, row in enumerate(rows)
                       if _dedupe(row) and _level(_dedupe(row)[0]) == 0 and "本年新收" in _dedupe(row)[0]),
                      None)
    if first_data is None:
        return None
    columns = _part3_columns(rows[:first_data])
    n = len(columns)
    n_labels = table.width - n
    if not n or n_labels < 1:
        return None
    note = next((c for row in rows[:first_data] for c in row if "本列数据" in c), "")
    parent = next((c.split("/")[0] for c in columns if "/" in c), None)
    subs = [c.split("/", 1)[1] for c in columns if "/" in c]
    top = _dedupe([c.split("/")[0] for c in columns])
    has_subs = bool(subs)
    header_height = 3 if has_subs else 2
    html = [_tr([_td(note, header_height, n_labels), _td("申请人情况", 1, n)])]
    html.append(_tr([_td(label, 1, len(subs)) if label == parent else _td(label, header_height - 1)
                     for label in top]))
    if has_subs:
        html.append(_tr([_td(sub) for sub in subs]))
    body = rows[first_data:]
    labels = _label_block([row[:n_labels] for row in body])
    for label_tds, row in zip(labels, body, strict=True):
        html.append(_tr(label_tds + [_td(text) for text in row[-n:]]))
    return "<table border=\"1\">" + "".join(html) + "</table>"


def _part4_html(table: Table) -> str | None:
    header_rows, value_row = [], None
    for row in table.rows:
        if all(is_figure_or_blank(c) for c in row) and any(row):
            value_row = row
            break
        header_rows.append(row)
    labels = _dedupe([c for row in header_rows for c in row])
    subs = [label for label in labels if "起诉" in label]
    if value_row is None or "行政复议" not in labels or "行政诉讼" not in labels \
            or len(value_row) != len(_APPEAL_RESULTS) * (1 + len(subs)) or not subs:
        return None
    k = len(_APPEAL_RESULTS)
    html = [_tr([_td("行政复议", 1, k), _td("行政诉讼", 1, k * len(subs))]),
            _tr([_td(r, 2) for r in _APPEAL_RESULTS] + [_td(s, 1, k) for s in subs]),
            _tr([_td(r) for _ in subs for r in _APPEAL_RESULTS]),
            _tr([_td(v) for v in value_row])]
    return "<table border=\"1\">" + "".join(html) + "</table>"


def _plain_html(table: Table) -> str:
    html = []
    for row in table.rows:
        filled = [c for c in row if c]
        if len(filled) == 1 and row[0] and _ARTICLE.fullmatch(row[0]):
            html.append(_tr([_td(row[0], 1, len(row))]))
        else:
            html.append(_tr([_td(c) for c in row]))
    return "<table border=\"1\">" + "".join(html) + "</table>"


def table_html(table: Table) -> str:
    """One table as HTML, merged cells restored where its format is known."""
    if _is_part3(table):
        return _part3_html(table) or _plain_html(table)
    if _is_part4(table):
        return _part4_html(table) or _plain_html(table)
    return _plain_html(table)


def render_body_html(text: str) -> str:
    """A seed report's body text as an HTML fragment: `<p>` per line, `<table>` per table."""
    parts = []
    for kind, block in text_blocks(text):
        if kind == "table":
            parts.append(table_html(block))
        elif block.strip():
            parts.append(f"<p>{escape(block.strip())}</p>")
    return "\n".join(parts)
