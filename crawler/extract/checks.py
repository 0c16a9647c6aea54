"""Consistency rules that a report's own figures must obey.

`check_stats(stats, text)` returns one dict per broken rule, keys exactly
`rule, expected, found, message`: `found` is the figure the report prints,
`expected` what its parts add up to. A broken rule is reported, never fixed.

Rules (ids are stable; each holds in every well-formed report):
- `2019.part3.balance`: per applicant column of part 三,
  一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理
  (the rule the table prints in its own corner).
- `2019.part3.row_total`: per row of part 三, 总计 = 自然人 + the organisation columns.
- `2019.part3.results_total`: per column, （七）总计 = （一）+ … +（六）, a group
  without its own row (（三）不予公开, （四）…) counting as the sum of its numbered rows.
- `2019.part4.total`: per line of part 四, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
  In the 2019 template a blank cell is 0 (the tables print blanks for nothing).
- `pre2019.applications_by_channel`: （一）收到申请数 = its numbered channels
  (当面, 传真, 网络, 信函, 其他).
- `pre2019.applications_closed`: （二）申请办结数 = 按时办结数 + 延期办结数.
- `pre2019.replies_by_type`: （三）申请答复数 = its numbered reply types.
- `pre2019.staff`: 从事政府信息公开工作人员数 = 专职人员数 + 兼职人员数.
- `pre2019.appeals_total`: 行政复议数量 / 行政诉讼数量 = their （一）…（三） outcomes.
  Before 2019 a blank cell is no figure: a rule with a blank part is not checked.

The figures are matched by the words of their labels, never by position; a rule
whose figures are not all present is skipped (no false alarms on partial tables).
"""
from __future__ import annotations

import re
from collections import defaultdict

from crawler.extract.stats import SECTION_APPEALS, SECTION_REQUESTS

_APPEAL_PARTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
_TOLERANCE = 1e-6
_NUMBERED = re.compile(r"^\d+[.、．]")
_SUBGROUP = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


def _check(rule: str, expected, found, message: str) -> dict:
    return {"rule": rule, "expected": expected, "found": found, "message": message}


def _same(a, b) -> bool:
    return abs((a or 0) - (b or 0)) <= _TOLERANCE


def _tidy(number):
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return round(number, 6) if isinstance(number, float) else number


def _zero(value):
    return 0 if value is None else value


# ---------------------------------------------------------------- 2019 part 三

def _part3(cells: list[dict]) -> list[dict]:
    grid: dict[str, dict[str, float | int | None]] = defaultdict(dict)
    columns: list[str] = []
    for cell in cells:
        grid[cell["item"]][cell["column"]] = cell["value"]
        if cell["column"] not in columns:
            columns.append(cell["column"])
    items = list(grid)

    def find(prefix: str) -> str | None:
        return next((i for i in items if i.startswith(prefix)), None)

    new, carried, carry_out = find("一、"), find("二、"), find("四、")
    results = [i for i in items if i.startswith("三、")]
    grand = next((i for i in results if i.split("/")[-1].endswith("总计")
                  and _SUBGROUP.match(i.split("/")[-1])), None)
    problems = []

    if new and carried and grand and carry_out:
        for column in columns:
            parts = [grid[k].get(column) for k in (new, carried, grand, carry_out)]
            if all(p is None for p in parts):
                continue
            left = _zero(parts[0]) + _zero(parts[1])
            right = _zero(parts[2]) + _zero(parts[3])
            if not _same(left, right):
                problems.append(_check(
                    "2019.part3.balance", _tidy(left), _tidy(right),
                    f"{column}: 一、本年新收 {_zero(parts[0])} + 二、上年结转 {_zero(parts[1])} = {_tidy(left)}"
                    f" != 三、（七）总计 {_zero(parts[2])} + 四、结转下年度 {_zero(parts[3])} = {_tidy(right)}"))

    total_column = next((c for c in columns if c.split("/")[-1] == "总计"), None)
    if total_column:
        others = [c for c in columns if c != total_column]
        for item in items:
            row = grid[item]
            if all(row.get(c) is None for c in columns):
                continue
            expected = sum(_zero(row.get(c)) for c in others)
            found = _zero(row.get(total_column))
            if not _same(expected, found):
                problems.append(_check(
                    "2019.part3.row_total", _tidy(expected), _tidy(found),
                    f"{item}: 总计 {_tidy(found)} != the applicant columns' sum {_tidy(expected)}"))

    if grand:
        root = grand.split("/")[0]
        groups: list[str] = []
        for item in results:
            parts = item.split("/")
            if len(parts) >= 2 and parts[0] == root and item != grand and parts[1] not in groups:
                groups.append(parts[1])
        if groups:
            for column in columns:
                total = 0
                for group in groups:
                    own = f"{root}/{group}"
                    if own in grid:
                        total += _zero(grid[own].get(column))
                    else:
                        total += sum(_zero(grid[i].get(column)) for i in results
                                     if i.startswith(own + "/"))
                found = _zero(grid[grand].get(column))
                if not _same(total, found):
                    problems.append(_check(
                        "2019.part3.results_total", _tidy(total), _tidy(found),
                        f"{column}: 三、（七）总计 {_tidy(found)} != （一）…（六） {_tidy(total)}"))
    return problems


