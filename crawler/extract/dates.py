"""Dates as portals and reports print them, to ISO `YYYY-MM-DD`.

`to_iso_date` accepts '2019-03-11', '2019年03月11日', '2024-07-12 17:33',
'2019/3/11', '二〇一九年三月十六日', '二○一三年一月二十日' (○ as well as 〇) and
full-width digits. Missing parts are never invented: '二〇一三年一月' and
'2013年' give None.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

import dateparser

# Shapes the regex below does not know ('Jan 25, 2021', '25 January 2021') go to
# dateparser, which must not fill a missing day or month from today's date.
_DATEPARSER_SETTINGS = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True,
                        "PREFER_DATES_FROM": "past", "DATE_ORDER": "YMD"}
_DATEPARSER_LANGUAGES = ["zh", "en"]

_CHINESE_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
                   "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_YEAR = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})(?=\s*年)")
_CHINESE_MONTH_DAY = re.compile(r"([一二三四五六七八九十]{1,3})(?=\s*[月日号])")

# year, month, day with Chinese or ASCII separators, and an optional time
_YMD = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<month>\d{1,2})\s*[月\-/.]\s*(?P<day>\d{1,2})\s*[日号]?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _chinese_number_value(numeral: str) -> int:
    """'三' -> 3, '十' -> 10, '十六' -> 16, '二十' -> 20, '三十一' -> 31."""
    if "十" not in numeral:
        return _CHINESE_DIGITS[numeral[-1]]
    tens, _, units = numeral.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def chinese_numerals_to_digits(text: str) -> str:
    """Write Chinese-numeral years, months and days with Arabic digits.

    '二〇一九年三月十六日' -> '2019年3月16日'; '二○一三年一月二十日' -> '2013年1月20日'.
    Only numerals directly before 年 (4 digits) or 月/日/号 are touched, so other
    Chinese text stays as it is.
    """
    text = _CHINESE_YEAR.sub(lambda m: "".join(str(_CHINESE_DIGITS[c]) for c in m.group(1)), text)
    return _CHINESE_MONTH_DAY.sub(lambda m: str(_chinese_number_value(m.group(1))), text)


def normalize_date_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), Chinese numerals to digits."""
    return chinese_numerals_to_digits(unicodedata.normalize("NFKC", text))


def to_iso_date(text: str | None) -> str | None:
    """The first complete date (year, month and day) in `text` as 'YYYY-MM-DD', else None."""
    if not text or not text.strip():
        return None
    normalized = normalize_date_text(text.strip())
    match = _YMD.search(normalized)
    if match:
        return _parse_ymd(match)
    year = _YEAR.search(normalized)
    if not year or len(normalized) > 40:  # no year, or a sentence rather than a date
        return None
    if "年" in normalized:  # Chinese dates are the regex's: one it rejected ('2024年13月') is no date
        return None
    parsed = dateparser.parse(normalized, languages=_DATEPARSER_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    if not parsed or parsed.year != int(year.group(0)):  # dateparser read some other number as the year
        return None
    return parsed.date().isoformat()


def _parse_ymd(match: re.Match) -> str | None:
    """A checked calendar date from a year/month/day match; None for '2019-13-01' or 2月30日."""
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
    except ValueError:
        return None
