"""The standard figures of one report, by name, for the panel export (one row per body and year).

`panel_figures(cells)` takes a report's statistics cells (dicts or rows with `section, group,
item, column, unit, value`) and returns {figure: value} for every name of `FIGURES`, None where
the report's format has no row of that meaning (no guessed numbers). `report_format(cells)` says
which format the report's tables are: `2021` (the 2019 template as revised in 2021), `2019` (its
first version), `pre2019` (`统计指标 | 单位 | 统计数`), or '' (no table).

- 2019 template, both versions: a blank cell is 0 (the template prints blanks for nothing);
  `（三）不予公开`, `（四）无法提供`, `（五）不予处理` and the 2021 `（六）其他处理` are the sums of
  their numbered rows. 本年新制作数量 (2019/2020) counts what 本年制发件数 (2021) counts; 对外公开
  总数量 is not 现行有效件数 and is not mapped; 行政事业性收费 is money only from 2021.
- Before 2019: a blank cell is no figure. 收到申请数 / 受理依申请公开信息总数 → applications
  received; 申请答复数 / 对申请的答复总数 → results total; 同意公开 / 同意部分公开 / 不同意(不予、
  否决)公开答复数 → disclosed / partly / refused; 行政复议数(量) / 行政诉讼数(量) and their 被依法
  纠错数 → totals and corrected. The other 2019 rows (carried over, 无法提供, 不予处理, 尚未审结…)
  have no pre-2019 row and stay empty; the year column is read, never 历年累计.
"""
from __future__ import annotations

import re

from crawler.extract.stats import SECTION_ACTIVE, SECTION_APPEALS, SECTION_REQUESTS

FORMAT_2021, FORMAT_2019, FORMAT_PRE2019 = "2021", "2019", "pre2019"
FIGURES = (
    "active_items",
    "regulations_issued", "regulations_repealed", "regulations_in_force",
    "normative_issued", "normative_repealed", "normative_in_force",
    "licensing_decisions", "penalty_decisions", "enforcement_decisions", "admin_fees_wan",
    "requests_new", "requests_carried_over",
    "results_disclosed", "results_partly", "results_refused", "results_unavailable",
    "results_not_processed", "results_other", "results_total", "requests_carried_forward",
    "review_total", "review_corrected", "review_pending", "litigation_total", "litigation_corrected",
    "disclosure_fees_wan",
)
RATES = ("disclosure_rate", "review_correction_rate")
_SENTENCE_GROUP = "正文"
_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_ORDINAL = re.compile(r"^(?:其中[:：]?)?(?:[一二三四五六七八九十]+、|[（(][^)）]{1,3}[)）]|\d+[.、．])")
_NOTE = re.compile(r"[（(][^)）]*[)）]")
# results of part 三: figure -> the （n） of its row
_RESULT_GROUPS = {"results_disclosed": "（一）", "results_partly": "（二）", "results_refused": "（三）",
                  "results_unavailable": "（四）", "results_not_processed": "（五）", "results_other": "（六）",
                  "results_total": "（七）"}
# before 2019: figure -> the plain labels that mean it
_PRE2019 = {
    "active_items": ("主动公开政府信息数", "主动公开信息数", "主动公开文件数"),
    "requests_new": ("收到申请数", "受理依申请公开信息总数", "受理申请总数", "收到政府信息公开申请数"),
    "results_total": ("申请答复数", "对申请的答复总数"),
    "results_disclosed": ("同意公开答复数",),
    "results_partly": ("同意部分公开答复数",),
    "results_refused": ("不同意公开答复数", "不予公开答复数", "否决公开答复数"),
    "review_total": ("行政复议数量", "行政复议数"),
    "litigation_total": ("行政诉讼数量", "行政诉讼数"),
}


def _get(cell, name):
    return cell.get(name) if isinstance(cell, dict) else getattr(cell, name)


def _plain(label) -> str:
    """A label without white space, its ordinal (其中：1.) and its notes in brackets."""
    text = "".join((label or "").split())
    return _NOTE.sub("", _ORDINAL.sub("", text))


def _tables(cells) -> list[dict]:
    return [{k: _get(c, k) for k in ("section", "group", "item", "column", "unit", "value")}
            for c in cells if _get(c, "group") != _SENTENCE_GROUP]


def report_format(cells) -> str:
    cells = _tables(cells)
    active = [c for c in cells if c["section"] == SECTION_ACTIVE]
    if any("".join((c["column"] or "").split()).startswith(("本年制发", "现行有效")) for c in active):
        return FORMAT_2021
    if any(c["section"] in (SECTION_ACTIVE, SECTION_REQUESTS, SECTION_APPEALS) for c in cells):
        return FORMAT_2019
    if any(c["unit"] for c in cells):
        return FORMAT_PRE2019
    return ""


def _zero_sum(values) -> float | None:
    values = list(values)
    return sum(v or 0 for v in values) if values else None


