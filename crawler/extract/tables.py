"""The table model shared by every reader (HTML, flattened text, DOCX, PDF, XLS).

A `Table` is a rectangular grid of cell texts. Merged cells are resolved: a
cell spanning several grid positions has its text either repeated in every
position it covers (HTML and DOCX readers) or only in its first position with
'' elsewhere (flattened text, PDF). Parsers downstream accept both.

Two readers live here:
- `tables_from_html`: every `<table>` of a page or fragment, nested ones
  included (each table's cells leave out the text of tables nested in them),
  rowspan/colspan resolved by repeating the text; `<p>`, `<br>`, `&nbsp;` inside
  a cell are folded by `numbers.clean_cell_text`.
- `tables_from_text`: tables flattened to text, in the three shapes the seeds
  show: one cell per line with blank lines between rows (lines may start with a
  TAB, seeds 000/001); `|`-separated rows (seed 002); one cell per line ending
  in ` |` with no row breaks (seed 003: rows are rebuilt from the header's
  width). Flattening loses colspans, so a short row is widened right after its
  labels: its figures stay under the right-hand columns.

lxml is imported only when HTML is read: the model itself has no dependency.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.extract.numbers import clean_cell_text, is_figure_or_blank


@dataclass
class Table:
    rows: list[list[str]]      # rectangular grid of cell texts
    caption: str = ""          # the text just before the table (its heading), if known

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def cells(self) -> list[str]:
        """Every cell text, row by row."""
        return [cell for row in self.rows for cell in row]

    def text(self) -> str:
        """All cell texts joined, for recognising a table by the labels it prints."""
        return "|".join(self.cells())


def _widen_rows(rows: list[list[str]]) -> list[list[str]]:
    """Make rows rectangular: pad a short row after its last label cell.

    The figures (numbers or blanks) at the end of a short row stay at the right;
    a row without trailing figures is padded at its end.
    """
    width = max((len(row) for row in rows), default=0)
    def label_end(row):
        split = len(row)
        while split > 0 and is_figure_or_blank(row[split - 1]):
            split -= 1
        return split

    figure_columns = max((len(row) - label_end(row) for row in rows if label_end(row)), default=0)
    widened = []
    for row in rows:
        missing = width - len(row)
        if missing <= 0:
            widened.append(list(row))
            continue
        split = label_end(row)
        if split == 0 or split == len(row) or len(row) - split < figure_columns:
            widened.append(list(row) + [""] * missing)
        else:
            widened.append(row[:split] + [""] * missing + row[split:])
    return widened


# ---------------------------------------------------------------- flattened text

ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d-]{1,3}[)）]|\d+[.、．])")
_TEXT_CELL = re.compile(r"^\t")            # seeds 000/001: every cell line starts with a TAB
_BAR_CELL = re.compile(r"^.*\|\s*$")       # seed 003: "label |" one cell per line
_BAR_ROW = re.compile(r"^[^|]*\|.*\|")     # seed 002: "a | b | c |"


def _caption_before(lines: list[str], index: int) -> str:
    for line in reversed(lines[:index]):
        text = clean_cell_text(line)
        if text:
            return text
    return ""


def _tab_table(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    """Rows of a one-cell-per-line block (cells start with TAB, rows end at a blank line)."""
    rows: list[list[str]] = []
    row: list[str] = []
    i = start
    blank_run = 0
    while i < len(lines):
        line = lines[i]
        if _TEXT_CELL.match(line):
            blank_run = 0
            row.append(clean_cell_text(line))
        elif not line.strip() and "\t" not in line:
            blank_run += 1
            if row:
                rows.append(row)
                row = []
            if blank_run >= 2 or not (i + 1 < len(lines) and _TEXT_CELL.match(lines[i + 1])):
                i += 1
                break
        else:
            break
        i += 1
    if row:
        rows.append(row)
    return rows, i


def _bar_cells_table(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    """Rows of a one-cell-per-line `cell |` block, regrouped by the header's width."""
    cells = []
    i = start
    while i < len(lines) and _BAR_CELL.match(lines[i]) and lines[i].count("|") == 1:
        cells.append(clean_cell_text(lines[i].rsplit("|", 1)[0]))
        i += 1
    width = 0
    for cell in cells:                      # header: the label cells before the first row label
        if cell and not is_figure_or_blank(cell) and not _is_unit(cell) and not ORDINAL.match(cell):
            width += 1
        else:
            break
    width = width if 2 <= width <= 8 else 3
    rows: list[list[str]] = []
    row: list[str] = []
    for k, cell in enumerate(cells):
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        stray = (not row and cell == "" and nxt is not None and nxt != ""
                 and not is_figure_or_blank(nxt) and not _is_unit(nxt))
        if stray:
            continue
        row.append(cell)
        if len(row) == width:
            rows.append(row)
            row = []
    if any(row):
        rows.append(row)
    return rows, i


