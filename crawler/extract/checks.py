"""Consistency rules that a report's own figures must obey.

`check_stats(stats, text)` returns one dict per broken rule, keys exactly
`rule, expected, found, message`: `found` is the figure the report prints,
`expected` what its parts add up to. A broken rule is reported, never fixed.

Rules (ids are stable; each holds in every well-formed report) are declared once, with what
each requires, in `RULES` below (the data dictionary prints them): `2019.*` for the 2019
template's tables (a blank cell is 0), `pre2019.*` for the older tables (a blank cell is no
figure: a rule with a blank part is not checked). The figures are matched by the words of
their labels, never by position; a rule whose figures are not all present is skipped (no
false alarms on partial tables).

The `text.*` rules (`check_text`) read figures from the body text (`sentences.py`); those
sentence figures stay internal to these rules and are not added to `stats`.
"""
from __future__ import annotations

import re
from collections import defaultdict

from crawler.extract.sentences import GROUP_TEXT, breakdowns, figure_item, read_figures
from crawler.extract.stats import SECTION_ACTIVE, SECTION_APPEALS, SECTION_REQUESTS

# Every rule check_stats and check_text can emit -> what must hold (found = the printed figure).
RULES: dict[str, str] = {
    "2019.part3.balance": (
        "per applicant column of part 三, 一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理 "
        "(the rule the table prints in its own corner)."),
    "2019.part3.row_total": (
        "per row of part 三, 总计 = 自然人 + the organisation columns."),
    "2019.part3.results_total": (
        "per column, （七）总计 = （一）+ … +（六）, a group without its own row (（三）不予公开, （四）…) "
        "counting as the sum of its numbered rows."),
    "2019.part4.total": (
        "per line of part 四, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结. In the 2019 template a blank cell "
        "is 0 (the tables print blanks for nothing)."),
    "pre2019.applications_by_channel": (
        "（一）收到申请数 = its numbered channels (当面, 传真, 网络, 信函, 其他)."),
    "pre2019.applications_closed": (
        "（二）申请办结数 = 按时办结数 + 延期办结数."),
    "pre2019.replies_by_type": (
        "（三）申请答复数 = its numbered reply types."),
    "pre2019.staff": (
        "从事政府信息公开工作人员数 = 专职人员数 + 兼职人员数."),
    "pre2019.appeals_total": (
        "行政复议数量 / 行政诉讼数量 = their （一）…（三） outcomes. Before 2019 a blank cell is no figure: "
        "a rule with a blank part is not checked."),
    "text.parts_sum": (
        "a stated total and the parts that `其中` splits it into "
        "(`主动公开政府信息1913条。其中，…1397条，占73%。…534条，占27%。`, "
        "`共公布政府信息2599条，(其中…其他应主动公开政府信息856条)`) add up, when "
        "the parts are the whole: their shares add up to 100%, or the last is a catch-all (`其他…`). found "
        "= the total, expected = the parts' sum."),
    "text.percentage": (
        "each share printed right after a part (`占8.05%`, `（73%）`) is the part over its total, rounded or"
        " cut to the printed decimals. found = the printed share, expected = the computed one."),
    "text.vs_table": (
        "a sentence figure whose name is a table cell's equals that cell: 主动公开政府信息 ↔ pre-2019 "
        "主动公开信息数/文件数 (the year column, not 历年累计); 现行有效 / 本年制发 行政规范性文件 ↔ part 二's "
        "现行有效件数 / 本年制发件数; 收到 / 办结 政府信息公开申请 ↔ part 三's 一、本年新收 / （七）总计 "
        "(总计 column); 行政复议 / 行政诉讼 ↔ part 四's 总计 (诉讼: both lines). found = the "
        "sentence figure, expected = the table. A figure is paired only when its name is the whole of the"
        " words before it, or (for the specific names) follows words that name no subset (各…, 部门, 乡镇, "
        "通过网站…); parts of a breakdown, approximate figures (近, 约) and shares are never paired."),
}


_APPEAL_PARTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
_TOLERANCE = 1e-6
_NUMBERED = re.compile(r"^\d+[.、．]")
_SUBGROUP = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


def _check(rule: str, expected, found, message: str) -> dict:
    if rule not in RULES:
        raise KeyError(f"check rule {rule!r} is not declared in RULES")
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