def _part2(cells: list[dict], fmt: str) -> dict:
    def one(item_end: str, *column_starts: str) -> float | None:
        found = [c["value"] for c in cells if c["section"] == SECTION_ACTIVE
                 and "".join(c["item"].split()).endswith(item_end)
                 and "".join((c["column"] or "").split()).startswith(column_starts)]
        return (found[0] or 0) if found else None

    out = {
        "regulations_issued": one("规章", "本年制发", "本年新制作"),
        "normative_issued": one("规范性文件", "本年制发", "本年新制作"),
        "licensing_decisions": one("行政许可", "本年处理决定", "处理决定"),
        "penalty_decisions": one("行政处罚", "本年处理决定", "处理决定"),
        "enforcement_decisions": one("行政强制", "本年处理决定", "处理决定"),
    }
    if fmt == FORMAT_2021:
        out.update(regulations_repealed=one("规章", "本年废止"), regulations_in_force=one("规章", "现行有效"),
                   normative_repealed=one("规范性文件", "本年废止"), normative_in_force=one("规范性文件", "现行有效"))
        fees = [c for c in cells if c["section"] == SECTION_ACTIVE and "行政事业性收费" in c["item"]
                and "收费金额" in (c["column"] or "")]
        if fees and fees[0]["unit"] in ("万元", None):
            out["admin_fees_wan"] = fees[0]["value"] or 0
    return out


def _part3(cells: list[dict]) -> dict:
    rows = [c for c in cells if c["section"] == SECTION_REQUESTS and "".join((c["column"] or "").split()) == "总计"]
    paths = [(c["item"].translate(_BRACKETS).split("/"), c["value"]) for c in rows]

    def top(ordinal: str) -> float | None:
        return _zero_sum(v for p, v in paths if len(p) == 1 and p[0].startswith(ordinal))

    out = {"requests_new": top("一、"), "requests_carried_over": top("二、"),
           "requests_carried_forward": top("四、")}
    for figure, ordinal in _RESULT_GROUPS.items():
        own = [v for p, v in paths if len(p) == 2 and p[0].startswith("三、") and p[1].startswith(ordinal)]
        parts = [v for p, v in paths if len(p) == 3 and p[0].startswith("三、") and p[1].startswith(ordinal)]
        out[figure] = _zero_sum(own) if own else _zero_sum(parts)
    return out


def _part4(cells: list[dict]) -> dict:
    def lines(start: str, column: str):
        return [c["value"] for c in cells if c["section"] == SECTION_APPEALS and c["item"].startswith(start)
                and "".join((c["column"] or "").split()) == column]

    return {"review_total": _zero_sum(lines("行政复议", "总计")),
            "review_corrected": _zero_sum(lines("行政复议", "结果纠正")),
            "review_pending": _zero_sum(lines("行政复议", "尚未审结")),
            "litigation_total": _zero_sum(lines("行政诉讼", "总计")),
            "litigation_corrected": _zero_sum(lines("行政诉讼", "结果纠正"))}


def _this_year(column) -> bool:
    return "累计" not in (column or "")


def _pre2019(cells: list[dict]) -> dict:
    cells = [c for c in cells if c["unit"] and _this_year(c["column"])]
    out: dict = {}
    for figure, labels in _PRE2019.items():
        found = [c["value"] for c in cells if _plain(c["item"]) in labels]
        if found:
            out[figure] = found[0]
    for figure, section_word in (("review_corrected", "行政复议"), ("litigation_corrected", "行政诉讼")):
        found = [c["value"] for c in cells if section_word in (c["section"] or "")
                 and _plain(c["item"]) == "被依法纠错数"]
        if found:
            out[figure] = found[0]
    fees = [c for c in cells if "依申请公开信息收取的费用" in "".join((c["section"] or "") + c["item"])]
    if fees and fees[0]["value"] is not None and fees[0]["unit"] in ("万元", "元"):
        out["disclosure_fees_wan"] = fees[0]["value"] / (10000 if fees[0]["unit"] == "元" else 1)
    return out


def panel_figures(cells) -> dict:
    """{figure: value or None} for every name of FIGURES and RATES (see the module docstring)."""
    tables = _tables(cells)
    fmt = report_format(tables)
    out: dict = {name: None for name in (*FIGURES, *RATES)}
    if fmt in (FORMAT_2019, FORMAT_2021):
        out.update(_part2(tables, fmt))
        out.update(_part3(tables))
        out.update(_part4(tables))
    elif fmt == FORMAT_PRE2019:
        out.update(_pre2019(tables))
    out.update(rates(out))
    return out


def rates(figures: dict) -> dict:
    """公开率 = (予以公开 + 部分公开) ÷ 办理结果总计; 复议纠错率 = 行政复议 结果纠正 ÷ (总计 − 尚未审结).
    None when a part is missing or the divisor is 0."""
    disclosed, partly, total = (figures.get(k) for k in ("results_disclosed", "results_partly", "results_total"))
    corrected, reviews = figures.get("review_corrected"), figures.get("review_total")
    concluded = None if reviews is None else reviews - (figures.get("review_pending") or 0)
    return {
        "disclosure_rate": round((disclosed + partly) / total, 6)
        if None not in (disclosed, partly, total) and total > 0 else None,
        "review_correction_rate": round(corrected / concluded, 6)
        if corrected is not None and concluded else None,
    }
