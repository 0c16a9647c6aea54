"""Year-over-year rules: a body's report against the same body's report of the year before.

`check_years(earlier, later, earlier_label)` takes the statistics cells of both reports (dicts
with `section, item, column, value`) and returns one dict per broken rule, keys exactly
`rule, expected, found, message` as crawler/extract/checks.py: the check belongs to the later
report, `found` is the figure the later report prints, `expected` what the earlier report
implies; the message names the earlier report (`earlier_label`). The store keeps these rows with
`checks.other_report_id` = the earlier report, and computes them again whenever either report of
the pair is stored new or revised, whichever arrives first.

Rules (ids are stable) are declared, with what each requires, in `RULES` below.
"""
from __future__ import annotations

from crawler.extract.stats import SECTION_ACTIVE, SECTION_REQUESTS

RULE_CARRY_OVER = "year.carry_over"
RULE_NORMATIVE_STOCK = "year.normative_stock"
# rule -> what must hold (found: the later report's figure; expected: what the earlier implies)
RULES: dict[str, str] = {
    RULE_CARRY_OVER: (
        "per applicant column of part 三 (2019 template, both versions), the earlier report's "
        "四、结转下年度继续办理 = the later report's 二、上年结转政府信息公开申请数量. Only the columns both "
        "reports print are compared; a blank cell is 0. Not checked across the 2019 format change (reports "
        "before 2019 have no such rows)."),
    RULE_NORMATIVE_STOCK: (
        "for 规章 and for 行政规范性文件 of part 二 (2021 revision: 本年制发件数 | 本年废止件数 | 现行有效件数), "
        "the earlier 现行有效 + the later 本年制发 − 本年废止 = the later 现行有效. Not checked when either "
        "report lacks these columns (the 2019/2020 template prints 本年新制作数量 | 本年新公开数量 | "
        "对外公开总数量; before 2019 there is no part 二)."),
}
_TOLERANCE = 1e-6
_STOCK_ITEMS = (("规章", "规章"), ("行政规范性文件", "规范性文件"))   # (name in messages, label ending)


def _tidy(number):
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return round(number, 6) if isinstance(number, float) else number


def _plain(label) -> str:
    return "".join((label or "").split())


def _request_row(cells: list[dict], ordinal: str) -> dict[str, float | None] | None:
    """{column: value} of part 三's top row `ordinal` (二、 / 四、) about carried-over requests."""
    rows = [c for c in cells if c.get("section") == SECTION_REQUESTS
            and _plain(c.get("item")).startswith(ordinal) and "结转" in _plain(c.get("item"))]
    if not rows:
        return None
    out: dict[str, float | None] = {}
    for cell in rows:
        out.setdefault(_plain(cell.get("column")), cell.get("value"))
    return out


def _carry_over(earlier: list[dict], later: list[dict], label: str) -> list[dict]:
    carried_out, carried_in = _request_row(earlier, "四、"), _request_row(later, "二、")
    if carried_out is None or carried_in is None:
        return []
    problems = []
    for column, found in carried_in.items():
        if column not in carried_out:
            continue
        expected = carried_out[column]
        if abs((expected or 0) - (found or 0)) <= _TOLERANCE:
            continue
        problems.append({
            "rule": RULE_CARRY_OVER, "expected": _tidy(expected or 0), "found": _tidy(found or 0),
            "message": f"{column or '—'}: 二、上年结转 {_tidy(found or 0)} != {label} 四、结转下年度继续办理 "
                       f"{_tidy(expected or 0)}"})
    return problems


def _stock(cells: list[dict], ending: str) -> dict[str, float | None] | None:
    """{本年制发, 本年废止, 现行有效: value} of part 二's row ending in `ending`, when it has all three."""
    row = {}
    for cell in cells:
        if cell.get("section") != SECTION_ACTIVE or not _plain(cell.get("item")).endswith(ending):
            continue
        column = _plain(cell.get("column"))
        for name in ("本年制发", "本年废止", "现行有效"):
            if column.startswith(name):
                row.setdefault(name, cell.get("value"))
    return row if len(row) == 3 else None


def _normative_stock(earlier: list[dict], later: list[dict], label: str) -> list[dict]:
    problems = []
    for name, ending in _STOCK_ITEMS:
        before, after = _stock(earlier, ending), _stock(later, ending)
        if before is None or after is None:
            continue
        if all(v is None for v in (before["现行有效"], *after.values())):
            continue
        start, issued, repealed = (before["现行有效"] or 0), (after["本年制发"] or 0), (after["本年废止"] or 0)
        expected, found = start + issued - repealed, after["现行有效"] or 0
        if abs(expected - found) <= _TOLERANCE:
            continue
        problems.append({
            "rule": RULE_NORMATIVE_STOCK, "expected": _tidy(expected), "found": _tidy(found),
            "message": f"{name}: {label} 现行有效 {_tidy(start)} + 本年制发 {_tidy(issued)} − 本年废止 "
                       f"{_tidy(repealed)} = {_tidy(expected)} != 现行有效 {_tidy(found)}"})
    return problems


def check_years(earlier: list[dict], later: list[dict], earlier_label: str) -> list[dict]:
    """Every year-over-year rule the pair breaks (see the module docstring), for the later report."""
    return _carry_over(earlier, later, earlier_label) + _normative_stock(earlier, later, earlier_label)