def _is_unit(cell: str) -> bool:
    from crawler.extract.numbers import UNITS
    return cell in UNITS


def _bar_rows_table(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    rows = []
    i = start
    while i < len(lines) and _BAR_ROW.match(lines[i]):
        cells = [clean_cell_text(c) for c in lines[i].split("|")]
        if cells and cells[-1] == "":
            cells.pop()
        rows.append(cells)
        i += 1
    return rows, i


def text_blocks(text: str):
    """The text in reading order: ("line", str) for prose lines, ("table", Table) for tables."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _TEXT_CELL.match(line):
            rows, end = _tab_table(lines, i)
        elif _BAR_ROW.match(line):
            rows, end = _bar_rows_table(lines, i)
        elif _BAR_CELL.match(line) and line.count("|") == 1:
            rows, end = _bar_cells_table(lines, i)
        else:
            yield "line", line
            i += 1
            continue
        rows = [row for row in rows if row]
        if len(rows) >= 2:
            yield "table", Table(rows=_widen_rows(rows), caption=_caption_before(lines, i))
        else:
            for row in rows:
                yield "line", " ".join(row)
        i = max(end, i + 1)


def tables_from_text(text: str) -> list[Table]:
    """Every table flattened into `text` (see the module docstring for the shapes)."""
    return [block for kind, block in text_blocks(text) if kind == "table"]


# ---------------------------------------------------------------- HTML

# the element around a table's caption text: the nearest ancestor of one of these tags
_CAPTION_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "section",
                       "article", "blockquote", "pre", "center"}


def _cell_own_text(cell, plain: bool = False, string_values: dict | None = None) -> str:
    """A cell's text without the text of tables nested in it.

    `plain`: the cell's table holds no markup that the walk below treats specially (see
    `_own_rows_and_plainness`); the walk then reads every text node in document order, which is
    the cell's string value: the fast path gives the same text. `string_values`: cell -> string
    value of the cells already read (by `body.html_to_text`)."""
    if plain:
        string_value = string_values.get(cell) if string_values else None
        return clean_cell_text(_string_value(cell) if string_value is None else string_value)
    parts: list[str] = []

    def walk(node):
        if node.text:
            parts.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "table":
                pass
            elif tag == "br":
                parts.append(" ")
            elif tag in ("script", "style"):
                pass
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(cell)
    return clean_cell_text("".join(parts))


def _own_rows_and_plainness(table) -> tuple[list, bool]:
    """The table's own <tr> (not those of tables nested in it), and whether the table is plain:
    nothing inside it is read specially by `_cell_own_text`'s walk (no nested table, <br>, script or
    style, no comment, processing instruction or entity, whose text the walk reads and the string
    value does not). Both from one search of the table in C; tag names are compared as the HTML
    parsers write them, lower-case."""
    from lxml import etree
    rows, special_tags = [], set()
    for element in table.iterdescendants("tr", "table", "br", "script", "style", etree.Comment,
                                         etree.ProcessingInstruction, etree.Entity):
        if element.tag == "tr":
            rows.append(element)
        else:
            special_tags.add(element.tag)
    if "table" in special_tags:
        rows = [tr for tr in rows if next(tr.iterancestors("table")) is table]
    return rows, not special_tags


def _span(cell, name: str) -> int:
    """rowspan/colspan of a cell, 1 when absent or unreadable, at most 500."""
    value = cell.get(name)
    if value is None:       # most cells: no attribute to read
        return 1
    try:
        return max(1, min(int(value.strip() or 1), 500))
    except ValueError:
        return 1


def _grid(table, string_values: dict | None = None) -> list[list[str]]:
    """Resolve rowspan/colspan: each merged cell's text repeated in every position it covers."""
    grid: dict[tuple[int, int], str] = {}
    n_rows = 0
    rows, plain = _own_rows_and_plainness(table)
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = _cell_own_text(cell, plain, string_values)
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
        n_rows = r + 1
    if not grid:
        return []
    width = max(c for _, c in grid) + 1
    rows = [[grid.get((r, c), "") for c in range(width)] for r in range(n_rows)]
    return [row for row in rows if any(row)]