# ---------------------------------------------------------------- 2019 part 四

def _part4(cells: list[dict]) -> list[dict]:
    lines: dict[str, dict[str, float | int | None]] = defaultdict(dict)
    for cell in cells:
        lines[cell["item"]][cell["column"]] = cell["value"]
    problems = []
    for item, row in lines.items():
        if "总计" not in row or not all(p in row for p in _APPEAL_PARTS):
            continue
        if all(v is None for v in row.values()):
            continue
        expected = sum(_zero(row[p]) for p in _APPEAL_PARTS)
        found = _zero(row["总计"])
        if not _same(expected, found):
            problems.append(_check(
                "2019.part4.total", _tidy(expected), _tidy(found),
                f"{item}: 总计 {_tidy(found)} != " + " + ".join(
                    f"{p} {_zero(row[p])}" for p in _APPEAL_PARTS) + f" = {_tidy(expected)}"))
    return problems


# ---------------------------------------------------------------- before 2019

_PRE2019_PARENTS = (
    # (rule, words of the total's label, which children count)
    ("pre2019.applications_by_channel", "收到申请数", "numbered"),
    ("pre2019.applications_closed", "申请办结数", "numbered"),
    ("pre2019.replies_by_type", "申请答复数", "numbered"),
    ("pre2019.staff", "从事政府信息公开工作人员数", "numbered"),
    ("pre2019.appeals_total", "行政复议数量", "subgroups"),
    ("pre2019.appeals_total", "行政诉讼数量", "subgroups"),
)


def _plain(label: str) -> str:
    """A label without its ordinal and its note in brackets (（一）收到申请数 → 收到申请数)."""
    label = re.sub(r"^(?:[一二三四五六七八九十]+、|[（(][^)）]{1,3}[)）]|\d+[.、．])", "", label)
    return re.sub(r"[（(].*?[)）]", "", label) or label


def _short(label: str) -> str:
    """A label without its ordinal, its note in brackets and the trailing 申请数/数."""
    label = _plain(label)
    return re.sub(r"(申请数|人员数|办结数|数)$", "", label) or label


def _pre2019(cells: list[dict]) -> list[dict]:
    problems = []
    for rule, words, kind in _PRE2019_PARENTS:
        for parent in (c for c in cells if words in c["item"]):
            if parent["value"] is None:
                continue
            if kind == "numbered":
                children = [c for c in cells if c["group"] == parent["item"] and c["column"] == parent["column"]
                            and c["section"] == parent["section"] and _NUMBERED.match(c["item"])]
            else:
                children = [c for c in cells if c["section"] == parent["section"] and c is not parent
                            and c["column"] == parent["column"] and _SUBGROUP.match(c["item"])]
            if len(children) < 2 or any(c["value"] is None for c in children):
                continue
            expected = sum(c["value"] for c in children)
            if not _same(expected, parent["value"]):
                parts = " + ".join(f"{_short(c['item'])} {_tidy(c['value'])}" for c in children)
                problems.append(_check(
                    rule, _tidy(expected), _tidy(parent["value"]),
                    f"{_plain(parent['item'])} {_tidy(parent['value'])} != {parts} = {_tidy(expected)}"))
    return problems


# ---------------------------------------------------------------- entry point

def check_stats(stats: list[dict], text: str = "") -> list[dict]:
    """Every rule the report's figures break (see the module docstring)."""
    part3 = [c for c in stats if c.get("section") == SECTION_REQUESTS]
    part4 = [c for c in stats if c.get("section") == SECTION_APPEALS]
    pre2019 = [c for c in stats if c.get("unit") and c.get("section") not in
               (SECTION_REQUESTS, SECTION_APPEALS, "主动公开") and c.get("group") != "正文"]
    return _part3(part3) + _part4(part4) + _pre2019(pre2019)
