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

# units printed in statistics tables, longest first so that 人次 wins over 人
UNITS = ("人次", "万元", "元", "条", "件", "次", "篇", "个", "人", "项", "家", "场", "期")

_BLANK_MARKS = {"", "-", "－", "—", "——", "–", "/", "／", "\\", "无"}
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_SPACE_RUN = re.compile(r"[\s\u00a0\u3000]+")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
_FULL_WIDTH_FIGURES = str.maketrans({ch: unicodedata.normalize("NFKC", ch) for ch in "０１２３４５６７８９＋－，．"})
_UNIT_SUFFIX = re.compile(r"^(.*?\d)\s*(" + "|".join(UNITS) + r")$")


def clean_cell_text(text: str | None) -> str:
    """The one normaliser of cell text shared by every table reader.

    Non-breaking, ideographic and zero-width spaces count as spaces; runs of
    spaces collapse to one; spaces between two CJK characters (text split over
    `<p>` or lines, as in 商业 / 企业) are dropped. Brackets and ordinals stay.
    """
    if not text:
        return ""
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = _SPACE_RUN.sub(" ", text).strip()
    return _SPACE_BETWEEN_CJK.sub("", text) if " " in text else text


def _ascii_digits(text: str) -> str:
    """Full-width digits, signs, commas and dots as ASCII (NFKC), nothing else."""
    return text.translate(_FULL_WIDTH_FIGURES)


def split_value(text: str | None) -> tuple[int | float | None, str | None]:
    """Read a figure cell as (value, unit glued to it). Raises ValueError if it is no figure.

    >>> split_value("+36"), split_value("5000元"), split_value("")
    ((36, None), (5000, '元'), (None, None))
    """
    cell = _ascii_digits(clean_cell_text(text)).replace(" ", "")
    if cell in _BLANK_MARKS:
        return None, None
    unit = None
    glued = _UNIT_SUFFIX.match(cell)
    if glued:
        cell, unit = glued.group(1), glued.group(2)
    match = _NUMBER.match(cell)
    if not match:
        raise ValueError(f"not a figure: {text!r}")
    sign, whole, fraction = match.groups()
    whole = whole.replace(",", "")
    if fraction:
        value: int | float = float(whole + fraction)
    else:
        value = int(whole)
    return (-value if sign == "-" else value), unit


def parse_value(text: str | None) -> int | float | None:
    """The number in a figure cell (`1,234` → 1234, `+36` → 36, blank → None)."""
    return split_value(text)[0]


def is_figure(text: str | None) -> bool:
    """True when the cell holds a number (not when it is blank)."""
    try:
        return split_value(text)[0] is not None
    except ValueError:
        return False


def is_figure_or_blank(text: str | None) -> bool:
    """True when the cell may sit in a figure column: a number, a dash, or nothing."""
    try:
        split_value(text)
        return True
    except ValueError:
        return False
