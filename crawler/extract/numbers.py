"""How figures are spelled in statistics tables, and how to read them.

A figure cell may hold `0`, `+36`, `-3`, `1,234`, full-width digits (`１２`),
a number with a unit glued on (`5000元`, `75394432.52元`), a decimal
(`18651.06`, `5949.088667`), padding (`0` followed by `&nbsp;`s), or nothing:
a blank cell is None, never 0. Dashes (`-`, `—`, `/`) mean "nothing to report"
and read as None too.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# units printed in statistics tables, longest first so that 人次 wins over 人
UNITS = ("人次", "万元", "元", "条", "件", "次", "篇", "个", "人", "项", "家", "场", "期")

_BLANK_MARKS = {"", "-", "－", "—", "——", "–", "/", "／", "\\", "无"}
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
_FULL_WIDTH_FIGURES = str.maketrans({ch: unicodedata.normalize("NFKC", ch) for ch in "０１２３４５６７８９＋－，．"})
_UNIT_SUFFIX = re.compile(r"^(.*?\d)\s*(" + "|".join(UNITS) + r")$")
# Cell texts up to this length are read once and remembered (the readers are pure): a report's
# tables repeat the same figures and labels (0 in most cells, a merged cell's text in every
# position it covers) and each table parser asks about a cell more than once. A longer text,
# a paragraph, is read each time, so the memory stays small.
_REMEMBERED_CHARS = 200


def clean_cell_text(text: str | None) -> str:
    """The one normaliser of cell text shared by every table reader.

    Non-breaking, ideographic and zero-width spaces count as spaces; runs of
    spaces collapse to one; spaces between two CJK characters (text split over
    `<p>` or lines, as in 商业 / 企业) are dropped. Brackets and ordinals stay.
    """
    if not text:
        return ""
    return _remembered_clean_text(text) if len(text) <= _REMEMBERED_CHARS else _clean_text(text)


def _clean_text(text: str) -> str:
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = " ".join(text.split())      # Unicode whitespace (non-breaking, ideographic …) as one space
    return _SPACE_BETWEEN_CJK.sub("", text) if " " in text else text


_remembered_clean_text = lru_cache(maxsize=8192)(_clean_text)


def _ascii_digits(text: str) -> str:
    """Full-width digits, signs, commas and dots as ASCII (NFKC), nothing else."""
    return text.translate(_FULL_WIDTH_FIGURES)


def split_value(text: str | None) -> tuple[int | float | None, str | None]:
    """Read a figure cell as (value, unit glued to it). Raises ValueError if it is no figure.

    >>> split_value("+36"), split_value("5000元"), split_value("")
    ((36, None), (5000, '元'), (None, None))
    """
    figure = _read_figure(text)
    if figure is None:
        raise ValueError(f"not a figure: {text!r}")
    return figure


def _read_figure(text: str | None) -> tuple[int | float | None, str | None] | None:
    """`split_value`'s reading, None when the cell is no figure."""
    if text and len(text) > _REMEMBERED_CHARS:
        return _figure_of(text)
    return _remembered_figure(text)


def _figure_of(text: str | None) -> tuple[int | float | None, str | None] | None:
    cell = _ascii_digits(clean_cell_text(text)).replace(" ", "")
    if cell in _BLANK_MARKS:
        return None, None
    unit = None
    glued = _UNIT_SUFFIX.match(cell)
    if glued:
        cell, unit = glued.group(1), glued.group(2)
    match = _NUMBER.match(cell)
    if not match:
        return None
    sign, whole, fraction = match.groups()
    whole = whole.replace(",", "")
    if fraction:
        value: int | float = float(whole + fraction)
    else:
        value = int(whole)
    return (-value if sign == "-" else value), unit


_remembered_figure = lru_cache(maxsize=8192)(_figure_of)


def parse_value(text: str | None) -> int | float | None:
    """The number in a figure cell (`1,234` → 1234, `+36` → 36, blank → None)."""
    return split_value(text)[0]


def is_figure_or_blank(text: str | None) -> bool:
    """True when the cell may sit in a figure column: a number, a dash, or nothing."""
    return _read_figure(text) is not None
