"""Report titles: which titles are annual disclosure reports, their report year, and where
the title sits on a page or in a flattened text."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree

from crawler.extract.body import as_tree, collapse_whitespace, css, visible_text
from crawler.extract.dates import chinese_numerals_to_digits
from crawler.extract.metadata import read_metadata_text

# A report title names disclosure work (政府信息公开 / 政务公开 / 信息公开) and ends as a
# report (…年度报告, …工作报告, …公开报告, …年报), perhaps followed by a bracketed note.
_DISCLOSURE = re.compile(r"信息公开|政务公开")
_REPORT_ENDING = re.compile(r"(?:年度报告|工作报告|公开报告|年报|报告)(?:[（(〔【\[].{0,20}[）)〕】\]])?$")
# Look-alikes: notices and instructions about reports, plans, guides, statistics bulletins, digests.
_NOT_A_REPORT = re.compile(
    r"通知|通报|函$|关于做好|关于报送|关于开展|关于印发|编制|报送|填报|提交|做好|督查|考核|评估|评议|检查|审核|抽查|"
    r"工作要点|要点|统计公报|公报|指南|目录|实施方案|方案|计划|制度|办法|规定|意见|总结|培训|图解|解读|一图读懂|"
    r"政府工作报告|决算|预算|审计"
)
_COLUMN_NAME = re.compile(r"^(?:政府|政务)?(?:信息)?公开")
_FILE_EXTENSION = re.compile(r"\.(?:pdf|docx?|wps|xlsx?)$", re.I)
# a publication date some listings print inside the link text: '…年度报告 2021-01-26', '…年度报告(2021.01.26)'
_TRAILING_DATE = re.compile(r"[（(\[【]?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[）)\]】]?$")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# the sentence that states the statistics period, e.g. 统计期限自2018年1月1日起至2018年12月31日止
_STATISTICS_PERIOD = re.compile(
    r"统计(?:期限|数据时限|时限|期间|区间|时间|范围|周期)[^。；;]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
_FULL_YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。；;]{0,8}?(?:至|到|－|-|—|~)")
# article headline classes before bare h1, which many portals use for their logo;
# <ucaptitle> is the UCAP/开普 template's title element
_HEADLINE_SELECTORS = (
    "ucaptitle", ".article_title", ".wenzhang-title", ".xxgk_title", ".detail_title", ".content_title", ".con_title",
    ".article-title", "#title", "h1", ".title", ".tit", "h2",
)
# what parts a <title>: '…年度报告_政府信息公开年报_平潭…', '…年度报告-沭阳县发改局', '… | 某市人民政府';
# a hyphen between digits ('2019-2020年') parts nothing
_SITE_SUFFIX_SEPARATORS = re.compile(r"\s*(?:_|\||｜|—|--|(?<!\d)[-－]|[-－](?!\d))\s*")
# a link text cut short: '…', '...', '。。。' at its end
_ELLIPSIS = re.compile(r"(?:…+|\.{3,}|。{3,}|⋯+)$")
_TRUNCATED_TITLE_YEAR = re.compile(r"(?:19|20)\d{2}年度?")
# how report titles go on after their year; a truncated title's stem must start one of them
_REPORT_TITLE_ENDINGS = ("政府信息公开工作年度报告", "政府信息公开年度报告", "政府信息公开工作报告", "政府信息公开年报",
                         "政务公开工作年度报告", "政务公开年度报告")
_MIN_TRUNCATED_TAIL = 4      # 政府信息 / 政务公开: 政府… alone may be a 政府工作报告
_SENTENCE_PUNCTUATION = re.compile(r"[。；;，,：:！？]")
_MAX_TITLE_CHARS = 80
_TITLE_SEARCH_LINES = 6


def is_annual_report(title: str) -> bool:
    """True for an annual government-information-disclosure report title, False for look-alikes.

    A title with neither a year nor an issuing body ('政府信息公开年报',
    '政府信息公开工作年度报告') is a column name, not a report. A publication date printed
    after the title in the link text is ignored."""
    compact = _TRAILING_DATE.sub("", _FILE_EXTENSION.sub("", re.sub(r"\s+", "", title or "")))
    if not compact or len(compact) > _MAX_TITLE_CHARS:
        return False
    if not _DISCLOSURE.search(compact) or not _REPORT_ENDING.search(compact):
        return False
    if _COLUMN_NAME.match(compact) and not report_year(compact):
        return False
    return not _NOT_A_REPORT.search(compact)


def is_truncated_report_title(title: str) -> bool:
    """True for a link text cut short with an ellipsis whose stem is the start of a report title:
    a year, then the start (at least 政府信息 / 政务公开) of a report ending.
    '临夏回族自治州永靖县2024年政府信息公开工…' -> True; '某县2024年政府工作…' -> False;
    '关于做好2024年政府信息公开工作年度…' -> False. Only a report-shaped URL makes such a link a
    report (crawler.families.shapes.is_report_link)."""
    compact = re.sub(r"\s+", "", title or "")
    ellipsis = _ELLIPSIS.search(compact)
    if not ellipsis:
        return False
    stem = compact[:ellipsis.start()]
    year = _TRUNCATED_TITLE_YEAR.search(stem)
    if not year or _NOT_A_REPORT.search(stem):
        return False
    rest = stem[year.end():]
    return len(rest) >= _MIN_TRUNCATED_TAIL and any(ending.startswith(rest) for ending in _REPORT_TITLE_ENDINGS)


def report_year(title: str | None, text: str = "") -> int | None:
    """The year a report covers: the year in its title, else the year of the statistics period
    stated in its text; never the publication date."""
    for source, pattern in ((title or "", _TITLE_YEAR), (text, _STATISTICS_PERIOD), (text, _FULL_YEAR_SPAN)):
        match = pattern.search(chinese_numerals_to_digits(source))
        if match:
            return int(match.group(1))
    return None


def read_title(page: str | etree._Element) -> str | None:
    """The title of a detail page (HTML text or its parsed tree, left unchanged): the first of
    `title_candidates` that is a report title, else the first of them."""
    return best_title(title_candidates(page))


def best_title(candidates: Iterable[str | None]) -> str | None:
    """The first candidate that `is_annual_report`, else the first non-empty one. Candidates are
    read lazily: those after a report title are never computed. A page whose heading is its
    column's name (政府信息公开年报, dafeng.gov.cn) keeps looking for the report's own title."""
    first = None
    for candidate in candidates:
        if not candidate:
            continue
        if is_annual_report(candidate):
            return candidate
        first = first or candidate
    return first


def title_candidates(page: str | etree._Element) -> Iterator[str]:
    """A detail page's possible titles, best first: <meta name=ArticleTitle>, the visible
    headlines (<ucaptitle>, headline classes, h1 …), then <title> without its site name."""
    tree = as_tree(page)
    for content in tree.xpath("//meta[@name='ArticleTitle']/@content"):
        if content.strip():
            yield collapse_whitespace(content)
    for selector in _HEADLINE_SELECTORS:
        for element in css(selector)(tree):
            text = visible_text(element)
            if 4 <= len(text) <= _MAX_TITLE_CHARS * 2:
                yield text
                break
    page_title = _parse_page_title(tree.findtext(".//title") or "")
    if page_title:
        yield page_title


def _parse_page_title(page_title: str) -> str | None:
    """A <title> without the site's name: of its parts (split at _, |, - …), the one that is a
    report title, else the first. '…2023年政府信息公开工作年度报告-沭阳县发改局' -> '…年度报告';
    '某市人民政府 | 某市2023年政府信息公开工作年度报告' -> the second part."""
    parts = [part for part in _SITE_SUFFIX_SEPARATORS.split(collapse_whitespace(page_title)) if part]
    return best_title(parts)


def title_from_text(text: str) -> str | None:
    """The report title among the first lines of a flattened report (after any metadata
    header), or None when the text starts straight with a sentence."""
    _, body = read_metadata_text(text)
    lines = [line.strip() for line in body.splitlines() if line.strip()][:_TITLE_SEARCH_LINES]
    for index, line in enumerate(lines):
        if _looks_like_title(line):
            return line
        joined = line + lines[index + 1] if index + 1 < len(lines) else ""
        if joined and _looks_like_title(joined) and not _SENTENCE_PUNCTUATION.search(line):
            return joined  # a title printed over two lines: 平潭综合实验区2019年 / 政府信息公开工作年度报告
    return None


def _looks_like_title(line: str) -> bool:
    return (len(line) <= _MAX_TITLE_CHARS and not _SENTENCE_PUNCTUATION.search(line)
            and bool(_REPORT_ENDING.search(line)))
