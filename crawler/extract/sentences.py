"""Figures stated in a report's sentences, and the totals that sentences break down.

Two readers over the body text (pure, no I/O):

- `sentence_stats(text)`: the statistics cells of a report that has no table
  (group `正文`, item = the words before the number back to the last
  punctuation, unit = the unit after it). Dates, years, percentages and phone
  numbers are never read. `extract_stats` emits these only when no table gave
  a figure, so `stats` stays "every cell of every statistics table" wherever a
  report has tables.
- `read_figures(text)` and `breakdowns(figures, text)`: every `number + unit` of
  the prose (table lines skipped) with the words before it, the percentage
  stated right after it (`1397条，占73%`, `1397条（73%）`) and its bracket depth;
  and each stated total followed by `其中` (or `…的1913条政府信息中，`) with its
  parts. These feed the text checks in `checks.py` and are not emitted as cells.

A breakdown's parts are either
- `percent`: the run of figures stated with a percentage right after the link,
  across sentence ends (`其中，区直…1397条，占73%。各乡镇…534条，占27%。`);
- `list`: the figures of the sentence after `其中` at the total's bracket depth,
  or, when `其中` opens a bracket (`2599条，(其中…)`), the figures inside it;
  figures in a deeper bracket belong to the part before them, not to the total.
A breakdown is `complete` (its parts must add up to the total) when its
percentages add up to 100 (±1), or when its last part is a catch-all
(`其他…`, `其它…`, `其余…`). Partial `其中` lists are normal and never complete.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extract.numbers import UNITS, split_value

GROUP_TEXT = "正文"

# ---------------------------------------------------------------- cells of a report without tables

_SENTENCE_FIGURE = re.compile(
    r"([\u3400-\u9fff“”《》]{2,40}?)"           # the words before the number
    r"(?<![\d.\-－—~～])(\d+(?:\.\d+)?)"         # the number, not part of a longer one
    r"(" + "|".join(UNITS) + r")"                # its unit
    r"(?![\d%％])"
)
_FIGURE_WORDS = ("公开", "申请", "复议", "诉讼", "解读", "回应", "信息", "举报", "投诉", "培训", "发布")
_NOT_FIGURE_WORDS = ("年", "月", "日", "电话", "邮编", "号")
_APPROXIMATE_ENDS = ("近", "约", "超", "逾", "超过", "将近")


def _read(text: str):
    try:
        return split_value(text)[0]
    except ValueError:
        return None


def sentence_stats(text: str) -> list[dict]:
    """The figures stated in sentences, as statistics cells (group `正文`)."""
    cells = []
    for clause in re.split(r"[，,。；;：:！!？?\n、（）()]", text or ""):
        for match in _SENTENCE_FIGURE.finditer(clause):
            words, number, unit = match.groups()
            words = re.sub(r"^[年月日度]+", "", words)                # the tail of a date before it
            words = re.sub(r"^.{0,8}?(?:共|全年|其中|累计|合计)(?=.{4})", "", words)  # 全市各部门共受理… → 受理…
            if not any(w in words for w in _FIGURE_WORDS):
                continue
            if words.endswith(_NOT_FIGURE_WORDS) or words.endswith(_APPROXIMATE_ENDS):
                continue
            cells.append({"section": None, "group": GROUP_TEXT, "item": words, "column": None,
                          "unit": unit, "value": _read(number)})
    return cells


# ---------------------------------------------------------------- figures of the prose

@dataclass(frozen=True)
class Figure:
    """One `number + unit` of a sentence."""
    start: int                   # offset of the number in the text
    end: int                     # offset just after the unit
    words: str                   # the words before it, back to the last punctuation
    value: int | float
    unit: str
    percent: float | None        # the share stated right after it (占73% → 73.0)
    percent_places: int          # decimals the share is printed with
    depth: int                   # bracket depth at the number
    line: int                    # index of its line

    @property
    def approximate(self) -> bool:
        return self.words.endswith(_APPROXIMATE_ENDS)


_NUMBER_UNIT = re.compile(
    r"(?<![\d.,\-－—~～/:：])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(" + "|".join(UNITS) + r")(?![\d%％])")
_PERCENT_AFTER = re.compile(r"\s*[，,]?\s*(?:占(?:比)?(?:为)?\s*|[（(]\s*)(\d+(?:\.\d+)?)\s*[%％]")
_WORD_BREAKS = frozenset("，,。；;：:！!？?、（）()[]【】| \u3000\u00a0")
_BRACKET = re.compile(r"[（()）]")
_OPEN = "（("
_WORDS_REACH = 60


def _is_prose(line: str) -> bool:
    """Table rows (cells joined by `|` or tabs) are no prose."""
    return "|" not in line and "\t" not in line


def _words_before(line: str, start: int) -> str:
    """The words before `start`, back to the last punctuation (at most 60 characters)."""
    stop = max(0, start - _WORDS_REACH)
    begin = start
    while begin > stop and line[begin - 1] not in _WORD_BREAKS:
        begin -= 1
    return line[begin:start]


def _depth_at(line: str, positions: list[int]) -> list[int]:
    """Bracket depth at each of the (ascending) positions of the line, never below 0."""
    depths, depth, brackets = [], 0, _BRACKET.finditer(line)
    pending = next(brackets, None)
    for position in positions:
        while pending is not None and pending.start() < position:
            depth = depth + 1 if pending.group() in _OPEN else max(0, depth - 1)
            pending = next(brackets, None)
        depths.append(depth)
    return depths


def read_figures(text: str) -> list[Figure]:
    """Every `number + unit` of the prose, in text order (dates, phones and bare numbers are no figures)."""
    figures = []
    offset = 0
    for index, line in enumerate((text or "").split("\n")):
        matches = list(_NUMBER_UNIT.finditer(line)) if _is_prose(line) else []
        if matches:
            depths = _depth_at(line, [m.start() for m in matches])
            for match, depth in zip(matches, depths, strict=True):
                whole, fraction, unit = match.groups()
                value = _read(whole + (fraction or ""))
                if value is None:
                    continue
                percent = _PERCENT_AFTER.match(line, match.end())
                share = percent.group(1) if percent else None
                figures.append(Figure(
                    start=offset + match.start(), end=offset + match.end(),
                    words=_words_before(line, match.start()), value=value, unit=unit,
                    percent=float(share) if share else None,
                    percent_places=len(share.split(".")[1]) if share and "." in share else 0,
                    depth=depth, line=index))
        offset += len(line) + 1
    return figures


# ---------------------------------------------------------------- stated totals and their parts

@dataclass(frozen=True)
class Breakdown:
    """A stated total and the parts a sentence splits it into."""
    total: Figure
    parts: tuple[Figure, ...]
    kind: str                    # "percent" or "list"
    complete: bool               # the parts must add up to the total


# after the total (and the noun it counts): `。其中，`, `，(其中`, `…政府信息中，`
_LINK = re.compile(r"[\u3400-\u9fff“”\"]{0,12}?(?:中[，,：:]|[，,。；;：:\s]*([（(])?\s*其中[，,：:]?)")
_SENTENCE_END = re.compile(r"[。！？!?]")
_CATCH_ALL = ("其他", "其它", "其余")
_PERCENT_SLACK = 1.0


def _percents_complete(parts) -> bool:
    return abs(sum(p.percent for p in parts) - 100) <= _PERCENT_SLACK


def _percent_run(figures: list[Figure], first: int, total: Figure) -> list[Figure]:
    run = []
    for figure in figures[first:]:
        if figure.line != total.line or figure.percent is None or figure.unit != total.unit:
            break
        run.append(figure)
    return run


def _listed_parts(figures: list[Figure], first: int, total: Figure, text: str, link_end: int,
                  bracketed: bool) -> list[Figure]:
    """The parts of a `其中` list: inside its bracket, or to the end of the sentence, top level only."""
    depth = total.depth + 1 if bracketed else total.depth
    parts = []
    for figure in figures[first:]:
        if figure.line != total.line or figure.depth < depth:
            break
        if not bracketed and _SENTENCE_END.search(text, parts[-1].end if parts else link_end, figure.start):
            break
        if figure.depth == depth:
            parts.append(figure)
    return parts


def breakdowns(figures: list[Figure], text: str) -> list[Breakdown]:
    """Each total that a `其中` (or `…中，`) right after it splits into parts of its own unit."""
    found = []
    for index, total in enumerate(figures):
        if total.percent is not None or total.approximate or index + 1 >= len(figures):
            continue
        link = _LINK.match(text, total.end)
        following = figures[index + 1]
        if not link or following.start < link.end() or following.line != total.line:
            continue
        if following.percent is not None:
            parts, kind = _percent_run(figures, index + 1, total), "percent"
            complete = len(parts) >= 2 and _percents_complete(parts)
        else:
            parts = _listed_parts(figures, index + 1, total, text, link.end(),
                                  bracketed=bool(link.group(1)))
            kind = "list"
            complete = len(parts) >= 2 and any(w in parts[-1].words for w in _CATCH_ALL)
        if not parts or any(p.unit != total.unit or p.approximate for p in parts):
            continue
        found.append(Breakdown(total, tuple(parts), kind, complete))
    return found


# ---------------------------------------------------------------- names of figures

_LEADING_SCOPE = re.compile(
    r"^(?:\d{4}年度?|[今全本]年度?|年内|截至目前|目前|全[区市县省]|[我本][区市县省]|共计|合计|总计|累计|共|其中)+")
_TRAILING_VERB = re.compile(r"(?:共计|合计|总计|累计|共|为|达到|达)+$")


def figure_item(words: str) -> str:
    """The words of a figure without the time and scope around them (2018年全区主动公开政府信息 → 主动公开政府信息)."""
    item = _TRAILING_VERB.sub("", _LEADING_SCOPE.sub("", words or ""))
    return item or words