# ---------------------------------------------------------------- sentences against themselves and the tables

def _amount(figure) -> str:
    return f"{_tidy(figure.value)}{figure.unit}"


def _text_parts_sum(found: list) -> list[dict]:
    problems = []
    for breakdown in found:
        if not breakdown.complete:
            continue
        expected = sum(p.value for p in breakdown.parts)
        if not _same(expected, breakdown.total.value):
            parts = " + ".join(_amount(p) for p in breakdown.parts)
            problems.append(_check(
                "text.parts_sum", _tidy(expected), _tidy(breakdown.total.value),
                f"正文: {figure_item(breakdown.total.words)} {_amount(breakdown.total)} != "
                f"其中 {parts} = {_tidy(expected)}{breakdown.total.unit}"))
    return problems


def _share_agrees(part, total) -> bool:
    """The printed share is the part's share of the total, rounded or cut to the printed decimals."""
    share = part.value / total.value * 100
    step = 10 ** -part.percent_places
    return part.percent - step / 2 - _TOLERANCE <= share < part.percent + step + _TOLERANCE


def _text_percentages(found: list) -> list[dict]:
    problems = []
    for breakdown in found:
        total = breakdown.total
        if breakdown.kind != "percent" or not total.value:
            continue
        for part in breakdown.parts:
            if part.value > total.value or _share_agrees(part, total):
                continue
            share = round(part.value / total.value * 100, part.percent_places)
            problems.append(_check(
                "text.percentage", _tidy(share), _tidy(part.percent),
                f"正文: {figure_item(part.words)} {_amount(part)} is {_tidy(share)}% of {_amount(total)},"
                f" the text says {_tidy(part.percent)}%"))
    return problems


def _table_cells(stats: list[dict]) -> list[dict]:
    return [c for c in stats if c.get("group") != GROUP_TEXT]


def _this_year(column) -> bool:
    return "累计" not in (column or "")


def _one(cells: list[dict]) -> list[dict]:
    """The cells when there is exactly one (a table with two year columns is ambiguous), else none."""
    return cells if len(cells) == 1 else []


def _active_total(cells):
    """Pre-2019: 主动公开信息数 / 主动公开文件数 / 主动公开政府信息数 of the report year (not 历年累计)."""
    return _one([c for c in cells
                 if _plain(c["item"]).strip() in ("主动公开信息数", "主动公开文件数", "主动公开政府信息数")
            and c.get("section") not in (SECTION_REQUESTS, SECTION_APPEALS, SECTION_ACTIVE)
            and _this_year(c["column"]) and c["value"] is not None])


def _normative(column_start: str):
    """2021 template part 二: 行政规范性文件 in the column `column_start…` (现行有效件数, 本年制发件数)."""
    def select(cells):
        return _one([c for c in cells if c.get("section") == SECTION_ACTIVE and c["item"].endswith("规范性文件")
                     and (c["column"] or "").startswith(column_start)])
    return select


def _appeals(kind: str):
    """2019 template part 四: the 总计 of 行政复议, or of both 行政诉讼 lines; before 2019 行政复议数 / 行政诉讼数."""
    def select(cells):
        lines = [c for c in cells if c.get("section") == SECTION_APPEALS and c["item"].startswith(kind)
                 and c["column"] == "总计"]
        return lines or _one([c for c in cells if _plain(c["item"]).strip() in (kind + "数", kind + "数量")
                              and c.get("group") is None and _this_year(c["column"])
                              and c["value"] is not None])
    return select


def _requests(row_start: str):
    """2019 template part 三: the 总计 column of the row `row_start…` (一、本年新收…, 三、…/（七）总计)."""
    def select(cells):
        return _one([c for c in cells if c.get("section") == SECTION_REQUESTS and c["column"] == "总计"
                     and c["item"].split("/")[-1].startswith(row_start) and c["item"][:2] in ("一、", "三、")])
    return select


# words before a figure's name that make it a share of the whole (各乡镇…, 区直部门…, 通过网站…)
_SUBSET_WORDS = ("各", "部门", "单位", "乡镇", "街道", "区直", "县直", "市直", "其中", "网站", "微博", "微信",
                 "公众号", "通过")

