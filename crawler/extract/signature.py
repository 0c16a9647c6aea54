"""The signature block at the end of a report: the issuing body on one line, the date under it.

    南山区人民政府
    二〇一九年三月十六日

Reports often append their statistics table after the signature (seed 003: 附件1 /
南昌市政府信息公开情况统计表 …); the signature is the last body/date pair before
that appended material.
"""
from __future__ import annotations

import re

from crawler.extract.dates import normalize_date_text, to_iso_date

# a line that is nothing but a date: 2021年1月25日, 二〇一九年三月十六日, 2019-01-02
_DATE_LINE = re.compile(r"^(?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*[日号]?$")
# the body and its date on one line: 南山区人民政府 2019年3月16日
_BODY_AND_DATE_LINE = re.compile(r"^(?P<body>\S.{1,38}?)\s+"
                                 r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")
# where appended material starts: 附件1 / 附件： / 附表 on a line of its own, or a statistics-table heading
_APPENDIX_START = re.compile(r"^(?:附件|附表)\s*[0-9一二三四五六七八九十]*\s*[:：]?$|^.{0,30}统计表$")
_SENTENCE_PUNCTUATION = re.compile(r"[。，,；;：:！？、]")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
# a byline date may lack the day: 二〇一三年一月
_BYLINE_DATE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$")
_BYLINE_SEARCH_LINES = 4
_MAX_BODY_CHARS = 40
# the signature stands among the last lines of the report part
_SIGNATURE_SEARCH_LINES = 8


def read_signature(text: str) -> tuple[str | None, str | None]:
    """(signed_by, written_on as 'YYYY-MM-DD') from the end of a report, or (None, None).

    When the closing date stands alone (pingtan 2012: the body is named in a byline
    under the title instead), the signer is taken from that opening byline."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    appendix_start = next((index for index, line in enumerate(lines)
                           if index > 0 and _APPENDIX_START.match(line)), None)
    for end in filter(None, (appendix_start, len(lines))):
        signed_by, written_on = _last_signature(lines[:end])
        if written_on:
            return signed_by or _opening_byline(lines), written_on
    return None, None


def _last_signature(lines: list[str]) -> tuple[str | None, str | None]:
    """The last (body, date) pair among the closing lines; (None, date) for a lone closing date."""
    first = max(0, len(lines) - _SIGNATURE_SEARCH_LINES)
    for index in range(len(lines) - 1, first - 1, -1):
        normalized = normalize_date_text(lines[index])
        if _DATE_LINE.match(normalized):
            if index > 0 and _is_signing_body(lines[index - 1]):
                return lines[index - 1], to_iso_date(normalized)
            if index == len(lines) - 1:
                return None, to_iso_date(normalized)
        combined = _BODY_AND_DATE_LINE.match(normalized)
        if combined and _is_signing_body(combined["body"]):
            return combined["body"].strip(), to_iso_date(combined["date"])
    return None, None


def _opening_byline(lines: list[str]) -> str | None:
    """A body named under the title: 平潭综合实验区管委会办公室 / 二〇一三年一月 among the first lines."""
    for index in range(min(len(lines) - 1, _BYLINE_SEARCH_LINES)):
        if _is_signing_body(lines[index]) and _BYLINE_DATE.match(normalize_date_text(lines[index + 1])):
            return lines[index]
    return None


def _is_signing_body(line: str) -> bool:
    """A short line naming a body: no sentence punctuation, no list numbering, not a date or number."""
    return (2 <= len(line) <= _MAX_BODY_CHARS and not _SENTENCE_PUNCTUATION.search(line)
            and not _NUMBERING.match(line) and not re.search(r"\d", line) and "|" not in line)