def _html_caption(table, scope) -> str:
    """The nearest non-empty text before the table inside `scope` (the fragment or page read),
    outside other tables' cells."""
    caption_el = table.find("caption")
    if caption_el is not None and clean_cell_text(_string_value(caption_el)):
        return clean_cell_text(_string_value(caption_el))
    outside = scope.getparent()
    for text, parent in _texts_before(table, scope):
        if parent is None or parent.tag in ("script", "style"):
            continue
        block = parent
        while block is not None and block.tag not in _CAPTION_BLOCK_TAGS:
            block = block.getparent()
            if block is outside:
                block = None
        if block is None or block.tag in ("td", "th"):
            block = parent
        cleaned = clean_cell_text(_string_value(block) if block is not None else str(text))
        if cleaned:
            return cleaned[-200:]
    return ""


def _string_value(element) -> str:
    """All text inside an element: `body.text_content`, imported when HTML is first read (the
    table model itself needs no lxml)."""
    return _text_content()(element)


@lru_cache(maxsize=1)
def _text_content():
    from crawler.extract.body import text_content
    return text_content


def _texts_before(table, scope, count: int = 12):
    """The last `count` non-blank text nodes before the table inside scope, nearest first: XPath's
    `preceding::text()[normalize-space()]` up to the scope's start, each with the element that
    holds it as its text or tail (what lxml's text results give as their parent).

    Read by walking back from the table (previous siblings' tails and subtrees, then the parent's
    own text, up to the scope) and stopping at the first non-blank text found: the caption is
    usually the paragraph right before the table, while libxml2 reads the preceding axis from the
    start of the document."""
    found = 0
    node = table
    while node is not scope and found < count:
        previous = node.getprevious()
        if previous is None:
            node = node.getparent()
            if node is None:
                return
            texts = [(node.text, node)]
        else:
            node = previous
            texts = _texts_backwards(node)
        for text, owner in texts:
            if text and text.strip(" \t\r\n"):       # normalize-space(): XML whitespace only
                yield text, owner
                found += 1
                if found == count:
                    return


def _texts_backwards(element):
    """(text, owner) of the element's tail and of every text in it, in reverse document order.
    Comments and processing instructions hold no text node (their `text` is their content)."""
    yield element.tail, element
    for child in reversed(element):
        yield from _texts_backwards(child)
    if isinstance(element.tag, str):
        yield element.text, element


def tables_from_html(html, string_values: dict | None = None) -> list[Table]:
    """Every <table> in an HTML page or fragment (its text, or an element: its subtree is read
    as if it were the fragment), in document order. `string_values`: cell -> its string value,
    for cells already read (`body.html_to_text` gives them)."""
    import lxml.html

    if html is None:
        return []
    if isinstance(html, str):
        if not html.strip():
            return []
        root = lxml.html.fromstring(html)          # a whole page or a fragment alike
        scope = root.getroottree().getroot()
    else:
        root = scope = html
    tables = []
    for table in root.iter("table"):
        rows = _grid(table, string_values)
        if rows:
            tables.append(Table(rows=rows, caption=_html_caption(table, scope)))
    return tables