# (what the sentence and the cells both mean, the figure's name, may words stand before it, its cells)
_TEXT_TABLE_PAIRS = (
    ("主动公开政府信息", re.compile(r"主动公开(?:政府)?信息"), False, _active_total),
    ("现行有效行政规范性文件", re.compile(r"现行有效的?(?:行政)?规范性文件"), True, _normative("现行有效")),
    ("本年制发行政规范性文件", re.compile(r"(?:本年度?|今年|全年)制发的?(?:行政)?规范性文件"), True,
     _normative("本年制发")),
    ("收到政府信息公开申请", re.compile(r"(?:收到|新收|接收|受理)的?(?:各类)?政府信息公开申请"), True,
     _requests("一、")),
    ("办结政府信息公开申请", re.compile(r"办结的?(?:依申请公开|政府信息公开申请)(?:申请)?"), True,
     _requests("（七）总计")),
    ("行政复议", re.compile(r"行政复议(?:案件)?"), True, _appeals("行政复议")),
    ("行政诉讼", re.compile(r"行政诉讼(?:案件)?"), True, _appeals("行政诉讼")),
)


def _meaning(item: str):
    """The pair whose name ends the figure's item (words before it only where allowed), else None."""
    for pair in _TEXT_TABLE_PAIRS:
        _, name, prefix_allowed, _ = pair
        match = name.search(item)
        if not match or match.end() != len(item):
            continue
        prefix = item[:match.start()]
        if prefix and (not prefix_allowed or any(w in prefix for w in _SUBSET_WORDS)):
            return None
        return pair
    return None


def text_table_pairs(stats: list[dict], text: str) -> list[tuple]:
    """(meaning, sentence figure, table cells) for each sentence figure that names table cells.

    Figures that are parts of a breakdown, approximate or stated with a share are never paired."""
    if not text:
        return []
    figures = read_figures(text)
    return _pairs(_table_cells(stats), figures, breakdowns(figures, text))


def _pairs(cells: list[dict], figures: list, found: list) -> list[tuple]:
    if not cells:
        return []
    parts = {p.start for b in found for p in b.parts}
    pairs = []
    for figure in figures:
        if figure.start in parts or figure.approximate or figure.percent is not None:
            continue
        pair = _meaning(figure_item(figure.words))
        if pair is None:
            continue
        meaning, _, _, select = pair
        matched = select(cells)
        if matched:
            pairs.append((meaning, figure, matched))
    return pairs


def _text_vs_table(pairs: list[tuple]) -> list[dict]:
    problems, seen = [], set()
    for meaning, figure, cells in pairs:
        expected = sum(_zero(c["value"]) for c in cells)    # part 二/四 of 2019: a blank is 0
        if _same(expected, figure.value) or (meaning, figure.value) in seen:
            continue
        seen.add((meaning, figure.value))
        where = " + ".join(_plain(c["item"]).strip() + (f" / {c['column']}" if c["column"] else "") for c in cells)
        problems.append(_check(
            "text.vs_table", _tidy(expected), _tidy(figure.value),
            f"正文: {figure_item(figure.words)} {_amount(figure)} != 表: {where} = {_tidy(expected)}"))
    return problems


def check_text(stats: list[dict], text: str) -> list[dict]:
    """The text rules: a sentence's parts against its total, its shares, its figures against the tables."""
    if not text:
        return []
    figures = read_figures(text)
    found = breakdowns(figures, text)
    pairs = _pairs(_table_cells(stats), figures, found)
    return _text_parts_sum(found) + _text_percentages(found) + _text_vs_table(pairs)


# ---------------------------------------------------------------- entry point

def check_stats(stats: list[dict], text: str = "") -> list[dict]:
    """Every rule the report's figures break (see the module docstring)."""
    part3 = [c for c in stats if c.get("section") == SECTION_REQUESTS]
    part4 = [c for c in stats if c.get("section") == SECTION_APPEALS]
    pre2019 = [c for c in stats if c.get("unit") and c.get("section") not in
               (SECTION_REQUESTS, SECTION_APPEALS, "主动公开") and c.get("group") != "正文"]
    return _part3(part3) + _part4(part4) + _pre2019(pre2019) + check_text(stats, text)
